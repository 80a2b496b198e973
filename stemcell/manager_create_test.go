package stemcell_test

import (
	"context"
	"crypto/sha1" //nolint:gosec // the stemcell's checksum is SHA-1
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

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

	uploadSpec := func(i int) cloudstack.UploadSpec {
		_, spec := c.Templates.GetUploadParamsArgsForCall(i)
		return spec
	}
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

		spec := uploadSpec(0)
		Expect(spec.Name).To(MatchRegexp(`^bosh-cloudstack-xen-ubuntu-jammy-go_agent-1\.423-[0-9a-f]{8}$`))
		Expect(spec).To(Equal(cloudstack.UploadSpec{
			Name:        spec.Name,
			DisplayText: "BOSH stemcell bosh-cloudstack-xen-ubuntu-jammy-go_agent 1.423",
			Format:      "VHD",
			Hypervisor:  "XenServer",
			ZoneID:      zone1ID,
			OSTypeID:    osTypeID,
			Bits:        64,
			RequiresHVM: true,
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
		Expect(uploadSpec(0).Name).NotTo(Equal(uploadSpec(1).Name))
	})

	It("does not let the director's tags replace the CPI's own", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, map[string]string{"bosh_managed": "false", "director_uuid": "other"})
		Expect(err).NotTo(HaveOccurred())
		_, _, tags := upsertedTags(0)
		Expect(tags).To(HaveKeyWithValue("bosh_managed", "true"))
		Expect(tags).To(HaveKeyWithValue("director_uuid", directorID))
	})

	It("declares the template public when the config says so", func() {
		c.Settings.Public = true
		c.Settings.RequiresHVM = false
		_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(uploadSpec(0).IsPublic).To(BeTrue())
		Expect(uploadSpec(0).RequiresHVM).To(BeFalse())
	})

	It("names an anonymous stemcell's template bosh-stemcell", func() {
		_, err := c.Manager().Create(ctx, tinyVHDX, stemcell.Props{}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(uploadSpec(0).Name).To(MatchRegexp(`^bosh-stemcell-[0-9a-f]{8}$`))
		Expect(uploadSpec(0).DisplayText).To(Equal("BOSH stemcell"))
	})

	DescribeTable("declares each image's format and hypervisor, and names the file to match",
		func(image func() string, props stemcell.Props, format, hypervisor, extension string) {
			_, err := c.Manager().Create(ctx, image(), props, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(uploadSpec(0).Format).To(Equal(format))
			Expect(uploadSpec(0).Hypervisor).To(Equal(hypervisor))
			Expect(c.Storage.Received()[0].FileName).To(Equal(uploadSpec(0).Name + extension))
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

	Context("when an upload fails", func() {
		It("retries a transient failure with a new template and ticket, deleting the first", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadGateway, Text: "proxy error"}}
			id, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(template2ID))

			Expect(c.Journal()).To(Equal([]string{
				"Zones.Find zone1",
				"OSTypes.FindByDescription Other PV (64-bit)",
				"Templates.GetUploadParams",
				"POST /upload/" + template1ID,
				"Templates.Delete " + template1ID,
				"Templates.GetUploadParams",
				"POST /upload/" + template2ID,
				"Templates.Get " + template2ID + " " + zone1ID,
				"Tags.Upsert Template " + template2ID,
			}))
			Expect(c.Storage.Received()[1].Header.Get("X-Signature")).To(Equal("sig-" + template2ID))
			Expect(uploadSpec(1)).To(Equal(uploadSpec(0)), "the same template, asked for again")
			Expect(c.Log.Lines()).To(ContainElement(
				"WARN stemcell.Manager: upload attempt 1 of 3 failed (upload answered HTTP 502: proxy error); trying again with a new upload ticket"))
		})

		It("gives up after cloudstack.stemcell.upload_retries, deleting every template it created", func() {
			busy := storageAnswer{Status: http.StatusServiceUnavailable, Text: "busy"}
			c.Storage.answers = []storageAnswer{busy, busy, busy}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(MatchRegexp(
				`^uploading stemcell image 'testdata/tiny.vhd.bz2' as template 'bosh-cloudstack-xen-ubuntu-jammy-go_agent-1\.423-[0-9a-f]{8}': upload answered HTTP 503: busy$`)))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(3))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID, template2ID, template3ID}))
			Expect(c.Tags.UpsertCallCount()).To(BeZero())
		})

		It("tries once when no retries are configured", func() {
			c.Settings.UploadRetries = 0
			c.Storage.answers = []storageAnswer{{Status: http.StatusServiceUnavailable, Text: "busy"}}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("upload answered HTTP 503: busy")))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("does not retry a definitive failure, and deletes the template", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadRequest, Text: "File type mismatch between the sent file and the actual content. Received: QCOW2"}}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("upload answered HTTP 400: File type mismatch between the sent file and the actual content. Received: QCOW2")))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("does not retry an image it cannot read, and deletes the template, naming the image", func() {
			full := writeTgz(tarFile{Name: "root.img", Body: pattern(2<<20, 5)})
			truncated := copyPrefix(full, len(readFile(full))/2)
			_, err := c.Manager().Create(ctx, truncated, stemcell.Props{Name: "s", Version: "1"}, nil)
			Expect(err).To(MatchError(ContainSubstring("uploading stemcell image '" + truncated + "'")))
			Expect(err).To(MatchError(ContainSubstring("the image is truncated")))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the templates it created with forced=true: no VM can use them yet", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadRequest, Text: "no"}}
			_, _ = c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			_, id, zoneID, forced, timeout := c.Templates.DeleteArgsForCall(0)
			Expect([]any{id, zoneID, forced, timeout}).To(Equal([]any{template1ID, "", true, c.Settings.CopyTimeout}))
		})

		It("deletes the template even when the call's context is what ended the upload", func() {
			ctx, cancel := context.WithCancel(context.Background())
			issueTicket := c.Templates.GetUploadParamsStub
			c.Templates.GetUploadParamsStub = func(ctx context.Context, spec cloudstack.UploadSpec) (cloudstack.UploadParams, error) {
				defer cancel() // the deploy is cancelled just as the template exists
				return issueTicket(ctx, spec)
			}
			deleteCtxErr := errors.New("Delete was not called")
			c.Templates.DeleteStub = func(ctx context.Context, _, _ string, _ bool, _ time.Duration) error {
				deleteCtxErr = ctx.Err()
				return nil
			}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
			Expect(deleteCtxErr).NotTo(HaveOccurred(), "the cleanup must not run on the cancelled context")
		})

		It("reports CloudStack refusing to create the template", func() {
			c.Templates.GetUploadParamsReturns(cloudstack.UploadParams{}, &cloudstack.APIError{Command: "getUploadParamsForTemplate",
				HTTPCode: 431, Text: "Please specify a valid zone Id."})
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("creating template 'bosh-cloudstack-xen-ubuntu-jammy-go_agent-1.423-")))
			Expect(err).To(MatchError(ContainSubstring("Please specify a valid zone Id.")))
			Expect(c.Storage.Received()).To(BeEmpty())
			Expect(c.DeletedIDs()).To(BeEmpty())
		})
	})

	Context("when something fails after the upload", func() {
		It("deletes the template when it fails in CloudStack", func() {
			c.Templates.GetReturns(templateWithStatus(template1ID, zone1ID, "UploadError"), true, nil)
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(`template ` + template1ID + ` failed in CloudStack with status "UploadError"`))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the template when tagging it fails", func() {
			c.Tags.UpsertReturns(errors.New("CloudStack API createTags failed with error 530: boom"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("tagging template " + template1ID + ": CloudStack API createTags failed with error 530: boom"))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the template when copying it to another zone fails", func() {
			c.Settings.Zones = []string{"zone2"}
			c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID)}, nil)
			c.Templates.CopyReturns(&cloudstack.JobError{Operation: "copyTemplate", JobID: "j1", Code: 530, Text: "secondary storage full"})
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("copying template " + template1ID + " to zone " + zone2ID + ": ")))
			Expect(err).To(MatchError(ContainSubstring("secondary storage full")))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("logs, and still reports the first failure, when the cleanup fails too", func() {
			c.Tags.UpsertReturns(errors.New("tags broke"))
			c.Templates.DeleteReturns(errors.New("delete broke"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("tagging template " + template1ID + ": tags broke"))
			Expect(c.Log.Lines()).To(ContainElement(
				"WARN stemcell.Manager: could not delete template " + template1ID + " after a failed create_stemcell: delete broke"))
		})
	})

	Context("with more zones configured", func() {
		It("copies the ready template from the default zone to each other zone, once each", func() {
			c.Settings.Zones = []string{"zone1", "zone2", zone3ID, "zone2"}
			c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID)}, nil)
			id, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(template1ID))
			Expect(c.Journal()).To(Equal([]string{
				"Zones.Find zone1",
				"OSTypes.FindByDescription Other PV (64-bit)",
				"Zones.Find zone1",
				"Zones.Find zone2",
				"Zones.Find " + zone3ID,
				"Zones.Find zone2",
				"Templates.GetUploadParams",
				"POST /upload/" + template1ID,
				"Templates.Get " + template1ID + " " + zone1ID,
				"Tags.Upsert Template " + template1ID,
				"Templates.ListInZones " + template1ID,
				"Templates.Copy " + template1ID + " " + zone1ID + " " + zone2ID,
				"Templates.Get " + template1ID + " " + zone2ID,
				"Templates.ListInZones " + template1ID,
				"Templates.Copy " + template1ID + " " + zone1ID + " " + zone3ID,
				"Templates.Get " + template1ID + " " + zone3ID,
			}))
		})

		It("refuses a configured zone that does not exist before creating anything", func() {
			c.Settings.Zones = []string{"zone2", "zone9"}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("zone 'zone9' (cloudstack.stemcell.zones) does not exist in CloudStack"))
			Expect(c.Created()).To(BeZero())
		})
	})

	Context("with bad input, it fails before anything is created", func() {
		It("refuses a default zone that does not exist", func() {
			c.Settings.DefaultZone = "zone9"
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("zone 'zone9' (cloudstack.default_zone) does not exist in CloudStack"))
			Expect(c.Created()).To(BeZero())
		})

		It("reports a failed zone lookup", func() {
			c.Zones.FindReturns(cloudstack.Zone{}, false, errors.New("connection refused"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("looking up zone 'zone1': connection refused"))
			Expect(c.Created()).To(BeZero())
		})

		It("refuses an OS type that does not exist, naming the setting", func() {
			c.OSTypes.FindByDescriptionReturns(cloudstack.OSType{}, false, nil)
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("OS type 'Other PV (64-bit)' (cloudstack.stemcell.os_type) does not exist in CloudStack")))
			Expect(c.Created()).To(BeZero())
		})

		It("reports a failed OS type lookup", func() {
			c.OSTypes.FindByDescriptionReturns(cloudstack.OSType{}, false, errors.New("timeout"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("looking up OS type 'Other PV (64-bit)': timeout"))
			Expect(c.Created()).To(BeZero())
		})

		It("refuses an image it does not know, naming what it found", func() {
			path := writeTemp("image", []byte("not an image\n"))
			_, err := c.Manager().Create(ctx, path, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring(`is not a format this CPI knows`)))
			Expect(err).To(MatchError(ContainSubstring(`text starting with "not an image"`)))
			Expect(c.Created()).To(BeZero())
			Expect(c.Journal()).To(BeEmpty(), "a bad image is found before CloudStack is asked anything")
		})

		It("refuses a missing image", func() {
			path := filepath.Join(GinkgoT().TempDir(), "image")
			_, err := c.Manager().Create(ctx, path, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring(path)))
			Expect(c.Created()).To(BeZero())
		})

		It("refuses a truncated tarball", func() {
			full := writeTgz(ovfDescriptor, ovfManifest, tarFile{Name: "image-disk1.vmdk", Body: pattern(300_000, 6)})
			_, err := c.Manager().Create(ctx, copyPrefix(full, len(readFile(full))/2), stemcell.Props{}, nil)
			Expect(err).To(MatchError(ContainSubstring("truncated tarball")))
			Expect(c.Created()).To(BeZero())
		})

		It("refuses an image whose hypervisor contradicts the stemcell's", func() {
			props := xenProps
			props.Hypervisor = "kvm"
			_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
			Expect(err).To(MatchError("stemcell cloud_properties.hypervisor is 'kvm' but the image is a cloudstack-vhdx image (XenServer)"))
			Expect(c.Created()).To(BeZero())
		})

		It("refuses a hypervisor it does not know", func() {
			props := xenProps
			props.Hypervisor = "hyperv"
			_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
			Expect(err).To(MatchError("stemcell cloud_properties.hypervisor 'hyperv' is not one this CPI knows (xen, kvm, esxi)"))
			Expect(c.Created()).To(BeZero())
		})

		It("takes the hypervisor's other spellings", func() {
			props := xenProps
			props.Hypervisor = "XenServer"
			_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
			Expect(err).NotTo(HaveOccurred())
		})

		It("refuses an image whose SHA-1 is not the stemcell's", func() {
			props := xenProps
			props.SHA1 = "0000000000000000000000000000000000000000"
			_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
			Expect(err).To(MatchError("stemcell image 'testdata/tiny.vhd.bz2' has SHA-1 " + fileSHA1(tinyVHDX) +
				" but its stemcell says 0000000000000000000000000000000000000000: the file is corrupt or not this stemcell's"))
			Expect(c.Created()).To(BeZero())
		})

		It("takes an image whose SHA-1 matches, in either case and with a sha1: prefix", func() {
			props := xenProps
			props.SHA1 = "sha1:" + strings.ToUpper(fileSHA1(tinyVHDX))
			_, err := c.Manager().Create(ctx, tinyVHDX, props, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Storage.Received()).To(HaveLen(1))
		})
	})
})

func fileSHA1(path string) string {
	sum := sha1.Sum(readFile(path)) //nolint:gosec
	return hex.EncodeToString(sum[:])
}
