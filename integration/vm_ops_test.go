package integration_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

const (
	vmOpsUnknownID   = "0badc0de-0000-4000-8000-000000000001"
	vmOpsUnknownName = "cpivm-0badc0de-never-deployed" // the older CPI's name-style CID
)

var _ = Describe("has_vm, reboot_vm, set_vm_metadata and calculate_vm_cloud_properties through the binary", func() {
	var (
		t          *target
		configPath string
	)

	// The default seed; the live-VM specs start their own target with a template added.
	startDefault := func() {
		t = startTarget(simulator.Options{})
		configPath = t.config(nil)
	}

	expectFailure := func(run cpiRun, typ, message string) {
		Expect(run.Response.Error).NotTo(BeNil(), "expected an error, got %s", run.Stdout)
		Expect(run.Response.Error.Type).To(Equal(typ))
		Expect(run.Response.Error.Message).To(ContainSubstring(message))
		Expect(*run.Response.Error.OkToRetry).To(BeFalse())
		Expect(run.Response.Result).To(BeNil())
	}

	Describe("a VM CloudStack does not know", func() {
		BeforeEach(startDefault)

		It("has_vm answers false, for a uuid and for a legacy name", func() {
			for _, cid := range []string{vmOpsUnknownID, vmOpsUnknownName} {
				run := t.cpi(configPath, "has_vm", []any{cid}, 2)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)
				Expect(run.Response.Result).To(BeFalse())
			}
		})

		It("reboot_vm answers VMNotFound", func() {
			expectFailure(t.cpi(configPath, "reboot_vm", []any{vmOpsUnknownID}, 2), "Bosh::Clouds::VMNotFound", "VM '"+vmOpsUnknownID+"' not found")
			expectFailure(t.cpi(configPath, "reboot_vm", []any{vmOpsUnknownName}, 2), "Bosh::Clouds::VMNotFound", "VM '"+vmOpsUnknownName+"' not found")
		})

		It("set_vm_metadata answers VMNotFound and tags nothing", func() {
			run := t.cpi(configPath, "set_vm_metadata", []any{vmOpsUnknownID, map[string]any{"name": "router/1", "deployment": "cf"}}, 2)
			expectFailure(run, "Bosh::Clouds::VMNotFound", "VM '"+vmOpsUnknownID+"' not found")
			if t.Sim != nil {
				Expect(t.Sim.CallCount("createTags")).To(BeZero())
				Expect(t.Sim.CallCount("updateVirtualMachine")).To(BeZero())
			}
		})
	})

	Describe("calculate_vm_cloud_properties", func() {
		BeforeEach(startDefault)

		calculate := func(path string, cpu, ram, disk int) cpiRun {
			return t.cpi(path, "calculate_vm_cloud_properties", []any{map[string]any{"cpu": cpu, "ram": ram, "ephemeral_disk_size": disk}}, 2)
		}

		It("answers cloud properties create_vm takes, from the default zone's offerings", func() {
			run := calculate(configPath, 2, 2048, 20480)
			Expect(run.Response.Error).To(BeNil(), run.Stdout)
			Expect(run.Response.Result).To(HaveKeyWithValue("compute_offering", Not(BeEmpty())))
			Expect(run.Response.Result).To(HaveKeyWithValue("ephemeral_disk_size", BeEquivalentTo(20480)))
			Expect(run.Response.Result).To(HaveKeyWithValue("ephemeral_disk_offering", Not(BeEmpty())))
			if t.Sim != nil {
				Expect(run.Response.Result).To(Equal(map[string]any{
					"compute_offering": "Medium Instance", "ephemeral_disk_size": float64(20480), "ephemeral_disk_offering": "medium",
				}))
				// One lookup each: the zone, its compute offerings, its disk offerings.
				Expect(t.Sim.CallCount("")).To(Equal(3))
			}
		})

		if !realCloudRequested() {
			It("falls back to the seed's customized offerings beyond the fixed ones", func() {
				run := calculate(configPath, 8, 16384, 102400)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)
				Expect(run.Response.Result).To(Equal(map[string]any{
					"compute_offering": "Custom Constrained", "cpu": float64(8), "ram": float64(16384),
					"ephemeral_disk_size": float64(102400), "ephemeral_disk_offering": "custom",
				}))

				run = calculate(configPath, 16, 32768, 1024)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)
				Expect(run.Response.Result).To(Equal(map[string]any{
					"compute_offering": "Custom", "cpu": float64(16), "ram": float64(32768),
					"ephemeral_disk_size": float64(1024), "ephemeral_disk_offering": "small",
				}))
			})
		}

		It("answers a CloudError listing the offerings when the configured host tags exclude them all", func() {
			path := t.config(func(cs map[string]any) {
				cs["calculate"] = map[string]any{"compute_tags": []string{"no-such-host-tag-4711"}}
			})
			run := calculate(path, 1, 512, 1024)
			expectFailure(run, "Bosh::Clouds::CloudError", "no compute offering has 1 CPU(s) and 512 MiB of memory")
			Expect(run.Response.Error.Message).To(ContainSubstring("excluded by calculate.compute_tags/not_compute_tags"))
		})

		It("answers a CpiError naming a missing key", func() {
			run := t.cpi(configPath, "calculate_vm_cloud_properties", []any{map[string]any{"cpu": 1, "ram": 512}}, 2)
			expectFailure(run, "Bosh::Clouds::CpiError", "ephemeral_disk_size is missing")
		})
	})

	// The methods on a live VM need one to exist without create_vm: the simulator seeds a template the
	// spec deploys from with the client. A real cloud has no such seed, so there this part is not defined.
	if !realCloudRequested() {
		Describe("a VM the simulator runs", func() {
			const seededTemplateID = "5eedc0de-0000-4000-8000-0000000000a1"
			var (
				ctx    context.Context
				client *cloudstack.Client
				vm     cloudstack.VM
			)

			BeforeEach(func() {
				seed := simulator.DefaultSeed()
				seed.Templates = append(seed.Templates, simulator.SeedTemplate{ID: seededTemplateID, Name: "vm-ops-stemcell",
					Zones: []string{"zone1"}, OSType: "Other PV (64-bit)", Hypervisor: "XenServer", Format: "VHD"})
				t = startTarget(simulator.Options{Seed: seed})
				configPath = t.config(nil)

				ctx = context.Background()
				var err error
				client, err = cloudstack.New(cloudstack.Options{Endpoint: t.Endpoint, APIKey: t.APIKey, SecretKey: t.SecretKey,
					PollInitialInterval: 5 * time.Millisecond, PollMaxInterval: 50 * time.Millisecond})
				Expect(err).NotTo(HaveOccurred())
				zone, _, err := client.Zones().Find(ctx, t.Zone)
				Expect(err).NotTo(HaveOccurred())
				offering, _, err := client.Offerings().FindService(ctx, t.ComputeOffering, zone.ID)
				Expect(err).NotTo(HaveOccurred())
				network, _, err := client.Networks().Find(ctx, t.Network, zone.ID)
				Expect(err).NotTo(HaveOccurred())
				vm, err = client.VMs().Deploy(ctx, cloudstack.DeploySpec{Name: "vm-ops-1", ZoneID: zone.ID,
					ServiceOfferingID: offering.ID, TemplateID: seededTemplateID, NICs: []cloudstack.NICSpec{{NetworkID: network.ID}}}, time.Minute)
				Expect(err).NotTo(HaveOccurred())
			})

			current := func() cloudstack.VM {
				got, found, err := client.VMs().Get(ctx, vm.ID)
				Expect(err).NotTo(HaveOccurred())
				Expect(found).To(BeTrue())
				return got
			}

			It("has_vm answers true, by id and by the host name an older CPI used as CID, and false once destroyed", func() {
				for _, cid := range []string{vm.ID, "vm-ops-1"} {
					run := t.cpi(configPath, "has_vm", []any{cid}, 2)
					Expect(run.Response.Error).To(BeNil(), run.Stdout)
					Expect(run.Response.Result).To(BeTrue())
				}
				Expect(client.VMs().Destroy(ctx, vm.ID, false, time.Minute)).To(Succeed())
				run := t.cpi(configPath, "has_vm", []any{vm.ID}, 2)
				Expect(run.Response.Result).To(BeFalse(), "a Destroyed VM is gone for BOSH")
				expectFailure(t.cpi(configPath, "reboot_vm", []any{vm.ID}, 2), "Bosh::Clouds::VMNotFound", "not found")
			})

			It("reboot_vm reboots a running VM and starts a stopped one", func() {
				run := t.cpi(configPath, "reboot_vm", []any{vm.ID}, 2)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)
				Expect(t.Sim.CallCount("rebootVirtualMachine")).To(Equal(1))

				Expect(client.VMs().Stop(ctx, vm.ID, false, time.Minute)).To(Succeed())
				run = t.cpi(configPath, "reboot_vm", []any{vm.ID}, 2)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)
				Expect(t.Sim.CallCount("startVirtualMachine")).To(Equal(1))
				Expect(current().State).To(Equal(cloudstack.VMStateRunning))
			})

			It("set_vm_metadata upserts tags, keeping others, and sets the display name", func() {
				Expect(client.Tags().Upsert(ctx, cloudstack.ResourceTypeVM, vm.ID, map[string]string{"owner": "ops-team"})).To(Succeed())
				metadata := map[string]any{"director": "bosh", "deployment": "cf", "job": "router", "instance_group": "router",
					"index": 0, "id": "0c7f", "name": "router/0c7f", "created_at": "2024-05-01T10:11:12Z", "empty": ""}
				run := t.cpi(configPath, "set_vm_metadata", []any{vm.ID, metadata}, 2)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)

				// Called again, as the director does on the next deploy, with one value changed.
				metadata["created_at"] = "2024-06-01T00:00:00Z"
				run = t.cpi(configPath, "set_vm_metadata", []any{vm.ID, metadata}, 2)
				Expect(run.Response.Error).To(BeNil(), run.Stdout)

				tags, err := client.Tags().List(ctx, cloudstack.ResourceTypeVM, vm.ID)
				Expect(err).NotTo(HaveOccurred())
				Expect(tags).To(Equal(map[string]string{"owner": "ops-team", "director": "bosh", "deployment": "cf",
					"job": "router", "instance_group": "router", "index": "0", "id": "0c7f", "name": "router/0c7f",
					"created_at": "2024-06-01T00:00:00Z"}))
				Expect(current().DisplayName).To(Equal("router/0c7f"))
				Expect(t.Sim.CallCount("updateVirtualMachine")).To(Equal(1), "the second call found the name already set")
			})
		})
	}
})
