package cpi_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("resize_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	volumeOf := func(offeringID string, sizeGiB int64) cloudstack.Volume {
		return cloudstack.Volume{ID: diskVolumeID, ZoneID: zoneID, State: "Ready", DiskOfferingID: offeringID, SizeBytes: sizeGiB * gib}
	}

	BeforeEach(func() {
		cloud = newFakeCloud()
		withDiskOfferings(cloud)
		configPath = diskConfig(GinkgoT().TempDir(), nil)
		cloud.volumes.GetReturns(volumeOf(customOfferingID, 10), true, nil)
	})

	It("grows a disk of a customized offering, rounding up to whole GiB", func() {
		expectNoError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20481)))
		Expect(cloud.volumes.ResizeCallCount()).To(Equal(1))
		_, id, sizeGiB, offeringID, shrinkOK, timeout := cloud.volumes.ResizeArgsForCall(0)
		Expect(id).To(Equal(diskVolumeID))
		Expect(sizeGiB).To(Equal(int64(21)))
		Expect(offeringID).To(BeEmpty())
		Expect(shrinkOK).To(BeFalse())
		Expect(timeout).To(Equal(1800 * time.Second))
	})

	DescribeTable("does nothing for a size that rounds up to the disk's",
		func(sizeMiB int) {
			expectNoError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, sizeMiB)))
			Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
		},
		Entry("exactly the size", 10240),
		Entry("a little less, which a new disk would round up to the same 10 GiB", 9300),
	)

	It("answers NotSupported for a shrink, so the director copies the data", func() {
		out := serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 5120))
		expectDiskError(out, cpi.TypeNotSupported, "resize_disk: disk '"+diskVolumeID+"' is 10240 MiB (10 GiB); shrinking it to 5120 MiB (5 GiB) is not supported")
		Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
	})

	It("answers NotSupported for a fixed offering when no customized one is configured", func() {
		cloud.volumes.GetReturns(volumeOf(smallOfferingID, 10), true, nil)
		out := serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480))
		expectDiskError(out, cpi.TypeNotSupported, "has a fixed size, and no cloudstack.default_offer.custom_disk is configured")
		Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
	})

	It("moves a disk of a fixed offering to default_offer.custom_disk at the new size", func() {
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
		})
		cloud.volumes.GetReturns(volumeOf(smallOfferingID, 10), true, nil)
		expectNoError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480)))
		_, _, sizeGiB, offeringID, _, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(sizeGiB).To(Equal(int64(20)))
		Expect(offeringID).To(Equal(customOfferingID))
	})

	It("treats a disk whose offering was deleted as fixed", func() {
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
		})
		cloud.volumes.GetReturns(volumeOf("99999999-0000-4000-8000-000000000009", 10), true, nil)
		expectNoError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480)))
		_, _, _, offeringID, _, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(offeringID).To(Equal(customOfferingID))
	})

	It("answers NotSupported when default_offer.custom_disk is on another kind of storage", func() {
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "local"}
		})
		cloud.volumes.GetReturns(volumeOf(smallOfferingID, 10), true, nil)
		out := serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480))
		expectDiskError(out, cpi.TypeNotSupported, "is on shared storage, and cloudstack.default_offer.custom_disk 'local' is for local storage")
	})

	It("reports a default_offer.custom_disk that is not customized as a config error", func() {
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "large"}
		})
		cloud.volumes.GetReturns(volumeOf(smallOfferingID, 10), true, nil)
		out := serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480))
		expectDiskError(out, cpi.TypeCpiError, "cloudstack.default_offer.custom_disk 'large' is not a customized disk offering")
	})

	It("answers NotSupported when CloudStack refuses the resize's parameters", func() {
		cloud.volumes.ResizeReturns(cloudstack.Volume{}, &cloudstack.JobError{Operation: "resizeVolume", Code: 431,
			Text: "Please specify a size between 1 and 1024"})
		out := serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 2000000))
		expectDiskError(out, cpi.TypeNotSupported, "CloudStack cannot change disk '"+diskVolumeID+"' in place")
		Expect(out.Response.Error.Message).To(ContainSubstring("Please specify a size between 1 and 1024"))
	})

	It("keeps other failures CloudErrors", func() {
		cloud.volumes.ResizeReturns(cloudstack.Volume{}, &cloudstack.TimeoutError{Operation: "resizeVolume", JobID: "job-1", Waited: time.Hour})
		expectDiskError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480)), cpi.TypeCloudError, "gave up waiting")
	})

	It("answers DiskNotFound for a disk that is gone", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
		expectDiskError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480)), cpi.TypeDiskNotFound, diskVolumeID)
	})

	It("refuses a size of 0", func() {
		expectDiskError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 0)), cpi.TypeCpiError,
			"resize_disk: argument 2 (new_size) must be a positive number of MiB, got 0")
		Expect(cloud.volumes.GetCallCount()).To(BeZero())
	})

	It("reports a failure to look the offering up", func() {
		cloud.offerings.FindDiskStub = nil
		cloud.offerings.FindDiskReturns(cloudstack.DiskOffering{}, false, errors.New("listDiskOfferings failed"))
		expectDiskError(serveWith(cloud, configPath, request("resize_disk", diskVolumeID, 20480)), cpi.TypeCloudError, "listDiskOfferings failed")
	})
})

var _ = Describe("update_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	volumeOf := func(offeringID string, sizeGiB int64) cloudstack.Volume {
		return cloudstack.Volume{ID: diskVolumeID, ZoneID: zoneID, State: "Ready", DiskOfferingID: offeringID, SizeBytes: sizeGiB * gib}
	}

	BeforeEach(func() {
		cloud = newFakeCloud()
		withDiskOfferings(cloud)
		configPath = diskConfig(GinkgoT().TempDir(), func(cs, _ map[string]any) {
			cs["default_offer"] = map[string]any{"custom_disk": "custom"}
		})
		cloud.volumes.GetReturns(volumeOf(smallOfferingID, 10), true, nil)
	})

	It("moves the disk to the offering the disk type names, in place, returning the same CID", func() {
		out := serveWith(cloud, configPath, request("update_disk", diskVolumeID, 51200, map[string]any{"disk_offering": "large"}))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(diskVolumeID))
		_, id, sizeGiB, offeringID, shrinkOK, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(id).To(Equal(diskVolumeID))
		Expect(sizeGiB).To(BeZero(), "a fixed offering takes no size")
		Expect(offeringID).To(Equal(largeOfferingID))
		Expect(shrinkOK).To(BeFalse())
	})

	It("moves it to a customized offering at the new size", func() {
		expectNoError(serveWith(cloud, configPath, request("update_disk", diskVolumeID, 15000, map[string]any{"disk_offering": "custom"})))
		_, _, sizeGiB, offeringID, _, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(sizeGiB).To(Equal(int64(15)))
		Expect(offeringID).To(Equal(customOfferingID))
	})

	It("only grows a disk that keeps its customized offering", func() {
		cloud.volumes.FindByNameReturns(volumeOf(customOfferingID, 10), true, nil)
		out := serveWith(cloud, configPath, request("update_disk", "cpi-disk-1", 20480, map[string]any{"disk_offering": "custom"}))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal("cpi-disk-1"), "the CID the director knows")
		_, _, sizeGiB, offeringID, _, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(sizeGiB).To(Equal(int64(20)))
		Expect(offeringID).To(BeEmpty())
	})

	It("does nothing when offering and size are already right", func() {
		out := serveWith(cloud, configPath, request("update_disk", diskVolumeID, 10240, map[string]any{"disk_offering": "small"}))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(diskVolumeID))
		Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
	})

	It("picks the offering as create_disk does when the disk type names none", func() {
		expectNoError(serveWith(cloud, configPath, request("update_disk", diskVolumeID, 12288, nil)))
		_, _, sizeGiB, offeringID, _, _ := cloud.volumes.ResizeArgsForCall(0)
		Expect(offeringID).To(Equal(customOfferingID))
		Expect(sizeGiB).To(Equal(int64(12)))
	})

	It("answers NotSupported for a smaller disk", func() {
		cloud.volumes.GetReturns(volumeOf(largeOfferingID, 50), true, nil)
		out := serveWith(cloud, configPath, request("update_disk", diskVolumeID, 10240, map[string]any{"disk_offering": "small"}))
		expectDiskError(out, cpi.TypeNotSupported, "shrinking it to 10240 MiB (10 GiB) is not supported")
		Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
	})

	It("answers NotSupported for an offering on another kind of storage", func() {
		out := serveWith(cloud, configPath, request("update_disk", diskVolumeID, 10240, map[string]any{"disk_offering": "local"}))
		expectDiskError(out, cpi.TypeNotSupported, "is on shared storage, and cloud_properties.disk_offering 'local' is for local storage")
	})

	It("answers NotSupported when CloudStack refuses the change", func() {
		cloud.volumes.ResizeReturns(cloudstack.Volume{}, &cloudstack.JobError{Operation: "resizeVolume", Code: 431, Text: "storage tags differ"})
		out := serveWith(cloud, configPath, request("update_disk", diskVolumeID, 51200, map[string]any{"disk_offering": "large"}))
		expectDiskError(out, cpi.TypeNotSupported, "storage tags differ")
	})

	DescribeTable("refuses bad input, changing nothing",
		func(args []any, message string) {
			expectDiskError(serveWith(cloud, configPath, request("update_disk", args...)), cpi.TypeCpiError, message)
			Expect(cloud.volumes.ResizeCallCount()).To(BeZero())
		},
		Entry("a size of 0", []any{diskVolumeID, 0, map[string]any{}}, "update_disk: argument 2 (new_size) must be a positive number of MiB, got 0"),
		Entry("an unknown offering", []any{diskVolumeID, 1024, map[string]any{"disk_offering": "gold"}},
			"update_disk: cloud_properties.disk_offering 'gold' is not a disk offering"),
		Entry("an offering too small", []any{diskVolumeID, 60000, map[string]any{"disk_offering": "large"}},
			"update_disk: cloud_properties.disk_offering 'large' is a fixed offering of 50 GiB, smaller than the 60000 MiB asked for"),
		Entry("cloud_properties of the wrong shape", []any{diskVolumeID, 1024, map[string]any{"disk_offering": []any{"a"}}},
			"update_disk: argument 3 (cloud_properties): disk_offering must be a string, got array"),
	)

	It("answers DiskNotFound for a disk that is gone", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
		expectDiskError(serveWith(cloud, configPath, request("update_disk", diskVolumeID, 1024, nil)), cpi.TypeDiskNotFound, diskVolumeID)
	})
})
