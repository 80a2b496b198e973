package stemcell_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

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
