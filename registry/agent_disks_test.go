package registry_test

import (
	"encoding/json"
	"time"

	"github.com/cloudfoundry/bosh-agent/v2/infrastructure/devicepathresolver"
	udevfakes "github.com/cloudfoundry/bosh-agent/v2/platform/udevdevice/fakes"
	boshsettings "github.com/cloudfoundry/bosh-agent/v2/settings"
	boshlog "github.com/cloudfoundry/bosh-utils/logger"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// virtioResolver is the agent's device path resolver for
// DevicePathResolutionType "virtio", built as its platform provider builds
// it, with shorter waits: the id resolver gets one look (the agent gives it
// 500 ms), the mapped resolver none past its first (the agent waits 30 s
// for a disk to appear; here every disk is there from the start).
func virtioResolver(devices *vmDevices) devicepathresolver.DevicePathResolver {
	logger := boshlog.NewLogger(boshlog.LevelNone)
	return devicepathresolver.NewVirtioDevicePathResolver(
		devicepathresolver.NewIDDevicePathResolver(100*time.Millisecond, udevfakes.NewFakeUdevDevice(), devices.fs, "", "", logger),
		devicepathresolver.NewMappedDevicePathResolver(0, devices.fs),
		logger,
	)
}

// asDirectorSendsIt is a hint as it reaches the agent in add_persistent_disk:
// the attach_disk result, through JSON, as an untyped value.
func asDirectorSendsIt(hint registry.DiskHint) any {
	raw, err := json.Marshal(hint)
	Expect(err).NotTo(HaveOccurred())
	var untyped any
	Expect(json.Unmarshal(raw, &untyped)).To(Succeed())
	return untyped
}

func resolvePersistent(devices *vmDevices, diskCID string, hint registry.DiskHint) (string, error) {
	diskSettings := boshsettings.Settings{}.PersistentDiskSettingsFromHint(diskCID, asDirectorSendsIt(hint))
	path, _, err := virtioResolver(devices).GetRealDevicePath(diskSettings)
	return path, err
}

const (
	diskA = "6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f"
	diskB = "a1b2c3d4-e5f6-4789-8abc-def012345678"
)

var _ = Describe("disk hints, as the bosh-agent's virtio resolver finds them", func() {
	Describe("on XenServer", func() {
		var devices *vmDevices
		BeforeEach(func() {
			devices = newVMDevices("/dev/xvda", "/dev/xvdb", "/dev/xvdd", "/dev/xvde")
		})

		It("finds the persistent disk at deviceid 4, past the CD-ROM", func() {
			Expect(resolvePersistent(devices, persistentID, registry.HintFor(4, "XenServer", persistentID))).To(Equal("/dev/xvde"))
		})

		It("finds the ephemeral disk of the user-data", func() {
			userData, err := registry.EncodeUserData(registry.BuildSettings(directorInput()), 0)
			Expect(err).NotTo(HaveOccurred())
			agent, _, _ := bootAgent(userData)
			Expect(virtioResolver(devices).GetRealDevicePath(agent.EphemeralDiskSettings())).To(Equal("/dev/xvdb"))

			persistent, found := agent.PersistentDiskSettings(persistentID)
			Expect(found).To(BeTrue())
			Expect(virtioResolver(devices).GetRealDevicePath(persistent)).To(Equal("/dev/xvde"))
		})

		It("maps a hint of an unknown hypervisor (/dev/sdX) to the Xen device", func() {
			Expect(resolvePersistent(devices, persistentID, registry.HintFor(4, "Simulator", persistentID))).To(Equal("/dev/xvde"))
		})
	})

	Describe("on KVM, where virtio letters follow the order disks were plugged in", func() {
		var devices *vmDevices
		BeforeEach(func() {
			// disk B (deviceid 2) was hot-plugged before disk A (deviceid 1):
			// the guest named B vdb and A vdc.
			devices = newVMDevices("/dev/vda", "/dev/vdb", "/dev/vdc")
			devices.link("/dev/disk/by-id/virtio-"+registry.VirtioSerial(diskB), "/dev/vdb")
			devices.link("/dev/disk/by-id/virtio-"+registry.VirtioSerial(diskA), "/dev/vdc")
		})

		It("finds each disk by its serial", func() {
			Expect(resolvePersistent(devices, diskA, registry.HintFor(1, "KVM", diskA))).To(Equal("/dev/vdc"))
			Expect(resolvePersistent(devices, diskB, registry.HintFor(2, "KVM", diskB))).To(Equal("/dev/vdb"))
		})

		It("would find the wrong disk by letter, which is why the hint is the by-id link", func() {
			Expect(resolvePersistent(devices, diskA, registry.HintFor(1, "KVM", ""))).To(Equal("/dev/vdb"))
		})

		It("fails, rather than guess, when the serial is not there", func() {
			_, err := resolvePersistent(devices, persistentID, registry.HintFor(3, "KVM", persistentID))
			Expect(err).To(MatchError(ContainSubstring("Timed out getting real device path for /dev/disk/by-id/virtio-")))
		})
	})

	Describe("on VMware", func() {
		It("finds the SCSI disk by letter", func() {
			devices := newVMDevices("/dev/sda", "/dev/sdb")
			Expect(resolvePersistent(devices, persistentID, registry.HintFor(1, "VMware", persistentID))).To(Equal("/dev/sdb"))
		})
	})
})
