package cpi_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("create_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		withDiskOfferings(cloud)
		cloud.zones.FindReturns(cloudstack.Zone{ID: zoneID, Name: "zone1"}, true, nil)
		cloud.volumes.CreateReturns(cloudstack.Volume{ID: diskVolumeID, State: "Allocated"}, nil)
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"disk": "small", "custom_disk": "custom"}
		})
	})

	createdSpec := func() cloudstack.VolumeSpec {
		Expect(cloud.volumes.CreateCallCount()).To(Equal(1))
		_, spec, timeout := cloud.volumes.CreateArgsForCall(0)
		Expect(timeout).To(Equal(1800 * time.Second))
		return spec
	}

	It("creates a detached disk of the named customized offering, rounding the size up to whole GiB", func() {
		out := serveWith(cloud, configPath, request("create_disk", 1500, map[string]any{"disk_offering": "custom"}, nil))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(diskVolumeID))
		spec := createdSpec()
		Expect(spec.DiskOfferingID).To(Equal(customOfferingID))
		Expect(spec.SizeGiB).To(Equal(int64(2)), "1500 MiB needs 2 GiB, never the 1 GiB of a rounding down")
		Expect(spec.ZoneID).To(Equal(zoneID))
		Expect(spec.VMID).To(BeEmpty(), "created detached")
		Expect(spec.Name).To(MatchRegexp(`^bosh-disk-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`))
	})

	It("gives a small disk a whole GiB rather than 0", func() {
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1, map[string]any{"disk_offering": customOfferingID}, nil)))
		Expect(createdSpec().SizeGiB).To(Equal(int64(1)))
	})

	It("names every disk differently", func() {
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, nil)))
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, nil)))
		_, first, _ := cloud.volumes.CreateArgsForCall(0)
		_, second, _ := cloud.volumes.CreateArgsForCall(1)
		Expect(first.Name).NotTo(Equal(second.Name))
	})

	It("tags the disk with the director and as BOSH's, without listing the tags a new disk cannot have", func() {
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, nil)))
		Expect(cloud.tags.UpsertCallCount()).To(BeZero(), "Upsert lists the tags first: a call for nothing")
		Expect(cloud.tags.CreateCallCount()).To(Equal(1))
		_, resourceType, id, tags := cloud.tags.CreateArgsForCall(0)
		Expect(resourceType).To(Equal("Volume"))
		Expect(id).To(Equal(diskVolumeID))
		Expect(tags).To(Equal(map[string]string{"director_uuid": "dir-uuid", "bosh_managed": "true"}))
	})

	It("creates the disk in the VM's zone when a VM is named", func() {
		otherZone := "aaaaaaaa-0000-4000-8000-000000000002"
		cloud.vms.GetReturns(cloudstack.VM{ID: diskVMID, ZoneID: otherZone, State: "Running"}, true, nil)
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, diskVMID)))
		Expect(createdSpec().ZoneID).To(Equal(otherZone))
		Expect(cloud.zones.FindCallCount()).To(BeZero())
		_, _, offeringZone := cloud.offerings.FindDiskArgsForCall(0)
		Expect(offeringZone).To(Equal(otherZone))
	})

	It("finds a VM named by an older CPI's CID", func() {
		cloud.vms.FindByNameReturns(cloudstack.VM{ID: diskVMID, ZoneID: zoneID, State: "Running"}, true, nil)
		expectNoError(serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, "cpivm-1234")))
		_, name := cloud.vms.FindByNameArgsForCall(0)
		Expect(name).To(Equal("cpivm-1234"))
	})

	It("answers VMNotFound for a VM that is gone, creating nothing", func() {
		cloud.vms.GetReturns(cloudstack.VM{ID: diskVMID, State: "Destroyed"}, true, nil)
		out := serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{}, diskVMID))
		expectDiskError(out, cpi.TypeVMNotFound, diskVMID)
		Expect(cloud.volumes.CreateCallCount()).To(BeZero())
	})

	Describe("choosing the offering", func() {
		It("uses default_offer.disk when the disk type names none and it is large enough", func() {
			expectNoError(serveWith(cloud, configPath, request("create_disk", 10240, map[string]any{}, nil)))
			spec := createdSpec()
			Expect(spec.DiskOfferingID).To(Equal(smallOfferingID))
			Expect(spec.SizeGiB).To(BeZero(), "a fixed offering takes no size")
		})

		It("falls back to default_offer.custom_disk when default_offer.disk is too small", func() {
			out := serveWith(cloud, configPath, request("create_disk", 20480, map[string]any{}, nil))
			expectNoError(out)
			spec := createdSpec()
			Expect(spec.DiskOfferingID).To(Equal(customOfferingID))
			Expect(spec.SizeGiB).To(Equal(int64(20)))
			Expect(out.Stderr).To(ContainSubstring("too small"))
		})

		It("uses default_offer.custom_disk alone", func() {
			configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
				cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			})
			expectNoError(serveWith(cloud, configPath, request("create_disk", 3000, nil, nil)))
			Expect(createdSpec().SizeGiB).To(Equal(int64(3)))
		})

		It("refuses a named fixed offering smaller than the size, creating nothing", func() {
			out := serveWith(cloud, configPath, request("create_disk", 10241, map[string]any{"disk_offering": "small"}, nil))
			expectDiskError(out, cpi.TypeCpiError,
				"create_disk: cloud_properties.disk_offering 'small' is a fixed offering of 10 GiB, smaller than the 10241 MiB asked for")
			Expect(cloud.volumes.CreateCallCount()).To(BeZero())
		})

		It("refuses when only a too small default is configured", func() {
			configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
				cs["default_offer"] = map[string]any{"disk": "small"}
			})
			out := serveWith(cloud, configPath, request("create_disk", 20480, nil, nil))
			expectDiskError(out, cpi.TypeCpiError, "cloudstack.default_offer.disk 'small' is a fixed offering of 10 GiB, smaller than the 20480 MiB (20 GiB) asked for")
			Expect(cloud.volumes.CreateCallCount()).To(BeZero())
		})

		It("refuses an unknown offering, naming the property and the zone", func() {
			out := serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{"disk_offering": "gold"}, nil))
			expectDiskError(out, cpi.TypeCpiError, "create_disk: cloud_properties.disk_offering 'gold' is not a disk offering available in zone 'zone1'")
			Expect(cloud.volumes.CreateCallCount()).To(BeZero())
		})

		It("refuses an unknown default offering, naming the config key", func() {
			configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
				cs["default_offer"] = map[string]any{"disk": "gone"}
			})
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCpiError, "cloudstack.default_offer.disk 'gone' is not a disk offering")
		})

		It("asks for an offering when none is named or configured", func() {
			configPath = diskConfig(GinkgoT().TempDir(), nil)
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCpiError, "no disk offering to use")
			Expect(cloud.volumes.CreateCallCount()).To(BeZero())
		})

		It("reports CloudStack failing to list offerings as a CloudError", func() {
			cloud.offerings.FindDiskStub = nil
			cloud.offerings.FindDiskReturns(cloudstack.DiskOffering{}, false, errors.New("connection refused"))
			out := serveWith(cloud, configPath, request("create_disk", 1024, map[string]any{"disk_offering": "custom"}, nil))
			expectDiskError(out, cpi.TypeCloudError, "looking up cloud_properties.disk_offering 'custom': connection refused")
		})
	})

	DescribeTable("refuses bad input before asking CloudStack anything",
		func(args []any, message string) {
			out := serveWith(cloud, configPath, request("create_disk", args...))
			expectDiskError(out, cpi.TypeCpiError, message)
			Expect(cloud.zones.FindCallCount()).To(BeZero())
			Expect(cloud.volumes.CreateCallCount()).To(BeZero())
		},
		Entry("a size of 0", []any{0, map[string]any{}, nil}, "create_disk: argument 1 (size) must be a positive number of MiB, got 0"),
		Entry("a negative size", []any{-5, map[string]any{}, nil}, "must be a positive number of MiB, got -5"),
		Entry("disk_offering of the wrong type", []any{1024, map[string]any{"disk_offering": 7}, nil},
			"create_disk: argument 2 (cloud_properties): disk_offering must be a string, got number"),
	)

	It("refuses a default zone that does not exist", func() {
		cloud.zones.FindReturns(cloudstack.Zone{}, false, nil)
		out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
		expectDiskError(out, cpi.TypeCpiError, "cloudstack.default_zone 'zone1' is not a zone of this CloudStack")
	})

	Describe("when CloudStack fails", func() {
		It("removes a volume whose create job failed", func() {
			cloud.volumes.CreateReturns(cloudstack.Volume{}, &cloudstack.CreateError{Kind: "volume", ID: diskVolumeID,
				Err: &cloudstack.JobError{Operation: "createVolume", Code: 530, Text: "storage error"}})
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCloudError, "storage error")
			Expect(cloud.volumes.DeleteCallCount()).To(Equal(1))
			_, id := cloud.volumes.DeleteArgsForCall(0)
			Expect(id).To(Equal(diskVolumeID))
		})

		It("answers NoDiskSpace when CloudStack has no storage for it", func() {
			cloud.volumes.CreateReturns(cloudstack.Volume{}, &cloudstack.CreateError{Kind: "volume", ID: diskVolumeID,
				Err: &cloudstack.JobError{Operation: "createVolume", Code: 533, Text: "Unable to find suitable primary storage"}})
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeNoDiskSpace, "no room for a disk of 1024 MiB (1 GiB) in zone 'zone1'")
			Expect(cloud.volumes.DeleteCallCount()).To(Equal(1))
		})

		It("does not try to remove anything when the call itself was refused", func() {
			cloud.volumes.CreateReturns(cloudstack.Volume{}, &cloudstack.APIError{Command: "createVolume", HTTPCode: 431, Text: "bad size"})
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCloudError, "bad size")
			Expect(cloud.volumes.DeleteCallCount()).To(BeZero())
		})

		It("removes the disk again when it cannot be tagged", func() {
			cloud.tags.CreateReturns(errors.New("tag service down"))
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCloudError, "create_disk: tagging disk "+diskVolumeID+": tag service down")
			Expect(cloud.volumes.DeleteCallCount()).To(Equal(1))
		})

		It("logs, and still reports the create's error, when the clean-up fails too", func() {
			cloud.tags.CreateReturns(errors.New("tag service down"))
			cloud.volumes.DeleteReturns(errors.New("delete refused"))
			out := serveWith(cloud, configPath, request("create_disk", 1024, nil, nil))
			expectDiskError(out, cpi.TypeCloudError, "tag service down")
			Expect(out.Stderr).To(ContainSubstring("remove it by hand: delete refused"))
		})
	})
})
