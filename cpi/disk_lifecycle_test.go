package cpi_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("has_disk, get_disks, delete_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = diskConfig(GinkgoT().TempDir(), nil)
	})

	Describe("has_disk", func() {
		DescribeTable("answers whether the disk exists",
			func(volume cloudstack.Volume, found bool, expected bool) {
				cloud.volumes.GetReturns(volume, found, nil)
				out := serveWith(cloud, configPath, request("has_disk", diskVolumeID))
				expectNoError(out)
				Expect(out.Response.Result).To(Equal(expected))
			},
			Entry("a ready disk", cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, true),
			Entry("a disk never attached", cloudstack.Volume{ID: diskVolumeID, State: "Allocated"}, true, true),
			Entry("a missing disk", cloudstack.Volume{}, false, false),
			Entry("a destroyed disk", cloudstack.Volume{ID: diskVolumeID, State: "Destroy"}, true, false),
		)

		It("looks an older CPI's disk up by name", func() {
			cloud.volumes.FindByNameReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			out := serveWith(cloud, configPath, request("has_disk", "cpi-disk-1234"))
			Expect(out.Response.Result).To(BeTrue())
			Expect(cloud.volumes.GetCallCount()).To(BeZero())
		})

		It("reports a lookup failure as a CloudError, not as false", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{}, false, errors.New("503 from the proxy"))
			expectDiskError(serveWith(cloud, configPath, request("has_disk", diskVolumeID)), cpi.TypeCloudError, "has_disk: looking up disk")
		})
	})

	Describe("get_disks", func() {
		BeforeEach(func() {
			cloud.vms.GetReturns(cloudstack.VM{ID: diskVMID, State: "Running"}, true, nil)
		})

		It("lists the persistent data disks, not the ephemeral ones", func() {
			cloud.volumes.ListByVMReturns([]cloudstack.Volume{
				{ID: "ephemeral-1", Name: "DATA-12", Type: "DATADISK", DeviceID: 1, Tags: map[string]string{"bosh_ephemeral": "true"}},
				{ID: diskVolumeID, Name: "bosh-disk-1", Type: "DATADISK", DeviceID: 2},
				{ID: "legacy-ephemeral", Name: "cpi-ephemeral-disk-42", Type: "DATADISK", DeviceID: 4},
				{ID: "legacy-persistent", Name: "cpi-disk-43", Type: "DATADISK", DeviceID: 5},
			}, nil)
			out := serveWith(cloud, configPath, request("get_disks", diskVMID))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal([]any{diskVolumeID, "cpi-disk-43"}))
			_, vmID, volumeType := cloud.volumes.ListByVMArgsForCall(0)
			Expect(vmID).To(Equal(diskVMID))
			Expect(volumeType).To(Equal("DATADISK"))
		})

		It("answers an empty list, not null, for a VM without disks", func() {
			out := serveWith(cloud, configPath, request("get_disks", diskVMID))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal([]any{}))
		})

		It("answers VMNotFound for a VM that is gone", func() {
			cloud.vms.GetReturns(cloudstack.VM{}, false, nil)
			expectDiskError(serveWith(cloud, configPath, request("get_disks", diskVMID)), cpi.TypeVMNotFound, diskVMID)
		})

		It("reports a listing failure", func() {
			cloud.volumes.ListByVMReturns(nil, errors.New("listVolumes failed"))
			expectDiskError(serveWith(cloud, configPath, request("get_disks", diskVMID)), cpi.TypeCloudError, "listVolumes failed")
		})
	})

	Describe("delete_disk", func() {
		It("deletes a detached disk", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			expectNoError(serveWith(cloud, configPath, request("delete_disk", diskVolumeID)))
			Expect(cloud.volumes.DeleteCallCount()).To(Equal(1))
			_, id := cloud.volumes.DeleteArgsForCall(0)
			Expect(id).To(Equal(diskVolumeID))
		})

		It("deletes an older CPI's disk found by name, by its id", func() {
			cloud.volumes.FindByNameReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			expectNoError(serveWith(cloud, configPath, request("delete_disk", "cpi-disk-1234")))
			_, id := cloud.volumes.DeleteArgsForCall(0)
			Expect(id).To(Equal(diskVolumeID))
		})

		It("succeeds for a disk that is already gone", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
			expectNoError(serveWith(cloud, configPath, request("delete_disk", diskVolumeID)))
			Expect(cloud.volumes.DeleteCallCount()).To(BeZero())
		})

		It("refuses an attached disk and never forces it", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 1, State: "Ready"}, true, nil)
			out := serveWith(cloud, configPath, request("delete_disk", diskVolumeID))
			expectDiskError(out, cpi.TypeCloudError, "delete_disk: disk '"+diskVolumeID+"' is still attached to VM "+diskVMID)
			Expect(cloud.volumes.DeleteCallCount()).To(BeZero())
			Expect(cloud.volumes.DetachCallCount()).To(BeZero())
		})

		It("reports CloudStack refusing the delete", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			cloud.volumes.DeleteReturns(&cloudstack.APIError{Command: "deleteVolume", HTTPCode: 431,
				Text: "There are snapshot operations in progress on the volume, unable to delete it"})
			out := serveWith(cloud, configPath, request("delete_disk", diskVolumeID))
			expectDiskError(out, cpi.TypeCloudError, "snapshot operations in progress")
		})
	})
})
