package cloudstack_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("contract with the bundled simulator: VMs", Label("contract"), func() {
	var env *computeEnv

	BeforeEach(func() { env = newComputeEnv(nil) })

	Describe("Deploy", func() {
		It("gives the default NIC its static address and the second NIC a dynamic one", func() {
			spec := env.spec("vm-two-nics")
			spec.NICs = []cloudstack.NICSpec{
				{NetworkID: env.isolated.ID, IP: "10.1.1.62"},
				{NetworkID: env.shared.ID},
			}
			vm := env.deploy(spec)

			Expect(cloudstack.IsID(vm.ID)).To(BeTrue())
			Expect(vm.Name).To(Equal("vm-two-nics"))
			Expect(vm.DisplayName).To(Equal("vm-two-nics"))
			Expect(vm.State).To(Equal(cloudstack.VMStateRunning))
			Expect(vm.ZoneID).To(Equal(env.zoneID))
			Expect(vm.Hypervisor).To(Equal("XenServer"))
			Expect(vm.TemplateID).To(Equal(contractTemplateID))
			Expect(vm.ServiceOfferingID).To(Equal(env.smallOffering))
			Expect(vm.Gone()).To(BeFalse())
			Expect(vm.Failed()).To(BeFalse())

			Expect(vm.NICs).To(HaveLen(2))
			first, second := vm.NICs[0], vm.NICs[1]
			Expect(first).To(MatchFields(IgnoreExtras, Fields{
				"NetworkID": Equal(env.isolated.ID), "NetworkName": Equal("zone1-isolated"), "IP": Equal("10.1.1.62"),
				"Netmask": Equal("255.255.255.0"), "Gateway": Equal("10.1.1.1"), "IsDefault": BeTrue(), "DeviceID": Equal("0"),
			}))
			Expect(first.MAC).To(MatchRegexp(`^([0-9a-f]{2}:){5}[0-9a-f]{2}$`))
			Expect(second.NetworkID).To(Equal(env.shared.ID))
			Expect(second.IP).To(HavePrefix("10.1.2."))
			Expect(second.IsDefault).To(BeFalse())
			Expect(second.DeviceID).To(Equal("1"))
			defaultNIC, ok := vm.DefaultNIC()
			Expect(ok).To(BeTrue())
			Expect(defaultNIC).To(Equal(first))

			Expect(env.lastCall("deployVirtualMachine")).To(And(
				HaveKeyWithValue("iptonetworklist[0].ip", "10.1.1.62"),
				HaveKeyWithValue("iptonetworklist[1].networkid", env.shared.ID),
				Not(HaveKey("iptonetworklist[1].ip")), Not(HaveKey("networkids"))))

			got, found := env.getVM(vm.ID)
			Expect(found).To(BeTrue())
			Expect(got).To(Equal(vm))
		})

		It("sends networks without addresses as networkids, in order", func() {
			spec := env.spec("vm-dynamic")
			spec.NICs = []cloudstack.NICSpec{{NetworkID: env.shared.ID}, {NetworkID: env.isolated.ID}}
			vm := env.deploy(spec)
			Expect(env.lastCall("deployVirtualMachine")).To(HaveKeyWithValue("networkids", env.shared.ID+","+env.isolated.ID))
			Expect(vm.NICs[0].NetworkID).To(Equal(env.shared.ID))
			Expect(vm.NICs[0].IsDefault).To(BeTrue())
			Expect(vm.NICs[1].NetworkID).To(Equal(env.isolated.ID))
		})

		It("deploys a custom-sized VM with a key pair, a bigger root disk, a data disk and user-data", func() {
			userData := `{"agent_id":"agent-1","vm":{"name":"vm-1"}}`
			spec := env.spec("vm-custom")
			spec.DisplayName = "instance/0 of cf"
			spec.ServiceOfferingID = env.customOffering
			spec.CPUNumber, spec.CPUSpeedMHz, spec.MemoryMiB = 2, 2000, 4096
			spec.KeyPair = "bosh"
			spec.RootDiskSizeGiB = 20
			spec.DataDiskOfferingID, spec.DataDiskSizeGiB = env.customDisk, 15
			spec.UserData = base64.StdEncoding.EncodeToString([]byte(userData))
			vm := env.deploy(spec)

			Expect(vm.DisplayName).To(Equal("instance/0 of cf"))
			Expect(env.sim.UserData()).To(HaveKeyWithValue(vm.ID, userData))
			Expect(env.lastCall("deployVirtualMachine")).To(And(
				HaveKeyWithValue("details[0].cpuNumber", "2"), HaveKeyWithValue("details[1].cpuSpeed", "2000"),
				HaveKeyWithValue("details[2].memory", "4096"), HaveKeyWithValue("keypair", "bosh"),
				HaveKeyWithValue("startvm", "true")))

			volumes, err := env.client.Volumes().ListByVM(env.ctx, vm.ID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(volumes).To(HaveLen(2))
			Expect(volumes[0]).To(MatchFields(IgnoreExtras, Fields{
				"Type": Equal(cloudstack.VolumeTypeRoot), "DeviceID": Equal(int64(0)), "SizeBytes": Equal(int64(20 << 30)),
				"VMID": Equal(vm.ID), "State": Equal("Ready"),
			}))
			Expect(volumes[1]).To(MatchFields(IgnoreExtras, Fields{
				"Type": Equal(cloudstack.VolumeTypeDataDisk), "DeviceID": Equal(int64(1)), "SizeBytes": Equal(int64(15 << 30)),
				"DiskOfferingID": Equal(env.customDisk), "VMID": Equal(vm.ID),
			}))
		})

		It("leaves the VM stopped when asked", func() {
			spec := env.spec("vm-stopped")
			spec.LeaveStopped = true
			vm := env.deploy(spec)
			Expect(vm.State).To(Equal(cloudstack.VMStateStopped))
		})

		It("refuses a taken address in the call itself, leaving nothing to clean up", func() {
			spec := env.spec("vm-first")
			spec.NICs = []cloudstack.NICSpec{{NetworkID: env.isolated.ID, IP: "10.1.1.70"}}
			env.deploy(spec)

			spec.Name = "vm-second"
			_, err := env.client.VMs().Deploy(env.ctx, spec, jobTimeout)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(533))
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeFalse())
			_, found, err := env.client.VMs().FindByName(env.ctx, "vm-second")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("carries the VM's id when the deploy job fails, and the VM in Error is destroyed at once", func() {
			Expect(env.sim.AddFault(simulator.FaultRule{Command: "deployVirtualMachine", Nth: 1, Kind: "job", ErrorCode: 533, Message: "no host"})).To(Succeed())
			_, err := env.client.VMs().Deploy(env.ctx, env.spec("vm-doomed"), jobTimeout)

			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.Kind).To(Equal("VM"))
			Expect(cloudstack.IsID(createErr.ID)).To(BeTrue())
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Code).To(Equal(533))
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring(createErr.ID))

			vm, found := env.getVM(createErr.ID)
			Expect(found).To(BeTrue())
			Expect(vm.State).To(Equal(cloudstack.VMStateError))
			Expect(vm.Failed()).To(BeTrue())
			Expect(vm.Gone()).To(BeFalse())

			Expect(env.client.VMs().Destroy(env.ctx, createErr.ID, false, jobTimeout)).To(Succeed())
			_, found = env.getVM(createErr.ID)
			Expect(found).To(BeFalse())
			// Its address is free again.
			spec := env.spec("vm-again")
			spec.NICs = []cloudstack.NICSpec{{NetworkID: env.isolated.ID, IP: vm.NICs[0].IP}}
			env.deploy(spec)
		})

		It("carries the VM's id when the cloud has no capacity left", func() {
			env := newComputeEnv(func(o *simulator.Options) { o.Faults.Capacity = map[string]int{"vm": 0} })
			_, err := env.client.VMs().Deploy(env.ctx, env.spec("vm-full"), jobTimeout)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
			vm, found := env.getVM(createErr.ID)
			Expect(found).To(BeTrue())
			Expect(vm.Failed()).To(BeTrue())
			Expect(env.client.VMs().Destroy(env.ctx, vm.ID, true, jobTimeout)).To(Succeed())
			_, found = env.getVM(vm.ID)
			Expect(found).To(BeFalse())
		})

		It("carries the VM's id when the wait times out; the VM is found by name and cleaned up", func() {
			env := newComputeEnv(func(o *simulator.Options) {
				o.JobDelays = map[string]time.Duration{"deployVirtualMachine": time.Hour}
			})
			_, err := env.client.VMs().Deploy(env.ctx, env.spec("vm-slow"), time.Minute)

			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			var timeoutErr *cloudstack.TimeoutError
			Expect(errors.As(err, &timeoutErr)).To(BeTrue())
			Expect(timeoutErr.Operation).To(Equal("deployVirtualMachine"))
			Expect(cloudstack.IsTransient(err)).To(BeTrue())

			byName, found, err := env.client.VMs().FindByName(env.ctx, "vm-slow")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byName.ID).To(Equal(createErr.ID))
			Expect(byName.State).To(Equal("Starting"))

			// The destroy job queues behind the deploy job on the VM.
			Expect(env.client.VMs().Destroy(env.ctx, createErr.ID, true, 2*time.Hour)).To(Succeed())
			_, found = env.getVM(createErr.ID)
			Expect(found).To(BeFalse())
		})

		It("checks the spec before calling CloudStack", func() {
			spec := env.spec("")
			_, err := env.client.VMs().Deploy(env.ctx, spec, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("the name is required")))

			spec = env.spec("vm-bad")
			spec.NICs = []cloudstack.NICSpec{{NetworkID: env.isolated.ID, IP: "10.1.1"}}
			_, err = env.client.VMs().Deploy(env.ctx, spec, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring(`"10.1.1" is not an IPv4 address`)))

			spec = env.spec("vm-bad")
			spec.UserData = "not base64!"
			_, err = env.client.VMs().Deploy(env.ctx, spec, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("user-data is not standard base64")))

			_, err = env.client.VMs().Deploy(env.ctx, env.spec("vm-bad"), 0)
			Expect(err).To(MatchError(ContainSubstring("timeout must be positive")))
			Expect(env.sim.CallCount("deployVirtualMachine")).To(BeZero())
		})
	})

	Describe("Get and FindByName", func() {
		It("matches names exactly and reports unknown names and ids as not found", func() {
			vm := env.deploy(env.spec("web-10"))
			env.deploy(env.spec("web-1"))

			byName, found, err := env.client.VMs().FindByName(env.ctx, "web-10")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byName).To(Equal(vm))

			_, found, err = env.client.VMs().FindByName(env.ctx, "web")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			_, found = env.getVM("8d6e2a1e-1111-2222-3333-444455556666")
			Expect(found).To(BeFalse())

			_, _, err = env.client.VMs().Get(env.ctx, "web-10")
			Expect(err).To(MatchError(ContainSubstring("not a CloudStack uuid")))
		})

		It("shows tags and the display name set after deploy", func() {
			vm := env.deploy(env.spec("vm-tagged"))
			Expect(env.client.Tags().Upsert(env.ctx, cloudstack.ResourceTypeVM, vm.ID, map[string]string{"director": "bosh", "index": "0"})).To(Succeed())
			Expect(env.client.VMs().SetDisplayName(env.ctx, vm.ID, "router/0")).To(Succeed())

			got, found := env.getVM(vm.ID)
			Expect(found).To(BeTrue())
			Expect(got.Tags).To(Equal(map[string]string{"director": "bosh", "index": "0"}))
			Expect(got.DisplayName).To(Equal("router/0"))
			Expect(got.Name).To(Equal("vm-tagged"))
		})
	})

	Describe("power", func() {
		It("starts, stops, stops again and reboots", func() {
			spec := env.spec("vm-power")
			spec.LeaveStopped = true
			vm := env.deploy(spec)
			vms := env.client.VMs()

			Expect(vms.Start(env.ctx, vm.ID, jobTimeout)).To(Succeed())
			Expect(env.vmState(vm.ID)).To(Equal(cloudstack.VMStateRunning))
			Expect(vms.Reboot(env.ctx, vm.ID, jobTimeout)).To(Succeed())
			Expect(vms.Stop(env.ctx, vm.ID, true, jobTimeout)).To(Succeed())
			Expect(env.lastCall("stopVirtualMachine")).To(HaveKeyWithValue("forced", "true"))
			Expect(env.vmState(vm.ID)).To(Equal(cloudstack.VMStateStopped))
			Expect(vms.Stop(env.ctx, vm.ID, false, jobTimeout)).To(Succeed())

			err := vms.Reboot(env.ctx, vm.ID, jobTimeout)
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Code).To(Equal(431))
			Expect(cloudstack.IsNotFound(err)).To(BeFalse())
		})

		It("reports a VM that does not exist as not found", func() {
			err := env.client.VMs().Reboot(env.ctx, "8d6e2a1e-1111-2222-3333-444455556666", jobTimeout)
			Expect(cloudstack.IsNotFound(err)).To(BeTrue())
		})
	})

	Describe("Destroy and Expunge", func() {
		It("destroys, then expunges, and counts a VM that is gone as done", func() {
			vm := env.deploy(env.spec("vm-destroy"))
			vms := env.client.VMs()

			Expect(vms.Destroy(env.ctx, vm.ID, false, jobTimeout)).To(Succeed())
			destroyed, found := env.getVM(vm.ID)
			Expect(found).To(BeTrue())
			Expect(destroyed.State).To(Equal(cloudstack.VMStateDestroyed))
			Expect(destroyed.Gone()).To(BeTrue())
			Expect(vms.Destroy(env.ctx, vm.ID, false, jobTimeout)).To(Succeed())

			Expect(vms.Expunge(env.ctx, vm.ID, jobTimeout)).To(Succeed())
			_, found = env.getVM(vm.ID)
			Expect(found).To(BeFalse())
			Expect(vms.Expunge(env.ctx, vm.ID, jobTimeout)).To(Succeed())
			Expect(vms.Destroy(env.ctx, vm.ID, true, jobTimeout)).To(Succeed())
			Expect(vms.Destroy(env.ctx, "8d6e2a1e-1111-2222-3333-444455556666", true, jobTimeout)).To(Succeed())
		})

		It("refuses to expunge a VM that was not destroyed", func() {
			vm := env.deploy(env.spec("vm-running"))
			err := env.client.VMs().Expunge(env.ctx, vm.ID, jobTimeout)
			Expect(err).To(HaveOccurred())
			Expect(cloudstack.IsNotFound(err)).To(BeFalse())
			Expect(env.vmState(vm.ID)).To(Equal(cloudstack.VMStateRunning))
		})

		It("deletes the data disks it is given in the same job, whether or not it expunges", func() {
			for _, expunge := range []bool{true, false} {
				vm := env.deploy(env.spec(fmt.Sprintf("vm-doomed-disks-%t", expunge)))
				doomed := env.createDisk(fmt.Sprintf("ephemeral-%t", expunge), 5)
				kept := env.createDisk(fmt.Sprintf("persistent-%t", expunge), 5)
				for _, disk := range []cloudstack.Volume{doomed, kept} {
					_, err := env.client.Volumes().Attach(env.ctx, disk.ID, vm.ID, jobTimeout)
					Expect(err).NotTo(HaveOccurred())
				}

				Expect(env.client.VMs().Destroy(env.ctx, vm.ID, expunge, jobTimeout, doomed.ID)).To(Succeed())
				_, found := env.getVolume(doomed.ID)
				Expect(found).To(BeFalse(), "expunge=%t: the named disk is deleted with the VM", expunge)
				survivor, found := env.getVolume(kept.ID)
				Expect(found).To(BeTrue(), "expunge=%t: a disk not named survives", expunge)
				Expect(survivor.Gone()).To(BeFalse())
			}
		})

		It("keeps an attached persistent disk, detached, when the VM is expunged", func() {
			vm := env.deploy(env.spec("vm-with-disk"))
			disk := env.createDisk("persistent", 5)
			_, err := env.client.Volumes().Attach(env.ctx, disk.ID, vm.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())

			Expect(env.client.VMs().Destroy(env.ctx, vm.ID, true, jobTimeout)).To(Succeed())
			_, found := env.getVM(vm.ID)
			Expect(found).To(BeFalse())
			survivor, found := env.getVolume(disk.ID)
			Expect(found).To(BeTrue())
			Expect(survivor.Attached()).To(BeFalse())
			Expect(survivor.Gone()).To(BeFalse())
		})
	})
})
