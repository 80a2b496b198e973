package stemcell_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

// xenProps are the cloud_properties of a cloudstack-vhdx stemcell's stemcell.MF.
var xenProps = stemcell.Props{Name: "bosh-cloudstack-xen-ubuntu-jammy-go_agent", Version: "1.423",
	Infrastructure: "cloudstack", Hypervisor: "xen", DiskFormat: "vhdx", Architecture: "x86_64"}

var _ = Describe("Manager.Create with an image to upload", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	BeforeEach(func() { c = newCloud() })

	upsertedTags := func(i int) (string, string, map[string]string) {
		_, kind, id, tags := c.Tags.UpsertArgsForCall(i)
		return kind, id, tags
	}

	It("creates the template, streams the image to it, waits until it is ready and tags it", func() {
		id, err := c.Manager().Create(ctx, tinyVHDX, xenProps, map[string]string{"env": "prod"})
		Expect(err).NotTo(HaveOccurred())
		Expect(id).To(Equal(template1ID))

		Expect(c.Journal()).To(Equal([]string{
			"Zones.Find zone1",
			"OSTypes.FindByDescription Other PV (64-bit)",
			"Templates.GetUploadParams",
			"POST /upload/" + template1ID,
			"Templates.Get " + template1ID + " " + zone1ID,
			"Tags.Upsert Template " + template1ID,
		}))
		Expect(c.DeletedIDs()).To(BeEmpty())

		spec := c.UploadSpec(0)
		Expect(spec.Name).To(MatchRegexp(`^bosh-cloudstack-xen-ubuntu-jammy-go_agent-1\.423-[0-9a-f]{8}$`))
		Expect(spec).To(Equal(cloudstack.UploadSpec{
			Name:          spec.Name,
			DisplayText:   "BOSH stemcell bosh-cloudstack-xen-ubuntu-jammy-go_agent 1.423",
			Format:        "VHD",
			Hypervisor:    "XenServer",
			ZoneID:        zone1ID,
			OSTypeID:      osTypeID,
			Bits:          64,
			RequiresHVM:   true,
			IsExtractable: true,
		}))

		upload := c.Storage.Received()[0]
		Expect(upload.FileName).To(Equal(spec.Name + ".vhd.bz2"))
		Expect(upload.File).To(Equal(readFile(tinyVHDX)))
		Expect(upload.Header.Get("X-Signature")).To(Equal("sig-" + template1ID))
		Expect(upload.Header.Get("X-Metadata")).To(Equal("meta-" + template1ID))

		kind, taggedID, tags := upsertedTags(0)
		Expect(kind).To(Equal("Template"))
		Expect(taggedID).To(Equal(template1ID))
		Expect(tags).To(Equal(map[string]string{
			"director_uuid":         directorID,
			"bosh_managed":          "true",
			"bosh_stemcell_name":    "bosh-cloudstack-xen-ubuntu-jammy-go_agent",
			"bosh_stemcell_version": "1.423",
			"env":                   "prod",
		}))
	})

	It("names every template differently, so that a stemcell uploaded twice does not collide", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.UploadSpec(0).Name).NotTo(Equal(c.UploadSpec(1).Name))
	})

	It("does not let the director's tags replace the CPI's own", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, map[string]string{"bosh_managed": "false", "director_uuid": "other"})
		Expect(err).NotTo(HaveOccurred())
		_, _, tags := upsertedTags(0)
		Expect(tags).To(HaveKeyWithValue("bosh_managed", "true"))
		Expect(tags).To(HaveKeyWithValue("director_uuid", directorID))
	})

	It("declares the template public and featured when the config says so", func() {
		c.Settings.Public = true
		c.Settings.Featured = true
		c.Settings.RequiresHVM = false
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.UploadSpec(0).IsPublic).To(BeTrue())
		Expect(c.UploadSpec(0).IsFeatured).To(BeTrue())
		Expect(c.UploadSpec(0).RequiresHVM).To(BeFalse())
	})

	It("makes templates extractable, private and not featured by default", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.UploadSpec(0).IsExtractable).To(BeTrue())
		Expect(c.UploadSpec(0).IsPublic).To(BeFalse())
		Expect(c.UploadSpec(0).IsFeatured).To(BeFalse())
	})

	It("names an anonymous stemcell's template bosh-stemcell", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, stemcell.Props{}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.UploadSpec(0).Name).To(MatchRegexp(`^bosh-stemcell-[0-9a-f]{8}$`))
		Expect(c.UploadSpec(0).DisplayText).To(Equal("BOSH stemcell"))
	})

	DescribeTable("declares each image's format and hypervisor, and names the file to match",
		func(image func() string, props stemcell.Props, format, hypervisor, extension string) {
			_, err := c.Manager().Create(ctx, image(), props, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.UploadSpec(0).Format).To(Equal(format))
			Expect(c.UploadSpec(0).Hypervisor).To(Equal(hypervisor))
			Expect(c.Storage.Received()[0].FileName).To(Equal(c.UploadSpec(0).Name + extension))
		},
		Entry("cloudstack-vhdx", func() string { return tinyVHDX }, xenProps, "VHD", "XenServer", ".vhd.bz2"),
		Entry("openstack-qcow2", func() string { return writeTgz(tarFile{Name: "root.img", Body: qcow2Image(5000)}) },
			stemcell.Props{Name: "bosh-openstack-kvm-ubuntu-jammy-go_agent", Version: "1.1", Hypervisor: "kvm", DiskFormat: "qcow2"},
			"QCOW2", "KVM", ".qcow2"),
		Entry("openstack-raw", func() string { return writeTgz(tarFile{Name: "root.img", Body: rawImage(5000)}) },
			stemcell.Props{Name: "bosh-openstack-kvm-ubuntu-jammy-go_agent-raw", Version: "1.1", Hypervisor: "kvm", DiskFormat: "raw"},
			"RAW", "KVM", ".img"),
		Entry("vsphere-ova", func() string { return writeTgz(ovfDisk, ovfManifest, ovfDescriptor) },
			stemcell.Props{Name: "bosh-vsphere-esxi-ubuntu-jammy-go_agent", Version: "1.1", Hypervisor: "esxi", DiskFormat: "ovf"},
			"OVA", "VMware", ".ova"),
	)

	It("looks the stemcell's own cloudstack_os_type up instead of the configured one", func() {
		props := xenProps
		props.OSType = "Ubuntu 22.04 LTS"
		_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
		Expect(err).NotTo(HaveOccurred())
		_, osType := c.OSTypes.FindByDescriptionArgsForCall(0)
		Expect(osType).To(Equal("Ubuntu 22.04 LTS"))
	})

})
