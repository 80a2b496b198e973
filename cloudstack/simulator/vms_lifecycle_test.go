package simulator_test

import (
	"encoding/base64"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// expungedVMs records the hook calls of OnVMExpunged, registered once for the test binary as
// the public-IP family registers its own. Hooks run under the server's lock; read it with
// expungeHookCalls.
var expungedVMs = map[string]int{}

func expungeHookCalls(s *sim, vmID string) int {
	n := 0
	s.Server.Do(func(*simulator.Store) { n = expungedVMs[vmID] })
	return n
}

func init() {
	simulator.OnVMExpunged(func(st *simulator.Store, vmID string) {
		if _, live := simulator.LookupVM(st, vmID); !live {
			expungedVMs[vmID]++
		}
	})
}

var _ = Describe("VM lifecycle", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	It("stops, starts, reboots, destroys, recovers and expunges with CloudStack's state rules", func() {
		id := s.deployed(map[string]string{"name": "vm"})
		Expect(s.vm(id)).To(HaveKey("hostid"))

		code, text := failure(s.runJob("startVirtualMachine", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(ContainSubstring("is already running"))

		stopped := result(s.runJob("stopVirtualMachine", map[string]string{"id": id, "forced": "true"}), "virtualmachine")
		Expect(stopped["state"]).To(Equal("Stopped"))
		Expect(stopped).NotTo(HaveKey("hostid"))
		Expect(result(s.runJob("stopVirtualMachine", map[string]string{"id": id}), "virtualmachine")["state"]).To(Equal("Stopped"), "stopping a stopped VM is a no-op")
		code, _ = failure(s.runJob("rebootVirtualMachine", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))

		Expect(result(s.runJob("startVirtualMachine", map[string]string{"id": id}), "virtualmachine")["state"]).To(Equal("Running"))
		Expect(result(s.runJob("rebootVirtualMachine", map[string]string{"id": id}), "virtualmachine")["state"]).To(Equal("Running"))

		Expect(s.apiError("recoverVirtualMachine", map[string]string{"id": id}, 431)["errortext"]).To(Equal("Vm with specified id is not in the right state"))
		code, _ = failure(s.runJob("expungeVirtualMachine", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))

		destroyed := result(s.runJob("destroyVirtualMachine", map[string]string{"id": id}), "virtualmachine")
		Expect(destroyed["state"]).To(Equal("Destroyed"))
		Expect(s.vm(id)["state"]).To(Equal("Destroyed"), "Destroyed VMs are still listed")
		Expect(s.ok("listVirtualMachines", map[string]string{"state": "Present"})).To(Equal(map[string]any{}))
		root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id}), "volume")[0]
		Expect(root).To(And(HaveKeyWithValue("state", "Destroy"), HaveKeyWithValue("destroyed", true)))

		recovered := s.ok("recoverVirtualMachine", map[string]string{"id": id})["virtualmachine"].(map[string]any)
		Expect(recovered["state"]).To(Equal("Stopped"))
		Expect(s.volume(root["id"].(string))["state"]).To(Equal("Ready"))

		s.runJob("destroyVirtualMachine", map[string]string{"id": id})
		Expect(s.runJob("expungeVirtualMachine", map[string]string{"id": id})["jobresult"]).To(Equal(map[string]any{"success": true}))
		Expect(s.ok("listVirtualMachines", map[string]string{"id": id})).To(Equal(map[string]any{}), "an expunged VM's id still resolves")
		Expect(s.volume(root["id"].(string))).To(BeNil(), "the ROOT volume goes with the VM")
		Expect(expungeHookCalls(s, id)).To(Equal(1))

		code, _ = failure(s.runJob("startVirtualMachine", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))
		s.apiError("recoverVirtualMachine", map[string]string{"id": id}, 431)
		s.apiError("stopVirtualMachine", map[string]string{"id": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
		s.apiError("stopVirtualMachine", nil, 431)
	})

	It("expunges at once with expunge=true, dropping tags and detaching the data disks not named in volumeids", func() {
		custom := s.firstID("listDiskOfferings", "diskoffering", "custom")
		id := s.deployed(map[string]string{"name": "vm", "diskofferingid": custom, "size": "10"})
		extra := s.newVolume("5")
		s.runJob("attachVolume", map[string]string{"id": extra, "virtualmachineid": id})
		kept := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id, "name": "DATA-1"}), "volume")[0]["id"].(string)
		s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "UserVm", "tags[0].key": "director", "tags[0].value": "d"})

		gone := result(s.runJob("destroyVirtualMachine", map[string]string{"id": id, "expunge": "true", "volumeids": extra}), "virtualmachine")
		Expect(gone["state"]).To(Equal("Expunging"))
		Expect(s.vm(id)).To(BeNil())
		Expect(s.volume(extra)).To(BeNil(), "volumeids are deleted with the VM")
		Expect(s.volume(kept)).To(And(Not(HaveKey("virtualmachineid")), Not(HaveKey("deviceid")), HaveKeyWithValue("state", "Ready")))
		Expect(s.ok("listTags", map[string]string{"resourcetype": "UserVm"})).To(Equal(map[string]any{}))
		Expect(expungeHookCalls(s, id)).To(Equal(1))
		code, _ := failure(s.runJob("destroyVirtualMachine", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))
	})

	It("lists with CloudStack's filters: exact name, ids, state, tags, keyword, network, detail groups", func() {
		a := s.deployed(map[string]string{"name": "web-0", "displayname": "frontend"})
		b := s.deployed(map[string]string{"name": "web-1"})
		c := s.deployed(map[string]string{"name": "db-0", "startvm": "false"})
		s.runJob("createTags", map[string]string{"resourceids": a + "," + c, "resourcetype": "UserVm", "tags[0].key": "job", "tags[0].value": "x"})

		Expect(s.ok("listVirtualMachines", nil)["count"]).To(BeNumerically("==", 3))
		Expect(items(s.ok("listVirtualMachines", map[string]string{"name": "web-0"}), "virtualmachine")).To(ConsistOf(HaveKeyWithValue("id", a)))
		Expect(s.ok("listVirtualMachines", map[string]string{"name": "web"})).To(Equal(map[string]any{}), "name is exact")
		Expect(s.ok("listVirtualMachines", map[string]string{"keyword": "FRONT"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVirtualMachines", map[string]string{"keyword": "10.1.1.3"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVirtualMachines", map[string]string{"ids": a + "," + b})["count"]).To(BeNumerically("==", 2))
		Expect(items(s.ok("listVirtualMachines", map[string]string{"state": "stopped"}), "virtualmachine")).To(ConsistOf(HaveKeyWithValue("id", c)))
		Expect(s.ok("listVirtualMachines", map[string]string{"tags[0].key": "job", "tags[0].value": "x"})["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listVirtualMachines", map[string]string{"networkid": s.firstID("listNetworks", "network", "zone1-shared")})).To(Equal(map[string]any{}))
		Expect(s.ok("listVirtualMachines", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone2")})).To(Equal(map[string]any{}))
		Expect(s.ok("listVirtualMachines", map[string]string{"pagesize": "2", "page": "2"})["count"]).To(BeNumerically("==", 3))

		minimal := items(s.ok("listVirtualMachines", map[string]string{"id": a, "details": "min"}), "virtualmachine")[0]
		Expect(minimal).To(HaveKey("nic"))
		Expect(minimal).NotTo(HaveKey("cpuused"))
		Expect(minimal).NotTo(HaveKey("templateid"))
		Expect(minimal).NotTo(HaveKey("securitygroup"))
		stats := items(s.ok("listVirtualMachines", map[string]string{"id": a, "details": "stats,tmpl"}), "virtualmachine")[0]
		Expect(stats).To(And(HaveKey("cpuused"), HaveKey("templateid"), Not(HaveKey("nic"))))
		s.apiError("listVirtualMachines", map[string]string{"details": "everything"}, 431)
	})

	It("updates the display name and refuses updates of a VM in Error", func() {
		id := s.deployed(map[string]string{"name": "vm"})
		updated := s.ok("updateVirtualMachine", map[string]string{"id": id, "displayname": "New Name"})["virtualmachine"].(map[string]any)
		Expect(updated["displayname"]).To(Equal("New Name"))
		Expect(updated["name"]).To(Equal("vm"))
		s.apiError("updateVirtualMachine", map[string]string{"id": id, "userdata": "%%%"}, 431)

		Expect(s.Server.SetFaults(simulator.FaultConfig{Capacity: map[string]int{"vm": 0}})).To(Succeed())
		broken, _ := s.deploy(map[string]string{"name": "broken"})
		s.apiError("updateVirtualMachine", map[string]string{"id": broken, "displayname": "x"}, 431)
	})

	It("queues jobs on one VM behind each other, on the manual clock", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelay = 10 * time.Second })
		deploy := s.ok("deployVirtualMachine", s.deployParams(map[string]string{"name": "q"}))
		id := deploy["id"].(string)
		Expect(s.vm(id)["state"]).To(Equal("Starting"), "the create phase made the VM")
		stop := s.ok("stopVirtualMachine", map[string]string{"id": id})
		start := s.ok("startVirtualMachine", map[string]string{"id": id})
		other := s.ok("deployVirtualMachine", s.deployParams(map[string]string{"name": "other"}))

		s.Clock.Advance(10 * time.Second)
		Expect(s.job(deploy["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.job(other["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1), "another VM's job runs in parallel")
		Expect(s.job(stop["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 0), "waits for the deploy")
		Expect(s.vm(id)["state"]).To(Equal("Running"))

		s.Clock.Advance(10 * time.Second)
		Expect(result(s.job(stop["jobid"].(string)), "virtualmachine")["state"]).To(Equal("Stopped"))
		Expect(s.job(start["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 0))
		s.Clock.Advance(10 * time.Second)
		Expect(result(s.job(start["jobid"].(string)), "virtualmachine")["state"]).To(Equal("Running"))
	})

	Describe("failed deploys", func() {
		It("fails the job with 533 when the vm capacity is exhausted and leaves the VM in Error until it is destroyed", func() {
			s := startSim(func(o *simulator.Options) { o.Faults = simulator.FaultConfig{Capacity: map[string]int{"vm": 1}} })
			s.deployed(map[string]string{"name": "fits"})
			id, job := s.deploy(map[string]string{"name": "too-many", "iptonetworklist[0].networkid": s.firstID("listNetworks", "network", "zone1-isolated"),
				"iptonetworklist[0].ip": "10.1.1.77"})
			code, text := failure(job)
			Expect(code).To(BeNumerically("==", 533))
			Expect(text).To(Equal("Unable to create a deployment for VM[User|i-2-2-VM]"))
			Expect(s.vm(id)).To(HaveKeyWithValue("state", "Error"))
			Expect(s.vm(id)).NotTo(HaveKey("hostid"))
			inv, err := s.Server.Inventory()
			Expect(err).NotTo(HaveOccurred())
			Expect(inv["virtualmachines"]).To(HaveLen(2), "an Error VM is still there")
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "again", "iptonetworklist[0].networkid": s.firstID("listNetworks", "network", "zone1-isolated"),
				"iptonetworklist[0].ip": "10.1.1.77"}), 533)

			// Destroying a VM in Error expunges it, freeing its name and address.
			Expect(result(s.runJob("destroyVirtualMachine", map[string]string{"id": id}), "virtualmachine")["state"]).To(Equal("Expunging"))
			Expect(s.vm(id)).To(BeNil())
			inv, err = s.Server.Inventory()
			Expect(err).NotTo(HaveOccurred())
			Expect(inv["virtualmachines"]).To(HaveLen(1))
			Expect(inv["volumes"]).To(HaveLen(1), "its ROOT volume went with it")
		})

		It("leaves the VM in Error when a fault rule fails the deploy job", func() {
			Expect(s.Server.AddFault(simulator.FaultRule{Command: "deployVirtualMachine", Kind: "job", ErrorCode: 533, Message: "no host"})).To(Succeed())
			id, job := s.deploy(map[string]string{"name": "faulty"})
			_, text := failure(job)
			Expect(text).To(Equal("no host"))
			Expect(s.vm(id)["state"]).To(Equal("Error"))
			Expect(expungeHookCalls(s, id)).To(Equal(0))
			Expect(s.runJob("expungeVirtualMachine", map[string]string{"id": id})["jobstatus"]).To(BeNumerically("==", 1))
		})
	})

	It("survives a save and reload with its addresses, disks and user-data", func() {
		path := filepath.Join(GinkgoT().TempDir(), "state.json")
		s := startSim(func(o *simulator.Options) { o.StatePath = path })
		id := s.deployed(map[string]string{"name": "kept", "userdata": base64.StdEncoding.EncodeToString([]byte("ud")),
			"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "small")})
		before := s.vm(id)
		Expect(s.Server.SaveState("")).To(Succeed())

		again := startSim(func(o *simulator.Options) { o.StatePath = path })
		Expect(again.vm(id)).To(Equal(before))
		Expect(again.ok("listVolumes", map[string]string{"virtualmachineid": id})["count"]).To(BeNumerically("==", 2))
		Expect(again.Server.UserData()).To(HaveKeyWithValue(id, "ud"))
		again.apiError("deployVirtualMachine", again.deployParams(map[string]string{"name": "kept"}), 431)
		next := again.deployed(map[string]string{"name": "next"})
		Expect(again.vm(next)["nic"].([]any)[0]).To(HaveKeyWithValue("ipaddress", "10.1.1.3"))
		Expect(again.vm(next)["instancename"]).To(Equal("i-2-2-VM"))
	})

	It("keeps every live VM, volume and snapshot in the inventory, and the user-data on /admin/userdata", func() {
		id := s.deployed(map[string]string{"name": "inv", "userdata": base64.StdEncoding.EncodeToString([]byte("#cloud-config"))})
		root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id}), "volume")[0]["id"].(string)
		s.runJob("createSnapshot", map[string]string{"volumeid": root})
		inv, err := s.Server.Inventory()
		Expect(err).NotTo(HaveOccurred())
		Expect(inv["virtualmachines"]).To(HaveLen(1))
		Expect(inv["volumes"]).To(HaveLen(1))
		Expect(inv["snapshots"]).To(HaveLen(1))
		Expect(inv["networks"]).To(HaveLen(4))
		Expect(s.Server.UserData()).To(Equal(map[string]string{id: "#cloud-config"}))
	})
})
