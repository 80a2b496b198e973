package cpi_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("attach_disk", func() {
	var (
		cloud      *fakeCloud
		configPath string
		vm         cloudstack.VM
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = diskConfig(GinkgoT().TempDir(), nil)
		vm = cloudstack.VM{ID: diskVMID, Name: "vm-host-1", ZoneID: zoneID, State: "Running", Hypervisor: "XenServer"}
		cloud.vms.GetReturns(vm, true, nil)
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, Type: "DATADISK", State: "Ready", ZoneID: zoneID}, true, nil)
		cloud.volumes.AttachReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 1, State: "Ready"}, nil)
	})

	It("attaches the disk, waits for the job and returns the hint", func() {
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(map[string]any{"path": "/dev/xvdb", "volume_id": "1"}))
		Expect(cloud.volumes.AttachCallCount()).To(Equal(1))
		_, volumeID, vmID, timeout := cloud.volumes.AttachArgsForCall(0)
		Expect(volumeID).To(Equal(diskVolumeID))
		Expect(vmID).To(Equal(diskVMID))
		Expect(timeout).To(Equal(1800 * time.Second))
	})

	DescribeTable("hints follow the hypervisor's device naming",
		func(hypervisor string, deviceID int64, expected map[string]any) {
			vm.Hypervisor = hypervisor
			cloud.vms.GetReturns(vm, true, nil)
			cloud.volumes.AttachReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: deviceID}, nil)
			out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal(expected))
		},
		Entry("XenServer deviceid 1", "XenServer", int64(1), map[string]any{"path": "/dev/xvdb", "volume_id": "1"}),
		Entry("XenServer deviceid 2", "XenServer", int64(2), map[string]any{"path": "/dev/xvdc", "volume_id": "2"}),
		Entry("XenServer deviceid 4 (3 is the CD-ROM)", "XenServer", int64(4), map[string]any{"path": "/dev/xvde", "volume_id": "4"}),
		Entry("KVM: the virtio serial, stable whatever the probe order", "KVM", int64(1),
			map[string]any{"path": "/dev/disk/by-id/virtio-dddddddd000040008000", "volume_id": "1", "id": "dddddddd000040008000"}),
		Entry("VMware: SCSI", "VMware", int64(2), map[string]any{"path": "/dev/sdc", "volume_id": "2"}),
	)

	It("answers the same hint, attaching nothing, for a disk already attached to this VM", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 2, State: "Ready"}, true, nil)
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(map[string]any{"path": "/dev/xvdc", "volume_id": "2"}))
		Expect(cloud.volumes.AttachCallCount()).To(BeZero())
	})

	It("asks again when the attach job's answer lacks the device", func() {
		cloud.volumes.AttachReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, nil)
		cloud.volumes.GetReturnsOnCall(1, cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 4, State: "Ready"}, true, nil)
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectNoError(out)
		Expect(out.Response.Result).To(Equal(map[string]any{"path": "/dev/xvde", "volume_id": "4"}))
		Expect(cloud.volumes.GetCallCount()).To(Equal(2))
	})

	It("never hands out a hint to the root device", func() {
		cloud.volumes.AttachReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 0, State: "Ready"}, nil)
		cloud.volumes.GetReturnsOnCall(1, cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 0, State: "Ready"}, true, nil)
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "does not report disk '"+diskVolumeID+"' on a data device")
	})

	It("refuses a ROOT volume", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, Type: "ROOT", VMID: diskVMID, DeviceID: 0, State: "Ready"}, true, nil)
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "is a ROOT volume, not a data disk")
		Expect(cloud.volumes.AttachCallCount()).To(BeZero())
	})

	It("refuses a disk attached to another VM", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: otherVMID, DeviceID: 1}, true, nil)
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "attach_disk: disk '"+diskVolumeID+"' is attached to another VM ("+otherVMID+")")
		Expect(cloud.volumes.AttachCallCount()).To(BeZero())
	})

	It("explains a VM that has as many data disks as its hypervisor allows", func() {
		cloud.volumes.AttachReturns(cloudstack.Volume{}, &cloudstack.JobError{Operation: "attachVolume", Code: 431,
			Text: "The specified VM already has the maximum number of data disks (6). Please specify another VM."})
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "VM '"+diskVMID+"' already has as many data disks as CloudStack allows on XenServer")
		Expect(out.Response.Error.Message).To(ContainSubstring("maximum number of data disks (6)"))
	})

	It("reports any other attach failure with CloudStack's text", func() {
		cloud.volumes.AttachReturns(cloudstack.Volume{}, &cloudstack.JobError{Operation: "attachVolume", Code: 530, Text: "PV drivers not detected"})
		out := serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID))
		expectDiskError(out, cpi.TypeCloudError, "attach_disk: attaching disk '"+diskVolumeID+"' to VM '"+diskVMID+"'")
		Expect(out.Response.Error.Message).To(ContainSubstring("PV drivers not detected"))
	})

	It("answers VMNotFound for a VM that is gone", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, nil)
		expectDiskError(serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID)), cpi.TypeVMNotFound, diskVMID)
		Expect(cloud.volumes.AttachCallCount()).To(BeZero())
	})

	It("answers DiskNotFound for a disk that is gone", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Expunging"}, true, nil)
		expectDiskError(serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID)), cpi.TypeDiskNotFound, diskVolumeID)
		Expect(cloud.volumes.AttachCallCount()).To(BeZero())
	})

	It("finds a disk by an older CPI's name", func() {
		cloud.volumes.FindByNameReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
		expectNoError(serveWith(cloud, configPath, request("attach_disk", diskVMID, "cpi-disk-1234")))
		_, volumeID, _, _ := cloud.volumes.AttachArgsForCall(0)
		Expect(volumeID).To(Equal(diskVolumeID))
	})

	It("returns nothing to a CPI API v1 caller", func() {
		out := serveWith(cloud, configPath, diskRequest(1, 3, "attach_disk", diskVMID, diskVolumeID))
		expectNoError(out)
		Expect(out.Response.Result).To(BeNil())
		Expect(cloud.volumes.AttachCallCount()).To(Equal(1))
	})

	Describe("in registry mode", func() {
		var reg *fakeRegistry

		BeforeEach(func() {
			reg = newFakeRegistry()
			DeferCleanup(reg.server.Close)
			reg.store("vm-host-1", `{"agent_id":"agent-1","vm":{"name":"vm-host-1"},"env":{"bosh":{"password":"x"}},`+
				`"disks":{"system":"/dev/xvda","persistent":{"other-disk":{"path":"/dev/xvdc","volume_id":"2"}}}}`)
			configPath = diskConfig(GinkgoT().TempDir(), func(_, root map[string]any) { reg.config(root) })
		})

		It("writes the hint into the VM's settings for a stemcell of API v1", func() {
			out := serveWith(cloud, configPath, diskRequest(2, 1, "attach_disk", diskVMID, diskVolumeID))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal(map[string]any{"path": "/dev/xvdb", "volume_id": "1"}))
			Expect(reg.persistent("vm-host-1")).To(Equal(map[string]any{
				diskVolumeID: map[string]any{"path": "/dev/xvdb", "volume_id": "1"},
				"other-disk": map[string]any{"path": "/dev/xvdc", "volume_id": "2"},
			}))
			Expect(out.Stdout + out.Stderr).NotTo(ContainSubstring(registryPassword))
		})

		It("keys the hint by the CID the director gave", func() {
			cloud.volumes.FindByNameReturns(cloudstack.Volume{ID: diskVolumeID, State: "Ready"}, true, nil)
			expectNoError(serveWith(cloud, configPath, diskRequest(1, 1, "attach_disk", diskVMID, "cpi-disk-1234")))
			Expect(reg.persistent("vm-host-1")).To(HaveKey("cpi-disk-1234"))
		})

		It("writes it for a CPI API v1 call without a stemcell version, and returns nothing", func() {
			out := serveWith(cloud, configPath, diskRequest(1, 0, "attach_disk", diskVMID, diskVolumeID))
			expectNoError(out)
			Expect(out.Response.Result).To(BeNil())
			Expect(reg.persistent("vm-host-1")).To(HaveKey(diskVolumeID))
		})

		It("leaves the registry alone for a v2 call with a stemcell of API v2 or later", func() {
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 3, "attach_disk", diskVMID, diskVolumeID)))
			Expect(reg.putCount()).To(BeZero())
		})

		It("rewrites nothing when a retried attach finds the hint already there", func() {
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 1, "attach_disk", diskVMID, diskVolumeID)))
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, VMID: diskVMID, DeviceID: 1, State: "Ready"}, true, nil)
			expectNoError(serveWith(cloud, configPath, diskRequest(2, 1, "attach_disk", diskVMID, diskVolumeID)))
			Expect(reg.putCount()).To(Equal(1))
			Expect(cloud.volumes.AttachCallCount()).To(Equal(1))
		})

		It("skips a VM whose settings are not in the registry (it reads user-data)", func() {
			vm.Name = "vm-host-2"
			cloud.vms.GetReturns(vm, true, nil)
			out := serveWith(cloud, configPath, diskRequest(2, 1, "attach_disk", diskVMID, diskVolumeID))
			expectNoError(out)
			Expect(out.Stderr).To(ContainSubstring("the registry holds no settings for VM"))
			Expect(reg.putCount()).To(BeZero())
		})

		It("fails, saying a retry is fine, when the registry refuses the update", func() {
			reg.failPut = true
			out := serveWith(cloud, configPath, diskRequest(2, 1, "attach_disk", diskVMID, diskVolumeID))
			expectDiskError(out, cpi.TypeCloudError, "is attached to VM '"+diskVMID+"' as /dev/xvdb, but recording that in the registry failed")
			Expect(out.Response.Error.Message).To(ContainSubstring("HTTP 500"))
		})
	})

	It("reports a lookup failure as a CloudError", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, errors.New("timeout talking to CloudStack"))
		expectDiskError(serveWith(cloud, configPath, request("attach_disk", diskVMID, diskVolumeID)), cpi.TypeCloudError, "timeout talking to CloudStack")
	})
})
