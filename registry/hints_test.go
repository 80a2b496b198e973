package registry_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

const volumeUUID = "3e6b1a2c-9f4d-4b7e-8a1c-5d2e7f9a0b13"

var _ = Describe("HintFor", func() {
	DescribeTable("XenServer: /dev/xvd + letter(deviceid), 3 being the CD-ROM",
		func(deviceID int64, path string) {
			Expect(registry.HintFor(deviceID, "XenServer", volumeUUID)).To(Equal(registry.DiskHint{
				Path: path, VolumeID: itoa(deviceID),
			}))
		},
		Entry("deviceid 1", int64(1), "/dev/xvdb"),
		Entry("deviceid 2", int64(2), "/dev/xvdc"),
		Entry("deviceid 4, after the CD-ROM", int64(4), "/dev/xvde"),
		Entry("deviceid 5", int64(5), "/dev/xvdf"),
	)

	DescribeTable("KVM: the by-id link of the virtio serial, the serial as id",
		func(deviceID int64) {
			Expect(registry.HintFor(deviceID, "KVM", volumeUUID)).To(Equal(registry.DiskHint{
				Path:     "/dev/disk/by-id/virtio-3e6b1a2c9f4d4b7e8a1c",
				VolumeID: itoa(deviceID),
				ID:       "3e6b1a2c9f4d4b7e8a1c",
			}))
		},
		Entry("deviceid 1", int64(1)),
		Entry("deviceid 2", int64(2)),
		Entry("deviceid 4", int64(4)),
		Entry("deviceid 5", int64(5)),
	)

	DescribeTable("KVM without a volume id: /dev/vd + letter(deviceid)",
		func(deviceID int64, path string) {
			Expect(registry.HintFor(deviceID, "KVM", "")).To(Equal(registry.DiskHint{Path: path, VolumeID: itoa(deviceID)}))
		},
		Entry("deviceid 1", int64(1), "/dev/vdb"),
		Entry("deviceid 2", int64(2), "/dev/vdc"),
		Entry("deviceid 4", int64(4), "/dev/vde"),
		Entry("deviceid 5", int64(5), "/dev/vdf"),
	)

	DescribeTable("VMware and unknown hypervisors: /dev/sd + letter(deviceid)",
		func(hypervisor string, deviceID int64, path string) {
			Expect(registry.HintFor(deviceID, hypervisor, volumeUUID)).To(Equal(registry.DiskHint{Path: path, VolumeID: itoa(deviceID)}))
		},
		Entry("VMware 1", "VMware", int64(1), "/dev/sdb"),
		Entry("VMware 2", "VMware", int64(2), "/dev/sdc"),
		Entry("VMware 4", "VMware", int64(4), "/dev/sde"),
		Entry("VMware 5", "VMware", int64(5), "/dev/sdf"),
		Entry("the simulator", "Simulator", int64(4), "/dev/sde"),
		Entry("no hypervisor known", "", int64(1), "/dev/sdb"),
	)

	It("matches hypervisor names whatever their case, XCP-ng included", func() {
		Expect(registry.HintFor(1, "xenserver", "").Path).To(Equal("/dev/xvdb"))
		Expect(registry.HintFor(1, "XCP-ng", "").Path).To(Equal("/dev/xvdb"))
		Expect(registry.HintFor(1, " kvm ", "").Path).To(Equal("/dev/vdb"))
		Expect(registry.HintFor(1, "vmware", "").Path).To(Equal("/dev/sdb"))
	})

	It("names devices past z as Linux does", func() {
		Expect(registry.HintFor(25, "XenServer", "").Path).To(Equal("/dev/xvdz"))
		Expect(registry.HintFor(26, "XenServer", "").Path).To(Equal("/dev/xvdaa"))
		Expect(registry.HintFor(27, "VMware", "").Path).To(Equal("/dev/sdab"))
		Expect(registry.HintFor(52, "VMware", "").Path).To(Equal("/dev/sdba"))
	})

	It("gives an empty hint, not a panic, for a negative deviceid", func() {
		Expect(registry.HintFor(-1, "XenServer", volumeUUID)).To(Equal(registry.DiskHint{}))
	})

	It("marshals as the agent reads it", func() {
		raw, err := json.Marshal(registry.HintFor(4, "XenServer", volumeUUID))
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).To(MatchJSON(`{"path":"/dev/xvde","volume_id":"4"}`))
	})

	It("reads back the legacy string form", func() {
		var hint registry.DiskHint
		Expect(json.Unmarshal([]byte(`"/dev/sdc"`), &hint)).To(Succeed())
		Expect(hint).To(Equal(registry.DiskHint{Path: "/dev/sdc", VolumeID: "/dev/sdc"}))
		Expect(json.Unmarshal([]byte(`[1]`), &hint)).To(MatchError(ContainSubstring("disk hint must be a string or an object")))
	})
})

var _ = Describe("SystemDiskPath", func() {
	DescribeTable("the root disk, deviceid 0",
		func(hypervisor, path string) { Expect(registry.SystemDiskPath(hypervisor)).To(Equal(path)) },
		Entry("XenServer", "XenServer", "/dev/xvda"),
		Entry("KVM", "KVM", "/dev/vda"),
		Entry("VMware", "VMware", "/dev/sda"),
		Entry("unknown", "Hyperv", "/dev/sda"),
	)
})

var _ = Describe("VirtioSerial", func() {
	It("is the first 20 characters of the UUID without dashes", func() {
		Expect(registry.VirtioSerial(volumeUUID)).To(Equal("3e6b1a2c9f4d4b7e8a1c"))
		Expect(registry.VirtioSerial("abc-def")).To(Equal("abcdef"))
		Expect(registry.VirtioSerial("")).To(Equal(""))
	})
})
