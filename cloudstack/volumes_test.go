package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

const (
	volumeID   = "3e6b1a2c-1111-4222-8333-444455556666"
	snapshotID = "c2a0c2a0-1111-4222-8333-444455556666"
	volumeJob  = "a2b3c4d5-0000-4000-8000-00000000e001"
)

// volumeJSON is a listVolumes row in the reference's shape; vm "" is a
// detached volume, which some servers still send a deviceid for.
func volumeJSON(id, name, vm string, deviceID int) string {
	attachment := fmt.Sprintf(`"deviceid":%d`, deviceID)
	if vm != "" {
		attachment = fmt.Sprintf(`"deviceid":%d,"virtualmachineid":%q,"vmname":"vm-1","vmstate":"Running","attached":"2024-05-01T12:04:00+0000"`, deviceID, vm)
	}
	return fmt.Sprintf(`{"id":%q,"name":%q,"zoneid":%q,"zonename":"zone1","type":"DATADISK",%s,"size":21474836480,
 "created":"2024-05-01T12:03:00+0000","state":"Ready","diskofferingid":%q,"diskofferingname":"custom","storagetype":"shared",
 "hypervisor":"XenServer","provisioningtype":"thin","destroyed":false,"displayvolume":true,"tags":[]}`,
		id, name, zone1ID, attachment, offeringID)
}

func networkJSON(id, name, zoneID string, services ...string) string {
	list := ""
	for i, s := range services {
		if i > 0 {
			list += ","
		}
		list += fmt.Sprintf(`{"name":%q,"capability":[]}`, s)
	}
	return fmt.Sprintf(`{"id":%q,"name":%q,"displaytext":%q,"traffictype":"Guest","gateway":"10.1.1.1","netmask":"255.255.255.0",
 "cidr":"10.1.1.0/24","zoneid":%q,"zonename":"z","issystem":false,"state":"Setup","dns1":"10.147.28.6","type":"Shared",
 "acltype":"Domain","service":[%s],"tags":[]}`, id, name, name, zoneID, list)
}

var _ = Describe("Volumes, snapshots and networks", func() {
	var (
		env *testEnv
		ctx context.Context
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
	})

	Describe("Networks", func() {
		It("matches the name exactly on a server that ignores the name filter, and reads the services", func() {
			env.api.ok("listNetworks", listBody("network", 2,
				networkJSON(network1ID, "bosh-net-2", zone1ID), networkJSON(network2ID, "bosh-net", zone1ID, "Dhcp", "SecurityGroup")))
			n, found, err := env.client.Networks().Find(ctx, "bosh-net", zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(n).To(Equal(cloudstack.Network{ID: network2ID, Name: "bosh-net", ZoneID: zone1ID, Type: "Shared", State: "Setup",
				CIDR: "10.1.1.0/24", Gateway: "10.1.1.1", Netmask: "255.255.255.0", DNS1: "10.147.28.6", Services: []string{"Dhcp", "SecurityGroup"}}))
			Expect(n.SecurityGroupsEnabled()).To(BeTrue())
			call := env.api.calls("listNetworks")[0]
			Expect(call.Get("name")).To(Equal("bosh-net"))
			Expect(call.Get("zoneid")).To(Equal(zone1ID))
		})

		It("drops networks of other zones even when the server does not", func() {
			env.api.ok("listNetworks", listBody("network", 1, networkJSON(network1ID, "bosh-net", zone2ID)))
			_, found, err := env.client.Networks().Find(ctx, "bosh-net", zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})
	})

	Describe("Volumes", func() {
		It("ignores the device id of a detached volume", func() {
			env.api.ok("listVolumes", listBody("volume", 1, volumeJSON(volumeID, "disk", "", 1)))
			v, found, err := env.client.Volumes().Get(ctx, volumeID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(v).To(Equal(cloudstack.Volume{ID: volumeID, Name: "disk", ZoneID: zone1ID, Type: "DATADISK", State: "Ready",
				SizeBytes: 20 << 30, DiskOfferingID: offeringID, Tags: map[string]string{}}))
		})

		It("keeps only the asked VM's volumes of the asked type, by device id", func() {
			env.api.ok("listVolumes", listBody("volume", 3,
				volumeJSON("4e6b1a2c-1111-4222-8333-444455556666", "b", vmID, 4),
				volumeJSON(volumeID, "a", vmID, 1),
				volumeJSON("5e6b1a2c-1111-4222-8333-444455556666", "other", "015653c4-298b-4d74-bdee-4ced282114f1", 2)))
			volumes, err := env.client.Volumes().ListByVM(ctx, vmID, "datadisk")
			Expect(err).NotTo(HaveOccurred())
			Expect(volumes).To(HaveLen(2))
			Expect(volumes[0].DeviceID).To(Equal(int64(1)))
			Expect(volumes[1].DeviceID).To(Equal(int64(4)))
			call := env.api.calls("listVolumes")[0]
			Expect(call.Get("virtualmachineid")).To(Equal(vmID))
			Expect(call.Get("type")).To(Equal("datadisk"))
		})

		It("wraps a failed create job in a CreateError with the volume's id", func() {
			env.api.ok("createVolume", fmt.Sprintf(`{"id":%q,"jobid":%q}`, volumeID, volumeJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(volumeJob, 2, 530, `{"errorcode":530,"errortext":"Failed to create volume"}`)
			})
			_, err := env.client.Volumes().Create(ctx, cloudstack.VolumeSpec{ZoneID: zone1ID, DiskOfferingID: offeringID, SizeGiB: 3}, time.Minute)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.Kind).To(Equal("volume"))
			Expect(createErr.ID).To(Equal(volumeID))
			call := env.api.calls("createVolume")[0]
			Expect(call.Get("size")).To(Equal("3"))
			Expect(call).NotTo(HaveKey("name"))
			Expect(call).NotTo(HaveKey("virtualmachineid"))
		})

		It("returns the attached volume with its device id", func() {
			env.api.ok("attachVolume", `{"jobid":"j-1"}`)
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer("j-1", 1, 0, `{"volume":`+volumeJSON(volumeID, "disk", vmID, 2)+`}`)
			})
			v, err := env.client.Volumes().Attach(ctx, volumeID, vmID, time.Minute)
			Expect(err).NotTo(HaveOccurred())
			Expect(v.DeviceID).To(Equal(int64(2)))
			Expect(v.VMID).To(Equal(vmID))
		})

		It("sends only what a resize changes", func() {
			env.api.ok("resizeVolume", `{"jobid":"j-1"}`)
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer("j-1", 1, 0, `{"volume":`+volumeJSON(volumeID, "disk", "", 0)+`}`)
			})
			_, err := env.client.Volumes().Resize(ctx, volumeID, 20, "", false, time.Minute)
			Expect(err).NotTo(HaveOccurred())
			_, err = env.client.Volumes().Resize(ctx, volumeID, 0, offeringID, true, time.Minute)
			Expect(err).NotTo(HaveOccurred())
			calls := env.api.calls("resizeVolume")
			Expect(calls[0].Get("size")).To(Equal("20"))
			Expect(calls[0]).NotTo(HaveKey("diskofferingid"))
			Expect(calls[0]).NotTo(HaveKey("shrinkok"))
			Expect(calls[1]).NotTo(HaveKey("size"))
			Expect(calls[1].Get("diskofferingid")).To(Equal(offeringID))
			Expect(calls[1].Get("shrinkok")).To(Equal("true"))
		})

		It("counts an unknown volume as deleted and a refusal as an error", func() {
			env.api.on("deleteVolume", func(url.Values) (int, string) {
				return apiError("deleteVolume", 431, 9999, fmt.Sprintf(unknownIDText, volumeID))
			})
			Expect(env.client.Volumes().Delete(ctx, volumeID)).To(Succeed())

			env.api.ok("deleteVolume", `{"success":false,"displaytext":"volume is busy"}`)
			Expect(env.client.Volumes().Delete(ctx, volumeID)).To(MatchError(ContainSubstring("volume is busy")))
		})

		DescribeTable("refuses a bad request without calling CloudStack",
			func(call func(cloudstack.Volumes) error, message string) {
				Expect(call(env.client.Volumes())).To(MatchError(ContainSubstring(message)))
				Expect(env.client.TotalCalls()).To(BeZero())
			},
			Entry("create without offering", func(v cloudstack.Volumes) error {
				_, err := v.Create(ctx, cloudstack.VolumeSpec{ZoneID: zone1ID}, time.Minute)
				return err
			}, "disk offering id is required"),
			Entry("create without zone or VM", func(v cloudstack.Volumes) error {
				_, err := v.Create(ctx, cloudstack.VolumeSpec{DiskOfferingID: offeringID}, time.Minute)
				return err
			}, "a zone id or a VM id is required"),
			Entry("create without a timeout", func(v cloudstack.Volumes) error {
				_, err := v.Create(ctx, cloudstack.VolumeSpec{ZoneID: zone1ID, DiskOfferingID: offeringID}, 0)
				return err
			}, "timeout must be positive"),
			Entry("attach by name", func(v cloudstack.Volumes) error {
				_, err := v.Attach(ctx, "cpi-disk-1", vmID, time.Minute)
				return err
			}, "must be CloudStack uuids"),
			Entry("resize to a negative size", func(v cloudstack.Volumes) error {
				_, err := v.Resize(ctx, volumeID, -1, "", false, time.Minute)
				return err
			}, "must not be negative"),
			Entry("list the volumes of a VM named by name", func(v cloudstack.Volumes) error {
				_, err := v.ListByVM(ctx, "vm-1", "")
				return err
			}, "not a CloudStack uuid"),
			Entry("find by an empty name", func(v cloudstack.Volumes) error {
				_, _, err := v.FindByName(ctx, "")
				return err
			}, "the name is empty"),
		)
	})

	Describe("Snapshots", func() {
		It("wraps a failed create job in a CreateError with the snapshot's id", func() {
			env.api.ok("createSnapshot", fmt.Sprintf(`{"id":%q,"jobid":"j-1"}`, snapshotID))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer("j-1", 2, 530, `{"errorcode":530,"errortext":"Failed to create snapshot"}`)
			})
			_, err := env.client.Snapshots().Create(ctx, volumeID, time.Minute)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.Kind).To(Equal("snapshot"))
			Expect(createErr.ID).To(Equal(snapshotID))
			Expect(env.api.calls("createSnapshot")[0].Get("volumeid")).To(Equal(volumeID))
		})

		It("reports an unknown id as not found and counts it as deleted", func() {
			env.api.on("listSnapshots", func(url.Values) (int, string) {
				return apiError("listSnapshots", 431, 9999, fmt.Sprintf(unknownIDText, snapshotID))
			})
			_, found, err := env.client.Snapshots().Get(ctx, snapshotID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			env.api.on("deleteSnapshot", func(url.Values) (int, string) {
				return apiError("deleteSnapshot", 431, 9999, fmt.Sprintf(unknownIDText, snapshotID))
			})
			Expect(env.client.Snapshots().Delete(ctx, snapshotID, time.Minute)).To(Succeed())
		})
	})
})
