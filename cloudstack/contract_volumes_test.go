package cloudstack_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("contract with the bundled simulator: networks, volumes and snapshots", Label("contract"), func() {
	var env *computeEnv

	BeforeEach(func() { env = newComputeEnv(nil) })

	Describe("Networks", func() {
		It("finds a network by name within a zone and by id", func() {
			n := env.isolated
			Expect(cloudstack.IsID(n.ID)).To(BeTrue())
			Expect(n).To(haveNetworkFields("zone1-isolated", env.zoneID, "Isolated", "10.1.1.0/24", "10.1.1.1"))
			Expect(n.DNS1).To(Equal("8.8.8.8"))
			Expect(n.Offers("StaticNat")).To(BeTrue())
			Expect(n.Offers("sourcenat")).To(BeTrue())
			Expect(n.SecurityGroupsEnabled()).To(BeFalse())
			Expect(env.shared.Type).To(Equal("Shared"))
			Expect(env.shared.Offers("StaticNat")).To(BeFalse())

			byID, found, err := env.client.Networks().Find(env.ctx, n.ID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(n))
		})

		It("reports unknown names, unknown ids and networks of another zone as not found", func() {
			zone2, _, err := env.client.Zones().Find(env.ctx, "zone2")
			Expect(err).NotTo(HaveOccurred())
			for _, key := range []string{"zone1", "zone1-isolated-x", "8d6e2a1e-1111-2222-3333-444455556666", env.isolated.ID} {
				_, found, err := env.client.Networks().Find(env.ctx, key, zone2.ID)
				Expect(err).NotTo(HaveOccurred())
				Expect(found).To(BeFalse(), key)
			}
		})
	})

	Describe("Volumes", func() {
		It("creates a detached disk, finds it by id and by name", func() {
			disk := env.createDisk("bosh-disk-1", 20)
			Expect(cloudstack.IsID(disk.ID)).To(BeTrue())
			Expect(disk).To(Equal(cloudstack.Volume{ID: disk.ID, Name: "bosh-disk-1", ZoneID: env.zoneID, Type: "DATADISK",
				State: "Allocated", SizeBytes: 20 << 30, DiskOfferingID: env.customDisk, Tags: map[string]string{}}))
			Expect(disk.Attached()).To(BeFalse())

			got, found := env.getVolume(disk.ID)
			Expect(found).To(BeTrue())
			Expect(got).To(Equal(disk))
			byName, found, err := env.client.Volumes().FindByName(env.ctx, "bosh-disk-1")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byName).To(Equal(disk))

			_, found, err = env.client.Volumes().FindByName(env.ctx, "bosh-disk")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			_, found = env.getVolume("8d6e2a1e-1111-2222-3333-444455556666")
			Expect(found).To(BeFalse())
		})

		It("refuses a name two volumes share", func() {
			first := env.createDisk("twin", 1)
			second := env.createDisk("twin", 1)
			_, _, err := env.client.Volumes().FindByName(env.ctx, "twin")
			var ambiguous *cloudstack.AmbiguousError
			Expect(errors.As(err, &ambiguous)).To(BeTrue())
			Expect(ambiguous.IDs).To(ConsistOf(first.ID, second.ID))
		})

		It("attaches disks at device ids 1, 2 and 4, lists them, detaches and deletes", func() {
			vm := env.deploy(env.spec("vm-disks"))
			volumes := env.client.Volumes()
			var disks []cloudstack.Volume
			for _, name := range []string{"d1", "d2", "d3"} {
				disk := env.createDisk(name, 2)
				attached, err := volumes.Attach(env.ctx, disk.ID, vm.ID, jobTimeout)
				Expect(err).NotTo(HaveOccurred())
				Expect(attached.VMID).To(Equal(vm.ID))
				Expect(attached.Attached()).To(BeTrue())
				Expect(attached.State).To(Equal("Ready"))
				disks = append(disks, attached)
			}
			Expect([]int64{disks[0].DeviceID, disks[1].DeviceID, disks[2].DeviceID}).To(Equal([]int64{1, 2, 4}))

			data, err := volumes.ListByVM(env.ctx, vm.ID, cloudstack.VolumeTypeDataDisk)
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(disks))
			root, err := volumes.ListByVM(env.ctx, vm.ID, cloudstack.VolumeTypeRoot)
			Expect(err).NotTo(HaveOccurred())
			Expect(root).To(HaveLen(1))
			Expect(root[0].DeviceID).To(BeZero())
			all, err := volumes.ListByVM(env.ctx, vm.ID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(all).To(Equal(append(root, disks...)))

			err = volumes.Delete(env.ctx, disks[1].ID)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(431))
			Expect(apiErr.Text).To(ContainSubstring("not attached to any VM"))
			Expect(cloudstack.IsNotFound(err)).To(BeFalse())

			detached, err := volumes.Detach(env.ctx, disks[1].ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(detached.Attached()).To(BeFalse())
			Expect(detached.DeviceID).To(BeZero())
			_, err = volumes.Detach(env.ctx, disks[1].ID, jobTimeout)
			Expect(err).To(HaveOccurred())

			Expect(volumes.Delete(env.ctx, disks[1].ID)).To(Succeed())
			_, found := env.getVolume(disks[1].ID)
			Expect(found).To(BeFalse())
			Expect(volumes.Delete(env.ctx, disks[1].ID)).To(Succeed())
			Expect(volumes.Delete(env.ctx, "8d6e2a1e-1111-2222-3333-444455556666")).To(Succeed())

			// The freed device id is the next one given.
			again, err := volumes.Attach(env.ctx, env.createDisk("d4", 1).ID, vm.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(again.DeviceID).To(Equal(int64(2)))
		})

		It("creates a disk attached to a VM in the same job", func() {
			vm := env.deploy(env.spec("vm-near"))
			disk, err := env.client.Volumes().Create(env.ctx, cloudstack.VolumeSpec{
				Name: "near", DiskOfferingID: env.smallDisk, VMID: vm.ID,
			}, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(disk.ZoneID).To(Equal(env.zoneID))
			Expect(disk.VMID).To(Equal(vm.ID))
			Expect(disk.DeviceID).To(Equal(int64(1)))
			Expect(disk.SizeBytes).To(Equal(int64(10 << 30)))
		})

		It("lists nothing for a VM that does not exist", func() {
			volumes, err := env.client.Volumes().ListByVM(env.ctx, "8d6e2a1e-1111-2222-3333-444455556666", "")
			Expect(err).NotTo(HaveOccurred())
			Expect(volumes).To(BeEmpty())
		})

		It("resizes a detached disk, shrinking only when allowed", func() {
			disk := env.createDisk("growing", 10)
			volumes := env.client.Volumes()

			grown, err := volumes.Resize(env.ctx, disk.ID, 30, "", false, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(grown.SizeBytes).To(Equal(int64(30 << 30)))

			_, err = volumes.Resize(env.ctx, disk.ID, 20, "", false, jobTimeout)
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Code).To(Equal(431))
			Expect(jobErr.Text).To(ContainSubstring("shrinkok"))

			shrunk, err := volumes.Resize(env.ctx, disk.ID, 20, "", true, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(shrunk.SizeBytes).To(Equal(int64(20 << 30)))

			switched, err := volumes.Resize(env.ctx, disk.ID, 0, env.mediumDisk, false, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(switched.SizeBytes).To(Equal(int64(50 << 30)))
			Expect(switched.DiskOfferingID).To(Equal(env.mediumDisk))

			_, err = volumes.Resize(env.ctx, disk.ID, 0, "", false, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("give a new size or a new disk offering")))
		})

		It("refuses to resize a disk in use by a running XenServer VM", func() {
			vm := env.deploy(env.spec("vm-xen"))
			disk := env.createDisk("in-use", 10)
			_, err := env.client.Volumes().Attach(env.ctx, disk.ID, vm.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			_, err = env.client.Volumes().Resize(env.ctx, disk.ID, 20, "", false, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("must be stopped or the disk detached")))
		})

		It("shows tags set through Tags", func() {
			disk := env.createDisk("tagged", 1)
			Expect(env.client.Tags().Upsert(env.ctx, cloudstack.ResourceTypeVolume, disk.ID, map[string]string{"director": "bosh"})).To(Succeed())
			got, _ := env.getVolume(disk.ID)
			Expect(got.Tags).To(Equal(map[string]string{"director": "bosh"}))
		})

		It("carries the volume's id when the create job fails", func() {
			env := newComputeEnv(func(o *simulator.Options) { o.Faults.Capacity = map[string]int{"volume": 0} })
			_, err := env.client.Volumes().Create(env.ctx, cloudstack.VolumeSpec{
				Name: "no-room", ZoneID: env.zoneID, DiskOfferingID: env.customDisk, SizeGiB: 5,
			}, jobTimeout)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.Kind).To(Equal("volume"))
			Expect(cloudstack.IsID(createErr.ID)).To(BeTrue())
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
			// CloudStack removes a volume whose creation failed; deleting it again is harmless.
			Expect(env.client.Volumes().Delete(env.ctx, createErr.ID)).To(Succeed())
		})

		It("carries the volume's id when the wait times out", func() {
			env := newComputeEnv(func(o *simulator.Options) { o.JobDelays = map[string]time.Duration{"createVolume": time.Hour} })
			_, err := env.client.Volumes().Create(env.ctx, cloudstack.VolumeSpec{
				Name: "slow", ZoneID: env.zoneID, DiskOfferingID: env.smallDisk,
			}, time.Minute)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(cloudstack.IsTransient(err)).To(BeTrue())
			Expect(env.client.Volumes().Delete(env.ctx, createErr.ID)).To(Succeed())
			_, found := env.getVolume(createErr.ID)
			Expect(found).To(BeFalse())
		})
	})

	Describe("Snapshots", func() {
		var disk cloudstack.Volume

		BeforeEach(func() {
			vm := env.deploy(env.spec("vm-snap"))
			var err error
			disk, err = env.client.Volumes().Create(env.ctx, cloudstack.VolumeSpec{Name: "snapped", DiskOfferingID: env.smallDisk, VMID: vm.ID}, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(disk.State).To(Equal("Ready"))
		})

		It("snapshots a volume, tags it, deletes it, and deletes it again", func() {
			snapshots := env.client.Snapshots()
			snap, err := snapshots.Create(env.ctx, disk.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(cloudstack.IsID(snap.ID)).To(BeTrue())
			Expect(snap.VolumeID).To(Equal(disk.ID))
			Expect(snap.ZoneID).To(Equal(env.zoneID))
			Expect(snap.State).To(Equal("BackedUp"))

			Expect(env.client.Tags().Upsert(env.ctx, cloudstack.ResourceTypeSnapshot, snap.ID, map[string]string{"deployment": "cf"})).To(Succeed())
			got, found, err := snapshots.Get(env.ctx, snap.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			snap.Tags = map[string]string{"deployment": "cf"}
			Expect(got).To(Equal(snap))

			Expect(snapshots.Delete(env.ctx, snap.ID, jobTimeout)).To(Succeed())
			_, found, err = snapshots.Get(env.ctx, snap.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			Expect(snapshots.Delete(env.ctx, snap.ID, jobTimeout)).To(Succeed())
			Expect(snapshots.Delete(env.ctx, "8d6e2a1e-1111-2222-3333-444455556666", jobTimeout)).To(Succeed())
		})

		It("refuses a volume that has no storage yet in the call itself", func() {
			_, err := env.client.Snapshots().Create(env.ctx, env.createDisk("allocated", 1).ID, jobTimeout)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(431))
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeFalse())
		})

		It("carries the snapshot's id when its job fails", func() {
			Expect(env.sim.AddFault(simulator.FaultRule{Command: "createSnapshot", Nth: 1, Kind: "job", ErrorCode: 530, Message: "backup failed"})).To(Succeed())
			_, err := env.client.Snapshots().Create(env.ctx, disk.ID, jobTimeout)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.Kind).To(Equal("snapshot"))

			failed, found, err := env.client.Snapshots().Get(env.ctx, createErr.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(failed.State).To(Equal("Error"))
			Expect(env.client.Snapshots().Delete(env.ctx, createErr.ID, jobTimeout)).To(Succeed())
		})
	})
})

// haveNetworkFields checks the identity and addressing of a network.
func haveNetworkFields(name, zoneID, typ, cidr, gateway string) OmegaMatcher {
	return And(HaveField("Name", name), HaveField("ZoneID", zoneID), HaveField("Type", typ),
		HaveField("CIDR", cidr), HaveField("Gateway", gateway), HaveField("Netmask", "255.255.255.0"))
}
