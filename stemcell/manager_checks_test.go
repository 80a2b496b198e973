package stemcell_test

import (
	"context"
	"crypto/sha1" //nolint:gosec // the stemcell's checksum is SHA-1
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Manager.Create: zones, and checks before anything is created", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	BeforeEach(func() { c = newCloud() })

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
