package integration_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// diskTemplateID is the ready XenServer template of zone1 the disk specs boot their VM from. create_vm is
// not what these specs test, so the VM is deployed through the CloudStack API directly.
const diskTemplateID = "5eedc0de-0000-4000-8000-0000000000d1"

var _ = Describe("disks and snapshots through the binary", func() {
	var (
		t          *target
		configPath string
		client     *cloudstack.Client
		ctx        = context.Background()
	)

	BeforeEach(func() {
		seed := simulator.DefaultSeed()
		seed.Templates = append(seed.Templates, simulator.SeedTemplate{
			ID: diskTemplateID, Name: "disk-spec-stemcell", Zones: []string{"zone1"},
			OSType: "Other PV (64-bit)", Hypervisor: "XenServer", Format: "VHD", Size: 3 << 30,
		})
		t = startTarget(simulator.Options{Seed: seed})
		configPath = t.config(func(cs map[string]any) {
			if t.Sim != nil {
				cs["default_offer"] = map[string]any{"custom_disk": "custom"}
			}
		})
		var err error
		client, err = cloudstack.New(cloudstack.Options{Endpoint: t.Endpoint, APIKey: t.APIKey, SecretKey: t.SecretKey,
			PollInitialInterval: 10 * time.Millisecond, PollMaxInterval: 200 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
	})

	// call runs a method that must succeed and returns its result.
	call := func(method string, args ...any) any {
		run := t.cpi(configPath, method, args, 2)
		Expect(run.Response.Error).To(BeNil(), "%s failed: %s\nstderr: %s", method, run.Stdout, run.Stderr)
		return run.Response.Result
	}
	// callError runs a method that must fail and returns the error's type.
	callError := func(method string, args ...any) string {
		run := t.cpi(configPath, method, args, 2)
		Expect(run.Response.Error).NotTo(BeNil(), "%s should have failed: %s", method, run.Stdout)
		return run.Response.Error.Type
	}
	diskProperties := func() map[string]any {
		if t.Sim != nil {
			return map[string]any{"disk_offering": "custom"}
		}
		return map[string]any{"disk_offering": t.DiskOffering}
	}
	volume := func(id string) cloudstack.Volume {
		v, found, err := client.Volumes().Get(ctx, id)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue(), "volume %s", id)
		return v
	}
	tagsOf := func(resourceType, id string) map[string]string {
		tags, err := client.Tags().List(ctx, resourceType, id)
		Expect(err).NotTo(HaveOccurred())
		return tags
	}
	// removeDiskLater makes sure a disk a failed spec leaves behind does not outlive it on a real cloud.
	removeDiskLater := func(id string) {
		DeferCleanup(func() {
			if v, found, err := client.Volumes().Get(ctx, id); err == nil && found && v.Attached() {
				_, _ = client.Volumes().Detach(ctx, id, 10*time.Minute)
			}
			Expect(client.Volumes().Delete(ctx, id)).To(Succeed())
		})
	}

	It("creates, inspects, tags, resizes and deletes a disk, and deleting it again succeeds", func() {
		cid, ok := call("create_disk", 1500, diskProperties(), nil).(string)
		Expect(ok).To(BeTrue())
		Expect(cloudstack.IsID(cid)).To(BeTrue(), "the CID is the volume's UUID, got %q", cid)
		removeDiskLater(cid)
		if t.Sim != nil {
			Expect(t.inventoryIDs("volumes")).To(ContainElement(cid))
			Expect(volume(cid).SizeBytes).To(Equal(int64(2)<<30), "1500 MiB rounded up to 2 GiB")
		}
		Expect(volume(cid).Attached()).To(BeFalse())
		Expect(tagsOf("Volume", cid)).To(HaveKeyWithValue("bosh_managed", "true"))
		Expect(tagsOf("Volume", cid)).To(HaveKeyWithValue("director_uuid", "integration-director"))

		Expect(call("has_disk", cid)).To(BeTrue())

		call("set_disk_metadata", cid, map[string]any{"deployment": "cf", "instance_index": 0})
		call("set_disk_metadata", cid, map[string]any{"deployment": "cf-2"})
		Expect(tagsOf("Volume", cid)).To(HaveKeyWithValue("deployment", "cf-2"))
		Expect(tagsOf("Volume", cid)).To(HaveKeyWithValue("instance_index", "0"))

		offering, found, err := client.Offerings().FindDisk(ctx, volume(cid).DiskOfferingID, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		before := volume(cid).SizeBytes
		if offering.IsCustomized {
			Expect(call("resize_disk", cid, 4096)).To(BeNil())
			Expect(volume(cid).SizeBytes).To(Equal(int64(4) << 30))
			Expect(callError("resize_disk", cid, 1024)).To(Equal("Bosh::Clouds::NotSupported"), "a shrink falls back to copying")
		} else {
			Expect(callError("resize_disk", cid, int(before>>20)+1024)).To(Equal("Bosh::Clouds::NotSupported"))
		}

		call("delete_disk", cid)
		Expect(call("has_disk", cid)).To(BeFalse())
		call("delete_disk", cid)
		if t.Sim != nil {
			Expect(t.inventoryIDs("volumes")).NotTo(ContainElement(cid))
		}
	})

	It("refuses bad input, creating nothing", func() {
		var before []string
		if t.Sim != nil {
			before = t.inventoryIDs("volumes")
		}
		Expect(callError("create_disk", 0, diskProperties(), nil)).To(Equal("Bosh::Clouds::CpiError"))
		Expect(callError("create_disk", 1024, map[string]any{"disk_offering": "no-such-offering"}, nil)).To(Equal("Bosh::Clouds::CpiError"))
		Expect(callError("create_disk", 1024, map[string]any{"disk_offering": 42}, nil)).To(Equal("Bosh::Clouds::CpiError"))
		if t.Sim != nil {
			Expect(callError("create_disk", 20480, map[string]any{"disk_offering": "small"}, nil)).To(Equal("Bosh::Clouds::CpiError"))
			Expect(t.inventoryIDs("volumes")).To(Equal(before))
		}
	})

	Describe("with a VM", func() {
		var vmID string

		BeforeEach(func() {
			vmID = deployDiskSpecVM(ctx, client, t, configPath)
		})

		It("attaches, lists, snapshots and detaches a disk", func() {
			cid, ok := call("create_disk", 2048, diskProperties(), vmID).(string)
			Expect(ok).To(BeTrue())
			removeDiskLater(cid)

			hint := call("attach_disk", vmID, cid)
			Expect(hint).To(HaveKeyWithValue("path", Not(BeEmpty())))
			if t.Sim != nil {
				Expect(hint).To(Equal(map[string]any{"path": "/dev/xvdb", "volume_id": "1"}), "XenServer names deviceid 1 xvdb")
			}
			Expect(volume(cid).VMID).To(Equal(vmID))
			Expect(call("attach_disk", vmID, cid)).To(Equal(hint), "attaching again answers the same hint")
			Expect(call("get_disks", vmID)).To(Equal([]any{cid}))

			snapshotCID, ok := call("snapshot_disk", cid, map[string]any{"deployment": "cf", "job": "db", "index": 0}).(string)
			Expect(ok).To(BeTrue())
			Expect(cloudstack.IsID(snapshotCID)).To(BeTrue())
			if t.Sim != nil {
				Expect(t.inventoryIDs("snapshots")).To(ContainElement(snapshotCID))
			}
			Expect(tagsOf("Snapshot", snapshotCID)).To(HaveKeyWithValue("index", "0"))
			Expect(tagsOf("Snapshot", snapshotCID)).To(HaveKeyWithValue("bosh_managed", "true"))

			Expect(callError("delete_disk", cid)).To(Equal("Bosh::Clouds::CloudError"), "an attached disk is never deleted")
			call("detach_disk", vmID, cid)
			Expect(volume(cid).Attached()).To(BeFalse())
			Expect(callError("detach_disk", vmID, cid)).To(Equal("Bosh::Clouds::DiskNotAttached"))
			Expect(call("get_disks", vmID)).To(Equal([]any{}))

			call("delete_snapshot", snapshotCID)
			call("delete_snapshot", snapshotCID)
			if t.Sim != nil {
				Expect(t.inventoryIDs("snapshots")).NotTo(ContainElement(snapshotCID))
			}
			call("delete_disk", cid)
		})

		It("answers the typed errors for a VM or disk that does not exist", func() {
			missing := "0badc0de-0000-4000-8000-000000000000"
			cid, ok := call("create_disk", 1024, diskProperties(), nil).(string)
			Expect(ok).To(BeTrue())
			removeDiskLater(cid)
			Expect(callError("attach_disk", missing, cid)).To(Equal("Bosh::Clouds::VMNotFound"))
			Expect(callError("attach_disk", vmID, missing)).To(Equal("Bosh::Clouds::DiskNotFound"))
			Expect(callError("detach_disk", vmID, missing)).To(Equal("Bosh::Clouds::DiskNotFound"))
			Expect(callError("set_disk_metadata", missing, map[string]any{"a": "b"})).To(Equal("Bosh::Clouds::DiskNotFound"))
			Expect(callError("get_disks", missing)).To(Equal("Bosh::Clouds::VMNotFound"))
		})
	})
})

// deployDiskSpecVM starts a VM through the CloudStack API: from the seeded template on the simulator,
// on a real cloud from CPI_CLOUDSTACK_STEMCELL (a stemcell tarball) uploaded through the binary. It is
// destroyed after the spec.
func deployDiskSpecVM(ctx context.Context, client *cloudstack.Client, t *target, configPath string) string {
	zone, found, err := client.Zones().Find(ctx, t.Zone)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "zone %s", t.Zone)
	offering, found, err := client.Offerings().FindService(ctx, t.ComputeOffering, zone.ID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "compute offering %s", t.ComputeOffering)
	network, found, err := client.Networks().Find(ctx, t.Network, zone.ID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "network %s", t.Network)

	templateID := diskTemplateID
	if t.Sim == nil {
		templateID = t.uploadedStemcell(configPath)
	}

	vm, err := client.VMs().Deploy(ctx, cloudstack.DeploySpec{
		Name: "disk-spec-vm", ZoneID: zone.ID, ServiceOfferingID: offering.ID, TemplateID: templateID,
		NICs: []cloudstack.NICSpec{{NetworkID: network.ID}},
	}, 30*time.Minute)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(client.VMs().Destroy(ctx, vm.ID, true, 30*time.Minute)).To(Succeed())
	})
	return vm.ID
}
