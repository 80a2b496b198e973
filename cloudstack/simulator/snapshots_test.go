package simulator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("snapshots", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	rootOf := func(s *sim, vm string) string {
		return items(s.ok("listVolumes", map[string]string{"virtualmachineid": vm, "type": "ROOT"}), "volume")[0]["id"].(string)
	}

	It("snapshots a Ready volume, lists, tags and deletes it", func() {
		vm := s.deployed(map[string]string{"name": "vm", "displayname": "web"})
		root := rootOf(s, vm)
		first := s.ok("createSnapshot", map[string]string{"volumeid": root})
		Expect(first).To(HaveKey("id"))
		job := s.job(first["jobid"].(string))
		Expect(job["jobinstancetype"]).To(Equal("Snapshot"))
		snap := result(job, "snapshot")
		Expect(snap).To(And(HaveKeyWithValue("id", first["id"]), HaveKeyWithValue("state", "BackedUp"), HaveKeyWithValue("volumeid", root),
			HaveKeyWithValue("volumename", "ROOT-1"), HaveKeyWithValue("volumetype", "ROOT"), HaveKeyWithValue("snapshottype", "MANUAL"),
			HaveKeyWithValue("virtualsize", float64(5<<30)), HaveKeyWithValue("name", "web_ROOT-1_20240501120000")))

		named := result(s.runJob("createSnapshot", map[string]string{"volumeid": root, "name": "before-upgrade"}), "snapshot")["id"].(string)
		Expect(s.ok("listSnapshots", map[string]string{"volumeid": root})["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listSnapshots", map[string]string{"name": "before-upgrade"})["count"]).To(BeNumerically("==", 1))
		s.runJob("createTags", map[string]string{"resourceids": named, "resourcetype": "Snapshot", "tags[0].key": "k", "tags[0].value": "v"})
		Expect(items(s.ok("listSnapshots", map[string]string{"tags[0].key": "k"}), "snapshot")).To(ConsistOf(HaveKeyWithValue("id", named)))

		Expect(s.runJob("deleteSnapshot", map[string]string{"id": named})["jobresult"]).To(Equal(map[string]any{"success": true}))
		Expect(s.ok("listSnapshots", map[string]string{"id": named})).To(Equal(map[string]any{}))
		code, _ := failure(s.runJob("deleteSnapshot", map[string]string{"id": named}))
		Expect(code).To(BeNumerically("==", 431))
		s.apiError("deleteSnapshot", map[string]string{"id": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
	})

	It("refuses a volume that is not Ready in the create phase", func() {
		v := s.newVolume("5")
		body := s.apiError("createSnapshot", map[string]string{"volumeid": v}, 431)
		Expect(body["errortext"]).To(Equal("VolumeId: " + v + " is not in Ready state but Allocated. Cannot take snapshot."))
		s.apiError("createSnapshot", nil, 431)
		Expect(s.ok("listSnapshots", nil)).To(Equal(map[string]any{}))
	})

	It("names snapshots of detached volumes after 'detached', and queues them behind the VM's jobs", func() {
		s := startSim(func(o *simulator.Options) {
			o.JobDelays = map[string]time.Duration{"rebootVirtualMachine": time.Minute}
		})
		vm := s.deployed(map[string]string{"name": "vm"})
		v := s.newVolume("5")
		s.runJob("attachVolume", map[string]string{"id": v, "virtualmachineid": vm})
		s.runJob("detachVolume", map[string]string{"id": v})
		Expect(result(s.runJob("createSnapshot", map[string]string{"volumeid": v}), "snapshot")["name"]).To(HavePrefix("detached_data_"))

		reboot := s.ok("rebootVirtualMachine", map[string]string{"id": vm})
		snap := s.ok("createSnapshot", map[string]string{"volumeid": rootOf(s, vm)})
		Expect(items(s.ok("listSnapshots", map[string]string{"id": snap["id"].(string)}), "snapshot")[0]["state"]).To(Equal("Allocated"))
		s.Clock.Advance(time.Minute)
		Expect(s.job(reboot["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		Expect(result(s.job(snap["jobid"].(string)), "snapshot")["state"]).To(Equal("BackedUp"))
	})

	It("marks a snapshot whose job a fault rule failed as Error", func() {
		vm := s.deployed(map[string]string{"name": "vm"})
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "createSnapshot", Kind: "job", ErrorCode: 530})).To(Succeed())
		first := s.ok("createSnapshot", map[string]string{"volumeid": rootOf(s, vm)})
		failure(s.job(first["jobid"].(string)))
		Expect(items(s.ok("listSnapshots", map[string]string{"id": first["id"].(string)}), "snapshot")[0]["state"]).To(Equal("Error"))
	})
})
