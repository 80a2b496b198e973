package stemcell_test

import (
	"context"
	"errors"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

const goldenTemplateID = "eeeeeeee-0000-4000-8000-000000000001"

var _ = Describe("Manager.Create with a light stemcell", func() {
	var (
		c   *cloud
		ctx = context.Background()
		// The director hands a light stemcell's placeholder image over all the same.
		placeholder string
	)
	BeforeEach(func() {
		c = newCloud()
		placeholder = writeTemp("image", nil)
		golden := cloudstack.Template{ID: goldenTemplateID, Name: "ubuntu-jammy-golden", ZoneID: zone1ID, IsReady: true,
			Status: "Download Complete", Tags: map[string]string{}}
		c.Templates.GetStub = func(_ context.Context, id, zoneID string) (cloudstack.Template, bool, error) {
			if !cloudstack.IsID(id) {
				return cloudstack.Template{}, false, errors.New("template id is not a CloudStack uuid")
			}
			return golden, id == goldenTemplateID && zoneID == zone1ID, nil
		}
		c.Templates.FindByNameStub = func(_ context.Context, name, zoneID string) (cloudstack.Template, bool, error) {
			return golden, name == golden.Name && zoneID == zone1ID, nil
		}
	})

	expectNothingCreated := func() {
		Expect(c.Created()).To(BeZero())
		Expect(c.Storage.Received()).To(BeEmpty())
		Expect(c.Tags.UpsertCallCount()).To(BeZero())
		Expect(c.DeletedIDs()).To(BeEmpty())
	}

	DescribeTable("answers the existing template's id without uploading anything",
		func(props stemcell.Props) {
			id, err := c.Manager().Create(ctx, placeholder, props, map[string]string{"env": "prod"})
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(goldenTemplateID))
			expectNothingCreated()
			Expect(c.Log.Lines()).To(ContainElement(
				"INFO stemcell.Manager: light stemcell: using existing template " + goldenTemplateID + " (ubuntu-jammy-golden)"))
		},
		Entry("by template_id", stemcell.Props{TemplateID: goldenTemplateID}),
		Entry("by template_name", stemcell.Props{TemplateName: "ubuntu-jammy-golden"}),
		Entry("by light_template naming its id", stemcell.Props{LightTemplate: goldenTemplateID}),
		Entry("by light_template naming its name", stemcell.Props{LightTemplate: "ubuntu-jammy-golden"}),
	)

	It("asks for a named template by name only: the API client refuses a name as an id", func() {
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateName: "ubuntu-jammy-golden"}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Journal()).To(Equal([]string{
			"Zones.Find zone1",
			"Templates.FindByName ubuntu-jammy-golden " + zone1ID,
		}))
	})

	It("refuses a template that does not exist, creating nothing", func() {
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateName: "ubuntu-noble-golden"}, nil)
		Expect(err).To(MatchError("light stemcell names template 'ubuntu-noble-golden', which does not exist in zone 'zone1'"))
		expectNothingCreated()
	})

	It("refuses a template id that does not exist, creating nothing", func() {
		missing := "eeeeeeee-0000-4000-8000-000000000099"
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateID: missing}, nil)
		Expect(err).To(MatchError("light stemcell names template '" + missing + "', which does not exist in zone 'zone1'"))
		expectNothingCreated()
	})

	It("reports a failed lookup", func() {
		c.Templates.FindByNameReturns(cloudstack.Template{}, false, errors.New("2 templates are named \"ubuntu-jammy-golden\""))
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateName: "ubuntu-jammy-golden"}, nil)
		Expect(err).To(MatchError(`looking up light stemcell template 'ubuntu-jammy-golden': 2 templates are named "ubuntu-jammy-golden"`))
		expectNothingCreated()
	})

	It("refuses a default zone that does not exist", func() {
		c.Settings.DefaultZone = "zone9"
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateID: goldenTemplateID}, nil)
		Expect(err).To(MatchError("zone 'zone9' (cloudstack.default_zone) does not exist in CloudStack"))
		expectNothingCreated()
	})

	It("marks a template this CPI uploaded, now also used as a light stemcell, so neither delete takes it away", func() {
		c.Templates.GetReturns(cloudstack.Template{ID: template1ID, Name: "bosh-stemcell-1-abcd", ZoneID: zone1ID, IsReady: true,
			Tags: map[string]string{"bosh_managed": "true"}}, true, nil)
		id, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateID: template1ID}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(id).To(Equal(template1ID))
		Expect(c.Tags.UpsertCallCount()).To(Equal(1))
		_, kind, taggedID, tags := c.Tags.UpsertArgsForCall(0)
		Expect([]any{kind, taggedID, tags}).To(Equal([]any{"Template", template1ID, map[string]string{"bosh_light_stemcell": "true"}}))
	})

	It("does not mark it again", func() {
		c.Templates.GetReturns(cloudstack.Template{ID: template1ID, ZoneID: zone1ID, IsReady: true,
			Tags: map[string]string{"bosh_managed": "true", "bosh_light_stemcell": "true"}}, true, nil)
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateID: template1ID}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Tags.UpsertCallCount()).To(BeZero())
	})

	It("fails when the mark cannot be set", func() {
		c.Templates.GetReturns(cloudstack.Template{ID: template1ID, ZoneID: zone1ID, IsReady: true,
			Tags: map[string]string{"bosh_managed": "true"}}, true, nil)
		c.Tags.UpsertReturns(errors.New("tags broke"))
		_, err := c.Manager().Create(ctx, placeholder, stemcell.Props{TemplateID: template1ID}, nil)
		Expect(err).To(MatchError("marking template " + template1ID + " as used by a light stemcell: tags broke"))
	})
})

var _ = Describe("Manager.Create with a stemcell CloudStack downloads itself", func() {
	var (
		c          *cloud
		ctx        = context.Background()
		registered = cloudstack.Template{ID: template1ID, ZoneID: zone1ID, Status: "Processing"}
	)
	BeforeEach(func() {
		c = newCloud()
		c.Templates.RegisterReturns(registered, nil)
	})
	registerSpec := func() cloudstack.RegisterSpec {
		_, spec := c.Templates.RegisterArgsForCall(0)
		return spec
	}
	noImage := func() string { return filepath.Join(GinkgoT().TempDir(), "image") }

	It("registers the template from the stemcell's url, in the format of the local image, and uploads nothing", func() {
		props := stemcell.Props{Name: "bosh-openstack-kvm-ubuntu-jammy-go_agent", Version: "1.1",
			URL: "https://stemcells.example/jammy.qcow2"}
		id, err := c.Manager().Create(ctx, writeTgz(tarFile{Name: "root.img", Body: qcow2Image(1000)}), props, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(id).To(Equal(template1ID))

		Expect(c.Journal()).To(Equal([]string{
			"Zones.Find zone1",
			"OSTypes.FindByDescription Other PV (64-bit)",
			"Templates.Register https://stemcells.example/jammy.qcow2",
			"Templates.Get " + template1ID + " " + zone1ID,
			"Tags.Upsert Template " + template1ID,
		}))
		spec := registerSpec()
		Expect(spec.URL).To(Equal("https://stemcells.example/jammy.qcow2"))
		Expect(spec.Format).To(Equal("QCOW2"))
		Expect(spec.Hypervisor).To(Equal("KVM"))
		Expect(spec.Name).To(MatchRegexp(`^bosh-openstack-kvm-ubuntu-jammy-go_agent-1\.1-[0-9a-f]{8}$`))
		Expect([]any{spec.ZoneID, spec.OSTypeID, spec.Bits, spec.RequiresHVM}).To(Equal([]any{zone1ID, osTypeID, 64, true}))
		Expect(c.Storage.Received()).To(BeEmpty())
		Expect(c.Templates.GetUploadParamsCallCount()).To(BeZero())
	})

	DescribeTable("takes the format from the stemcell's properties when there is no local image",
		func(props stemcell.Props, format, hypervisor string) {
			props.URL = "https://stemcells.example/image"
			_, err := c.Manager().Create(ctx, noImage(), props, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(registerSpec().Format).To(Equal(format))
			Expect(registerSpec().Hypervisor).To(Equal(hypervisor))
		},
		Entry("xen", stemcell.Props{Hypervisor: "xen"}, "VHD", "XenServer"),
		Entry("disk_format vhdx", stemcell.Props{DiskFormat: "vhdx"}, "VHD", "XenServer"),
		Entry("kvm with qcow2", stemcell.Props{Hypervisor: "kvm", DiskFormat: "qcow2"}, "QCOW2", "KVM"),
		Entry("kvm with raw", stemcell.Props{Hypervisor: "kvm", DiskFormat: "raw"}, "RAW", "KVM"),
		Entry("kvm alone", stemcell.Props{Hypervisor: "KVM"}, "QCOW2", "KVM"),
		Entry("esxi", stemcell.Props{Hypervisor: "esxi"}, "OVA", "VMware"),
		Entry("disk_format ovf", stemcell.Props{DiskFormat: "ovf"}, "OVA", "VMware"),
	)

	It("refuses a stemcell whose format it cannot tell, creating nothing", func() {
		_, err := c.Manager().Create(ctx, noImage(), stemcell.Props{URL: "https://stemcells.example/image"}, nil)
		Expect(err).To(MatchError("stemcell with url 'https://stemcells.example/image': cannot tell its format: " +
			"set cloud_properties.hypervisor (xen, kvm, esxi) or disk_format"))
		Expect(c.Created()).To(BeZero())
	})

	It("builds the url from cloudstack.stemcell.url, the stemcell's name and version, and the format's extension", func() {
		c.Settings.BaseURL = "https://stemcells.example/cloudstack/"
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(registerSpec().URL).To(Equal(
			"https://stemcells.example/cloudstack/bosh-cloudstack-xen-ubuntu-jammy-go_agent-1.423.vhd.bz2"))
		Expect(registerSpec().Format).To(Equal("VHD"))
		Expect(c.Storage.Received()).To(BeEmpty())
	})

	It("prefers the stemcell's own url to the configured base", func() {
		c.Settings.BaseURL = "https://stemcells.example/cloudstack"
		props := xenProps
		props.URL = "https://mirror.example/xen.vhd.bz2"
		_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(registerSpec().URL).To(Equal("https://mirror.example/xen.vhd.bz2"))
	})

	It("reports CloudStack refusing the registration, with nothing to clean up", func() {
		c.Templates.RegisterReturns(cloudstack.Template{}, &cloudstack.APIError{Command: "registerTemplate", HTTPCode: 431,
			Text: "Unable to resolve stemcells.example"})
		_, err := c.Manager().Create(ctx, tinyVHDX, stemcell.Props{URL: "https://stemcells.example/x.vhd.bz2"}, nil)
		Expect(err).To(MatchError(ContainSubstring("registering template 'bosh-stemcell-")))
		Expect(err).To(MatchError(ContainSubstring("from https://stemcells.example/x.vhd.bz2: ")))
		Expect(err).To(MatchError(ContainSubstring("Unable to resolve stemcells.example")))
		Expect(c.DeletedIDs()).To(BeEmpty())
	})

	It("deletes the registered template when CloudStack fails to download it", func() {
		c.Templates.GetReturns(templateWithStatus(template1ID, zone1ID, "Failed to download: 404 Not Found"), true, nil)
		_, err := c.Manager().Create(ctx, tinyVHDX, stemcell.Props{URL: "https://stemcells.example/x.vhd.bz2"}, nil)
		Expect(err).To(MatchError(`template ` + template1ID + ` failed in CloudStack with status "Failed to download: 404 Not Found"`))
		Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
	})
})
