package cpi_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("detach_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = diskConfig(GinkgoT().TempDir(), nil)
		cloud.vms.GetReturns(cloudstack.VM{ID: diskVMID, Name: "vm-host-1", State: "Running", Hypervisor: "XenServer"}, true, nil)
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 1, State: "Ready"}, true, nil)
		cloud.volumes.DetachReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, nil)
	})

	It("detaches the disk and waits for the job", func() {
		expectNoError(serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID)))
		Expect(cloud.volumes.DetachCallCount()).To(Equal(1))
		_, id, timeout := cloud.volumes.DetachArgsForCall(0)
		Expect(id).To(Equal(diskVolumeID))
		Expect(timeout).To(Equal(1800 * time.Second))
	})

	It("answers DiskNotAttached for a disk attached to no VM", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
		out := serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeDiskNotAttached, "disk '"+diskVolumeID+"' is not attached to any VM")
		Expect(cloud.volumes.DetachCallCount()).To(BeZero())
	})

	It("answers DiskNotAttached for a disk attached to another VM, leaving it there", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: otherVMID, DeviceID: 1}, true, nil)
		out := serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeDiskNotAttached, "is attached to VM "+otherVMID+", not to VM '"+diskVMID+"'")
		Expect(cloud.volumes.DetachCallCount()).To(BeZero())
	})

	It("answers VMNotFound for a VM that is gone", func() {
		cloud.vms.GetReturns(cloudstack.VM{ID: diskVMID, State: "Expunging"}, true, nil)
		expectDiskError(serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID)), cpi.TypeVMNotFound, diskVMID)
		Expect(cloud.volumes.DetachCallCount()).To(BeZero())
	})

	It("answers DiskNotFound for a disk that is gone", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
		expectDiskError(serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID)), cpi.TypeDiskNotFound, diskVolumeID)
	})

	It("reports CloudStack failing the detach", func() {
		cloud.volumes.DetachReturns(cloudstack.Volume{}, &cloudstack.JobError{Operation: "detachVolume", Code: 530, Text: "host unreachable"})
		out := serveWith(cloud, configPath, request("detach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "detach_disk: detaching disk '"+diskVolumeID+"' from VM '"+diskVMID+"'")
		Expect(out.Response.Error.Message).To(ContainSubstring("host unreachable"))
	})

	Describe("in registry mode", func() {
		var reg *fakeRegistry

		BeforeEach(func() {
			reg = newFakeRegistry()
			DeferCleanup(reg.server.Close)
			reg.store("vm-host-1", `{"agent_id":"agent-1","env":{},"disks":{"system":"/dev/xvda","persistent":{`+
				`"`+diskVolumeID+`":{"path":"/dev/xvdb","volume_id":"1"},"other-disk":{"path":"/dev/xvdc","volume_id":"2"}}}}`)
			configPath = diskConfig(GinkgoT().TempDir(), func(_, root map[string]any) { reg.config(root) })
		})

		It("removes the disk's hint from the VM's settings, keeping the others", func() {
			expectNoError(serveWith(cloud, configPath, diskRequest(1, 1, "detach_disk", diskVMID, diskVolumeID)))
			Expect(reg.persistent("vm-host-1")).To(Equal(map[string]any{"other-disk": map[string]any{"path": "/dev/xvdc", "volume_id": "2"}}))
			Expect(cloud.volumes.DetachCallCount()).To(Equal(1))
		})

		It("cleans a stale hint even when the disk is no longer attached", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			expectDiskError(serveWith(cloud, configPath, diskRequest(2, 1, "detach_disk", diskVMID, diskVolumeID)), cpi.TypeDiskNotAttached, "")
			Expect(reg.persistent("vm-host-1")).NotTo(HaveKey(diskVolumeID))
		})

		It("writes nothing when the hint is not there", func() {
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 1, "detach_disk", diskVMID, diskVolumeID)))
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 1, "detach_disk", diskVMID, diskVolumeID)))
			Expect(reg.putCount()).To(Equal(1))
		})

		It("leaves the registry alone for a stemcell of API v2 or later", func() {
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 2, "detach_disk", diskVMID, diskVolumeID)))
			Expect(reg.putCount()).To(BeZero())
		})

		It("does not detach when the registry cannot be updated", func() {
			reg.failPut = true
			out := serveWith(cloud, configPath, diskRequest(2, 1, "detach_disk", diskVMID, diskVolumeID))
			expectDiskError(out, cpi.TypeCloudError, "removing disk '"+diskVolumeID+"' from the registry settings of VM '"+diskVMID+"'")
			Expect(cloud.volumes.DetachCallCount()).To(BeZero())
		})
	})
})
