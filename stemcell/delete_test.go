package stemcell_test

import (
	"context"
	"errors"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("Manager.Delete", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	// inZones makes template1ID exist in these zones, with these tags.
	inZones := func(tags map[string]string, zoneIDs ...string) {
		var rows []cloudstack.Template
		for _, zoneID := range zoneIDs {
			row := readyTemplate(template1ID, zoneID)
			row.Tags = tags
			rows = append(rows, row)
		}
		c.Templates.ListInZonesStub = func(_ context.Context, id string) ([]cloudstack.Template, error) {
			if !cloudstack.IsID(id) { // as the real client does
				return nil, fmt.Errorf("template id %q is not a CloudStack uuid", id)
			}
			if id != template1ID {
				return nil, nil
			}
			return rows, nil
		}
	}
	BeforeEach(func() {
		c = newCloud()
		inZones(nil) // no template at all
	})
	managed := map[string]string{"bosh_managed": "true", "director_uuid": directorID}

	It("deletes a template this CPI created from every zone at once, without forcing it away from VMs", func() {
		inZones(managed, zone1ID, zone2ID)
		Expect(c.Manager().Delete(ctx, template1ID)).To(Succeed())
		Expect(c.Templates.DeleteCallCount()).To(Equal(1))
		_, id, zoneID, forced, timeout := c.Templates.DeleteArgsForCall(0)
		Expect([]any{id, zoneID, forced, timeout}).To(Equal([]any{template1ID, "", false, c.Settings.CopyTimeout}))
		Expect(c.Log.Lines()).To(ContainElement("INFO stemcell.Manager: deleted template " + template1ID + " (tpl-1) in 2 zone(s)"))
	})

	It("succeeds when the template is already gone", func() {
		Expect(c.Manager().Delete(ctx, template1ID)).To(Succeed())
		Expect(c.Templates.DeleteCallCount()).To(BeZero())
		Expect(c.Log.Lines()).To(ContainElement("INFO stemcell.Manager: template " + template1ID + " is already gone"))
	})

	It("leaves a template this CPI did not create in place", func() {
		inZones(map[string]string{"owner": "ops"}, zone1ID)
		Expect(c.Manager().Delete(ctx, template1ID)).To(Succeed())
		Expect(c.Templates.DeleteCallCount()).To(BeZero())
		Expect(c.Log.Text()).To(ContainSubstring("left in place"))
	})

	It("leaves a template used by a light stemcell in place", func() {
		inZones(map[string]string{"bosh_managed": "true", "bosh_light_stemcell": "true"}, zone1ID)
		Expect(c.Manager().Delete(ctx, template1ID)).To(Succeed())
		Expect(c.Templates.DeleteCallCount()).To(BeZero())
	})

	It("reports CloudStack refusing because VMs still use the template, quoting it", func() {
		inZones(managed, zone1ID)
		c.Templates.DeleteReturns(&cloudstack.JobError{Operation: "deleteTemplate", JobID: "job-1", Code: 431,
			Text: "Unable to delete template with id: 201 because VM instances: [i-2-34-VM] are using it."})
		err := c.Manager().Delete(ctx, template1ID)
		Expect(err).To(MatchError(ContainSubstring("deleting template " + template1ID + " (tpl-1): ")))
		Expect(err).To(MatchError(ContainSubstring("because VM instances: [i-2-34-VM] are using it.")))
	})

	It("reports a failed lookup", func() {
		c.Templates.ListInZonesReturns(nil, errors.New("connection refused"))
		err := c.Manager().Delete(ctx, template1ID)
		Expect(err).To(MatchError("looking up template " + template1ID + ": connection refused"))
		Expect(c.Templates.DeleteCallCount()).To(BeZero())
	})

	Context("with a stemcell cid of the older CloudStack CPIs, a template name", func() {
		const legacyCID = "cpitemplate-0c2f5d3e-8f1b-4c2a"

		It("looks the template up by name and deletes it: those CPIs made it for this stemcell", func() {
			c.Templates.FindByNameReturns(cloudstack.Template{ID: template1ID, Name: legacyCID, ZoneID: zone1ID}, true, nil)
			inZones(map[string]string{}, zone1ID)
			Expect(c.Manager().Delete(ctx, legacyCID)).To(Succeed())
			_, name, zoneID := c.Templates.FindByNameArgsForCall(0)
			Expect([]string{name, zoneID}).To(Equal([]string{legacyCID, ""}))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("succeeds when no template has that name any more", func() {
			c.Templates.FindByNameReturns(cloudstack.Template{}, false, nil)
			Expect(c.Manager().Delete(ctx, legacyCID)).To(Succeed())
			Expect(c.Templates.DeleteCallCount()).To(BeZero())
		})

		It("leaves a named template that no CPI made in place", func() {
			c.Templates.FindByNameReturns(cloudstack.Template{ID: template1ID, Name: "ubuntu-golden", ZoneID: zone1ID}, true, nil)
			inZones(map[string]string{}, zone1ID)
			Expect(c.Manager().Delete(ctx, "ubuntu-golden")).To(Succeed())
			Expect(c.Templates.DeleteCallCount()).To(BeZero())
		})

		It("reports a failed name lookup", func() {
			c.Templates.FindByNameReturns(cloudstack.Template{}, false, errors.New("timeout"))
			err := c.Manager().Delete(ctx, legacyCID)
			Expect(err).To(MatchError("looking up template " + legacyCID + ": timeout"))
		})
	})
})
