package stemcell_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("Manager.WaitReady", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	BeforeEach(func() {
		c = newCloud()
		c.Settings.PollInitial = 2 * time.Second
		c.Settings.PollMax = 5 * time.Second
		c.Settings.ReadyTimeout = 10 * time.Minute
	})
	// statuses makes Get answer these statuses in turn, then ready.
	statuses := func(list ...string) {
		for i, status := range list {
			c.Templates.GetReturnsOnCall(i, templateWithStatus(template1ID, zone1ID, status), true, nil)
		}
		c.Templates.GetReturns(readyTemplate(template1ID, zone1ID), true, nil)
	}

	It("polls with backoff until the template is ready, logging each new status once", func() {
		statuses("NotUploaded", "37% Downloaded", "37% Downloaded", "Installing Template", "Installing Template")
		Expect(c.Manager().WaitReady(ctx, template1ID, zone1ID)).To(Succeed())

		Expect(c.Templates.GetCallCount()).To(Equal(6))
		Expect(c.Clock.slept).To(Equal([]time.Duration{2 * time.Second, 3 * time.Second, 4500 * time.Millisecond, 5 * time.Second, 5 * time.Second}))
		Expect(c.Log.Lines()).To(Equal([]string{
			"INFO stemcell.Manager: template " + template1ID + ": NotUploaded",
			"INFO stemcell.Manager: template " + template1ID + ": 37% Downloaded",
			"INFO stemcell.Manager: template " + template1ID + ": Installing Template",
			"INFO stemcell.Manager: template " + template1ID + " is ready (Download Complete)",
		}))
	})

	It("asks for the template's row in the zone it waits for", func() {
		Expect(c.Manager().WaitReady(ctx, template1ID, zone2ID)).To(Succeed())
		_, id, zoneID := c.Templates.GetArgsForCall(0)
		Expect([]string{id, zoneID}).To(Equal([]string{template1ID, zone2ID}))
		Expect(c.Clock.slept).To(BeEmpty())
	})

	DescribeTable("fails at once, quoting CloudStack, on a status that can only get worse",
		func(status string) {
			statuses("NotUploaded", status)
			err := c.Manager().WaitReady(ctx, template1ID, zone1ID)
			Expect(err).To(MatchError(`template ` + template1ID + ` failed in CloudStack with status "` + status + `"`))
			Expect(c.Templates.GetCallCount()).To(Equal(2))
			Expect(c.Clock.slept).To(HaveLen(1))
		},
		Entry("UploadError", "UploadError"),
		Entry("UploadAbandoned", "UploadAbandoned"),
		Entry("a storage VM error", "Failed post upload script: File type mismatch"),
		Entry("a checksum mismatch", "Checksum mismatch"),
	)

	It("stops at cloudstack.timeout.poll_template, quoting CloudStack's last status", func() {
		c.Settings.ReadyTimeout = time.Minute
		c.Templates.GetReturns(templateWithStatus(template1ID, zone1ID, "12% Downloaded"), true, nil)
		start := c.Clock.Now()
		err := c.Manager().WaitReady(ctx, template1ID, zone1ID)
		Expect(err).To(MatchError(`template ` + template1ID + ` was not ready after 1m0s (cloudstack.timeout.poll_template); ` +
			`CloudStack's last status: "12% Downloaded"`))
		Expect(c.Clock.Now().Sub(start)).To(BeNumerically("<=", time.Minute), "no sleep beyond the bound")
		Expect(c.Clock.Now().Sub(start)).To(BeNumerically(">", 50*time.Second), "nor giving up long before it")
	})

	It("reports a template that disappeared, with its last status", func() {
		c.Templates.GetReturnsOnCall(0, templateWithStatus(template1ID, zone1ID, "NotUploaded"), true, nil)
		c.Templates.GetReturnsOnCall(1, cloudstack.Template{}, false, nil)
		err := c.Manager().WaitReady(ctx, template1ID, zone1ID)
		Expect(err).To(MatchError(`template ` + template1ID + ` disappeared while waiting for it to become ready (last status "NotUploaded")`))
	})

	It("reports a failed lookup", func() {
		c.Templates.GetReturns(cloudstack.Template{}, false, errors.New("connection refused"))
		err := c.Manager().WaitReady(ctx, template1ID, zone1ID)
		Expect(err).To(MatchError("waiting for template " + template1ID + ": connection refused"))
	})

	It("stops when the call's context ends", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		c.Templates.GetReturns(templateWithStatus(template1ID, zone1ID, "NotUploaded"), true, nil)
		err := c.Manager().WaitReady(ctx, template1ID, zone1ID)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue())
	})
})

var _ = Describe("Manager.EnsureInZone", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	BeforeEach(func() { c = newCloud() })

	It("does nothing when the template is ready in the zone", func() {
		c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID), readyTemplate(template1ID, zone2ID)}, nil)
		Expect(c.Manager().EnsureInZone(ctx, template1ID, zone2ID)).To(Succeed())
		Expect(c.Journal()).To(Equal([]string{"Templates.ListInZones " + template1ID}))
	})

	It("waits for a copy already on its way", func() {
		c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID),
			templateWithStatus(template1ID, zone2ID, "45% Downloaded")}, nil)
		Expect(c.Manager().EnsureInZone(ctx, template1ID, zone2ID)).To(Succeed())
		Expect(c.Journal()).To(Equal([]string{"Templates.ListInZones " + template1ID, "Templates.Get " + template1ID + " " + zone2ID}))
	})

	It("copies the template from a zone where it is ready, then waits for the copy", func() {
		c.Templates.ListInZonesReturns([]cloudstack.Template{templateWithStatus(template1ID, zone1ID, "Installing Template"),
			readyTemplate(template1ID, zone2ID)}, nil)
		Expect(c.Manager().EnsureInZone(ctx, template1ID, zone3ID)).To(Succeed())
		Expect(c.Journal()).To(Equal([]string{
			"Templates.ListInZones " + template1ID,
			"Templates.Copy " + template1ID + " " + zone2ID + " " + zone3ID,
			"Templates.Get " + template1ID + " " + zone3ID,
		}))
		_, _, _, _, timeout := c.Templates.CopyArgsForCall(0)
		Expect(timeout).To(Equal(c.Settings.CopyTimeout))
		Expect(c.Log.Lines()).To(ContainElement(
			"INFO stemcell.Manager: copying template " + template1ID + " from zone " + zone2ID + " to zone " + zone3ID))
	})

	It("refuses when no zone has the template ready", func() {
		c.Templates.ListInZonesReturns([]cloudstack.Template{templateWithStatus(template1ID, zone1ID, "NotUploaded")}, nil)
		err := c.Manager().EnsureInZone(ctx, template1ID, zone2ID)
		Expect(err).To(MatchError("template " + template1ID + " is ready in no zone, so it cannot be copied to zone " + zone2ID))
		Expect(c.Templates.CopyCallCount()).To(BeZero())
	})

	It("refuses a template that is nowhere", func() {
		c.Templates.ListInZonesReturns(nil, nil)
		err := c.Manager().EnsureInZone(ctx, template1ID, zone2ID)
		Expect(err).To(MatchError(ContainSubstring("is ready in no zone")))
	})

	It("reports a failed copy", func() {
		c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID)}, nil)
		c.Templates.CopyReturns(errors.New("job failed"))
		err := c.Manager().EnsureInZone(ctx, template1ID, zone2ID)
		Expect(err).To(MatchError("copying template " + template1ID + " to zone " + zone2ID + ": job failed"))
	})

	It("reports a failed listing", func() {
		c.Templates.ListInZonesReturns(nil, errors.New("timeout"))
		err := c.Manager().EnsureInZone(ctx, template1ID, zone2ID)
		Expect(err).To(MatchError("listing zones of template " + template1ID + ": timeout"))
	})
})
