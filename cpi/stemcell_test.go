package cpi_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

const (
	zoneID     = "aaaaaaaa-0000-4000-8000-000000000001"
	templateID = "bbbbbbbb-0000-4000-8000-000000000001"
)

var _ = Describe("stemcell methods", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = writeConfig(GinkgoT().TempDir(), validConfig())
		cloud.zones.FindReturns(cloudstack.Zone{ID: zoneID, Name: "zone1"}, true, nil)
		cloud.osTypes.FindByDescriptionReturns(cloudstack.OSType{ID: "os-1", Description: "Other PV (64-bit)"}, true, nil)
	})

	Describe("create_stemcell", func() {
		It("answers a light stemcell's existing template without uploading anything", func() {
			cloud.templates.GetReturns(cloudstack.Template{ID: templateID, Name: "public-ubuntu", ZoneID: zoneID, IsReady: true}, true, nil)
			out := serveWith(cloud, configPath, request("create_stemcell", "/var/vcap/stemcell/image",
				map[string]any{"name": "bosh-cloudstack-xen-ubuntu-jammy-go_agent", "version": "1.423", "template_id": templateID}))
			Expect(out.Response.Error).To(BeNil())
			Expect(out.Response.Result).To(Equal(templateID))
			Expect(cloud.templates.GetUploadParamsCallCount()).To(BeZero())
			Expect(cloud.templates.RegisterCallCount()).To(BeZero())
		})

		It("applies CPI API v3's tags to the template it creates, besides its own", func() {
			cloud.templates.RegisterReturns(cloudstack.Template{ID: templateID}, nil)
			cloud.templates.GetReturns(cloudstack.Template{ID: templateID, ZoneID: zoneID, IsReady: true, Status: "Download Complete"}, true, nil)
			out := serveWith(cloud, configPath, requestV(3, "create_stemcell", "/var/vcap/stemcell/image",
				map[string]any{"name": "bosh-xen", "version": "1.423", "hypervisor": "xen", "url": "http://images.example/stemcell.vhd.bz2"},
				map[string]any{"tags": map[string]any{"team": "platform", "build": 42}}))
			Expect(out.Response.Error).To(BeNil())
			Expect(out.Response.Result).To(Equal(templateID))

			_, spec := cloud.templates.RegisterArgsForCall(0)
			Expect(spec.URL).To(Equal("http://images.example/stemcell.vhd.bz2"))
			Expect(spec.Format).To(Equal("VHD"))
			Expect(spec.Hypervisor).To(Equal("XenServer"))
			_, resourceType, id, tags := cloud.tags.UpsertArgsForCall(0)
			Expect(resourceType).To(Equal("Template"))
			Expect(id).To(Equal(templateID))
			Expect(tags).To(HaveKeyWithValue("team", "platform"))
			Expect(tags).To(HaveKeyWithValue("build", "42"))
			Expect(tags).To(HaveKeyWithValue("bosh_managed", "true"))
			Expect(tags).To(HaveKeyWithValue("director_uuid", "dir-uuid"))
		})

		It("answers a CloudError that names the problem and CloudStack's text", func() {
			cloud.templates.GetReturns(cloudstack.Template{}, false, nil)
			cloud.templates.FindByNameReturns(cloudstack.Template{}, false, nil)
			out := serveWith(cloud, configPath, request("create_stemcell", "/img", map[string]any{"light_template": "no-such-template"}))
			Expect(out.Response.Error).NotTo(BeNil())
			Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
			Expect(out.Response.Error.Message).To(ContainSubstring("'no-such-template', which does not exist in zone 'zone1'"))
		})

		It("refuses cloud_properties of the wrong shape before anything else", func() {
			out := serveWith(cloud, configPath, request("create_stemcell", "/img", map[string]any{"hypervisor": 7}))
			Expect(out.Response.Error.Type).To(Equal(cpi.TypeCpiError))
			Expect(out.Response.Error.Message).To(ContainSubstring("create_stemcell: argument 2 (cloud_properties): hypervisor must be a string, got number"))
			Expect(cloud.zones.FindCallCount()).To(BeZero())
		})
	})

	Describe("delete_stemcell", func() {
		It("succeeds for a template that is already gone", func() {
			cloud.templates.ListInZonesReturns(nil, nil)
			out := serveWith(cloud, configPath, request("delete_stemcell", templateID))
			Expect(out.Response.Error).To(BeNil())
			Expect(cloud.templates.DeleteCallCount()).To(BeZero())
		})

		It("deletes a template this CPI created, in every zone, never forced", func() {
			cloud.templates.ListInZonesReturns([]cloudstack.Template{{ID: templateID, ZoneID: zoneID, Tags: map[string]string{"bosh_managed": "true"}}}, nil)
			out := serveWith(cloud, configPath, request("delete_stemcell", templateID))
			Expect(out.Response.Error).To(BeNil())
			Expect(cloud.templates.DeleteCallCount()).To(Equal(1))
			_, id, zone, forced, timeout := cloud.templates.DeleteArgsForCall(0)
			Expect(id).To(Equal(templateID))
			Expect(zone).To(BeEmpty())
			Expect(forced).To(BeFalse())
			Expect(timeout).To(Equal(1800 * time.Second))
		})

		It("reports CloudStack refusing because VMs still use the template", func() {
			cloud.templates.ListInZonesReturns([]cloudstack.Template{{ID: templateID, Tags: map[string]string{"bosh_managed": "true"}}}, nil)
			cloud.templates.DeleteStub = func(context.Context, string, string, bool, time.Duration) error {
				return errors.New("Unable to delete template with id: " + templateID + " because VM instances are using it.")
			}
			out := serveWith(cloud, configPath, request("delete_stemcell", templateID))
			Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
			Expect(out.Response.Error.Message).To(ContainSubstring("because VM instances are using it"))
		})
	})
})
