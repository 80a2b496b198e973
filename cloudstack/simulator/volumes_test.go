package simulator_test

import (
	"encoding/base64"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("volumes", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	attach := func(s *sim, volume, vm string) map[string]any {
		return s.runJob("attachVolume", map[string]string{"id": volume, "virtualmachineid": vm})
	}
	deviceOf := func(job map[string]any) float64 { return result(job, "volume")["deviceid"].(float64) }

	It("runs the whole VM lifecycle: data disk at deploy, device ids 1,2,4..., the data-disk limit, deletes refused while attached", func() {
		userData := `{"vm":{"name":"vm-1"},"disks":{"persistent":{}}}`
		vm := s.deployed(map[string]string{"name": "vm-1", "userdata": base64.StdEncoding.EncodeToString([]byte(userData)),
			"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "small")})
		Expect(s.Server.UserData()).To(HaveKeyWithValue(vm, userData))
		data := items(s.ok("listVolumes", map[string]string{"virtualmachineid": vm, "type": "DATADISK"}), "volume")
		Expect(data).To(ConsistOf(HaveKeyWithValue("deviceid", 1.0)))

		second, third := s.newVolume("20"), s.newVolume("30")
		Expect(s.volume(second)).To(And(HaveKeyWithValue("state", "Allocated"), Not(HaveKey("virtualmachineid"))))
		Expect(deviceOf(attach(s, second, vm))).To(Equal(2.0))
		Expect(deviceOf(attach(s, third, vm))).To(Equal(4.0), "3 is the CD-ROM's")
		attached := s.volume(third)
		Expect(attached).To(And(HaveKeyWithValue("virtualmachineid", vm), HaveKeyWithValue("vmname", "vm-1"),
			HaveKeyWithValue("vmstate", "Running"), HaveKeyWithValue("state", "Ready"), HaveKey("attached")))

		Expect(s.apiError("deleteVolume", map[string]string{"id": second}, 431)["errortext"]).
			To(Equal("Please specify a volume that is not attached to any VM."))
		detached := result(s.runJob("detachVolume", map[string]string{"id": second}), "volume")
		Expect(detached).NotTo(HaveKey("virtualmachineid"))
		Expect(detached).NotTo(HaveKey("deviceid"))
		Expect(detached["state"]).To(Equal("Ready"), "a detached volume keeps its storage")
		Expect(deviceOf(attach(s, s.newVolume("1"), vm))).To(Equal(2.0), "the lowest free id again")

		// XenServer allows six data disks: ids 1, 2, 4, 5, 6, 7.
		Expect(deviceOf(attach(s, s.newVolume("1"), vm))).To(Equal(5.0))
		Expect(deviceOf(attach(s, s.newVolume("1"), vm))).To(Equal(6.0))
		Expect(deviceOf(attach(s, s.newVolume("1"), vm))).To(Equal(7.0))
		code, text := failure(attach(s, second, vm))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(Equal("The specified VM already has the maximum number of data disks (6). Please specify another VM."))
		Expect(s.ok("listVolumes", map[string]string{"virtualmachineid": vm})["count"]).To(BeNumerically("==", 7))

		Expect(s.ok("deleteVolume", map[string]string{"id": second})).To(Equal(map[string]any{"success": true}))
		Expect(s.volume(second)).To(BeNil())
		s.apiError("deleteVolume", map[string]string{"id": second}, 431)

		// Destroyed but not expunged: the disks stay attached and cannot be deleted.
		s.runJob("destroyVirtualMachine", map[string]string{"id": vm})
		Expect(s.volume(third)).To(And(HaveKeyWithValue("virtualmachineid", vm), HaveKeyWithValue("vmstate", "Destroyed")))
		s.apiError("deleteVolume", map[string]string{"id": third}, 431)
		s.runJob("expungeVirtualMachine", map[string]string{"id": vm})
		Expect(s.volume(third)).NotTo(HaveKey("virtualmachineid"))
		Expect(s.ok("deleteVolume", map[string]string{"id": third})).To(Equal(map[string]any{"success": true}))
		Expect(s.Server.UserData()).NotTo(HaveKey(vm))

		// A full cloud: the next deploy fails with 533 and leaves its VM in Error.
		Expect(s.Server.SetFaults(simulator.FaultConfig{Capacity: map[string]int{"vm": 0}})).To(Succeed())
		failed, job := s.deploy(map[string]string{"name": "vm-2"})
		code, _ = failure(job)
		Expect(code).To(BeNumerically("==", 533))
		Expect(s.vm(failed)["state"]).To(Equal("Error"))
	})

	It("keeps a volume Allocated when attached to a stopped VM, until the VM starts", func() {
		vm := s.deployed(map[string]string{"name": "vm"})
		s.runJob("stopVirtualMachine", map[string]string{"id": vm})
		v := s.newVolume("5")
		Expect(result(attach(s, v, vm), "volume")).To(And(HaveKeyWithValue("state", "Allocated"), HaveKeyWithValue("deviceid", 1.0)))
		s.runJob("startVirtualMachine", map[string]string{"id": vm})
		Expect(s.volume(v)["state"]).To(Equal("Ready"))
	})

	It("checks attach rules inside the job", func() {
		vm := s.deployed(map[string]string{"name": "vm"})
		v := s.newVolume("5")
		code, text := failure(s.runJob("attachVolume", map[string]string{"id": v, "virtualmachineid": vm, "deviceid": "3"}))
		Expect(code).To(BeNumerically("==", 530))
		Expect(text).To(Equal("deviceId should be 0,1,2,4-7"))
		Expect(deviceOf(s.runJob("attachVolume", map[string]string{"id": v, "virtualmachineid": vm, "deviceid": "5"}))).To(Equal(5.0))
		code, text = failure(attach(s, v, vm))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(Equal("Please specify a volume that is not attached to any VM."))
		_, text = failure(s.runJob("attachVolume", map[string]string{"id": s.newVolume("5"), "virtualmachineid": vm, "deviceid": "5"}))
		Expect(text).To(ContainSubstring("deviceId 5 is used"))

		other := s.runJob("createVolume", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone2"),
			"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "small")})
		_, text = failure(attach(s, result(other, "volume")["id"].(string), vm))
		Expect(text).To(Equal("Please specify a VM that is in the same zone as the volume."))

		s.runJob("destroyVirtualMachine", map[string]string{"id": vm})
		_, text = failure(attach(s, s.newVolume("5"), vm))
		Expect(text).To(Equal("Please specify a VM that is either running or stopped."))
		s.apiError("attachVolume", map[string]string{"id": v}, 431)
	})

	It("allows 6 data disks on KVM too, and queues attaches behind the VM's other jobs", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelays = map[string]time.Duration{"stopVirtualMachine": time.Minute} })
		vm := s.deployed(map[string]string{"name": "kvm", "zoneid": s.firstID("listZones", "zone", "zone2"), "templateid": simulator.TestTemplateKVM})
		volume := result(s.runJob("createVolume", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone2"),
			"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "small")}), "volume")["id"].(string)
		stop := s.ok("stopVirtualMachine", map[string]string{"id": vm})
		attachJob := s.ok("attachVolume", map[string]string{"id": volume, "virtualmachineid": vm})
		Expect(s.job(attachJob["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 0), "queued behind the stop")
		s.Clock.Advance(time.Minute)
		Expect(s.job(stop["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		Expect(result(s.job(attachJob["jobid"].(string)), "volume")).To(And(HaveKeyWithValue("vmstate", "Stopped"), HaveKeyWithValue("state", "Allocated")))
	})

	It("detaches by virtualmachineid and deviceid, and refuses the ROOT volume and unattached volumes", func() {
		vm := s.deployed(map[string]string{"name": "vm"})
		v := s.newVolume("5")
		attach(s, v, vm)
		Expect(result(s.runJob("detachVolume", map[string]string{"virtualmachineid": vm, "deviceid": "1"}), "volume")["id"]).To(Equal(v))
		_, text := failure(s.runJob("detachVolume", map[string]string{"id": v}))
		Expect(text).To(Equal("The specified volume is not attached to a VM."))
		root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": vm, "type": "ROOT"}), "volume")[0]["id"].(string)
		code, text := failure(s.runJob("detachVolume", map[string]string{"id": root}))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(Equal("Please specify a data volume."))
		Expect(s.apiError("detachVolume", map[string]string{"virtualmachineid": vm}, 431)["errortext"]).
			To(Equal("Please provide either a volume id, or a tuple(device id, instance id)"))
		s.apiError("detachVolume", map[string]string{"id": v, "virtualmachineid": vm, "deviceid": "1"}, 431)
	})

	Describe("createVolume", func() {
		var zone, custom, small string
		BeforeEach(func() {
			zone = s.firstID("listZones", "zone", "zone1")
			custom = s.firstID("listDiskOfferings", "diskoffering", "custom")
			small = s.firstID("listDiskOfferings", "diskoffering", "small")
		})

		It("creates an Allocated volume in its create phase, named after the parameter or a UUID", func() {
			first := s.ok("createVolume", map[string]string{"zoneid": zone, "diskofferingid": small})
			Expect(first).To(HaveKey("id"))
			v := result(s.job(first["jobid"].(string)), "volume")
			Expect(v).To(And(HaveKeyWithValue("id", first["id"]), HaveKeyWithValue("type", "DATADISK"), HaveKeyWithValue("state", "Allocated"),
				HaveKeyWithValue("size", float64(10<<30)), HaveKeyWithValue("hypervisor", "None"), HaveKeyWithValue("diskofferingname", "small")))
			Expect(v["name"]).To(MatchRegexp(`^[0-9a-f-]{36}$`))
			Expect(v).NotTo(HaveKey("deviceid"))
		})

		It("applies the size rules synchronously", func() {
			Expect(s.apiError("createVolume", map[string]string{"zoneid": zone, "diskofferingid": custom}, 431)["errortext"]).
				To(Equal("This disk offering requires a custom size specified"))
			Expect(s.apiError("createVolume", map[string]string{"zoneid": zone, "diskofferingid": small, "size": "5"}, 431)["errortext"]).
				To(Equal("This disk offering does not allow custom size"))
			Expect(s.apiError("createVolume", map[string]string{"zoneid": zone, "diskofferingid": custom, "size": "2048"}, 431)["errortext"]).
				To(Equal("Volume size: 2048 GB is out of allowed range. Min: 1. Max: 1024"))
			s.apiError("createVolume", map[string]string{"zoneid": zone, "diskofferingid": custom, "size": "0"}, 431)
			Expect(s.apiError("createVolume", map[string]string{"zoneid": zone}, 431)["errortext"]).
				To(Equal("At least one of disk Offering ID or snapshot ID must be passed whilst creating volume"))
			s.apiError("createVolume", map[string]string{"diskofferingid": small}, 431)
			Expect(s.ok("listVolumes", nil)).To(Equal(map[string]any{}))
		})

		It("attaches the new volume when virtualmachineid is given, in the VM's zone", func() {
			vm := s.deployed(map[string]string{"name": "vm"})
			v := result(s.runJob("createVolume", map[string]string{"diskofferingid": small, "virtualmachineid": vm}), "volume")
			Expect(v).To(And(HaveKeyWithValue("virtualmachineid", vm), HaveKeyWithValue("deviceid", 1.0), HaveKeyWithValue("state", "Ready")))

			s.runJob("destroyVirtualMachine", map[string]string{"id": vm})
			job := s.runJob("createVolume", map[string]string{"diskofferingid": small, "virtualmachineid": vm})
			code, text := failure(job)
			Expect(code).To(BeNumerically("==", 530))
			Expect(text).To(HaveSuffix("due to error: Please specify a VM that is either running or stopped."))
		})

		It("fails the job with 533 and leaves nothing when the volume capacity is exhausted", func() {
			Expect(s.Server.SetFaults(simulator.FaultConfig{Capacity: map[string]int{"volume": 1}})).To(Succeed())
			s.newVolume("5")
			first := s.ok("createVolume", map[string]string{"zoneid": zone, "diskofferingid": small})
			code, _ := failure(s.job(first["jobid"].(string)))
			Expect(code).To(BeNumerically("==", 533))
			Expect(s.volume(first["id"].(string))).To(BeNil())
			Expect(s.ok("listVolumes", nil)["count"]).To(BeNumerically("==", 1))
		})
	})

	Describe("resizeVolume", func() {
		resize := func(s *sim, params map[string]string) map[string]any { return s.runJob("resizeVolume", params) }

		It("grows and, with shrinkok only, shrinks", func() {
			v := s.newVolume("20")
			Expect(result(resize(s, map[string]string{"id": v, "size": "30"}), "volume")["size"]).To(Equal(float64(30 << 30)))
			code, text := failure(resize(s, map[string]string{"id": v, "size": "10"}))
			Expect(code).To(BeNumerically("==", 431))
			Expect(text).To(Equal("Going from existing size of 32212254720 to size of 10737418240 would shrink the volume.Need to sign off by supplying the shrinkok parameter with value of true."))
			Expect(result(resize(s, map[string]string{"id": v, "size": "10", "shrinkok": "true"}), "volume")["size"]).To(Equal(float64(10 << 30)))
			_, text = failure(resize(s, map[string]string{"id": v, "size": "4096"}))
			Expect(text).To(Equal("Volume size: 4096 GB is out of allowed range. Min: 1. Max: 1024"))
		})

		It("switches disk offerings with their size rules", func() {
			v := s.newVolume("5")
			small, medium := s.firstID("listDiskOfferings", "diskoffering", "small"), s.firstID("listDiskOfferings", "diskoffering", "medium")
			grown := result(resize(s, map[string]string{"id": v, "diskofferingid": medium}), "volume")
			Expect(grown).To(And(HaveKeyWithValue("size", float64(50<<30)), HaveKeyWithValue("diskofferingname", "medium")))
			_, text := failure(resize(s, map[string]string{"id": v, "diskofferingid": small, "size": "20"}))
			Expect(text).To(Equal("You cannot pass in a custom disk size to a non-custom disk offering."))
			_, text = failure(resize(s, map[string]string{"id": v, "diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "custom")}))
			Expect(text).To(Equal("The new disk offering requires that a size be specified."))
		})

		It("refuses to resize a created disk of a running XenServer VM, but not on KVM or when the VM is stopped", func() {
			xen := s.deployed(map[string]string{"name": "xen"})
			v := s.newVolume("5")
			attach(s, v, xen)
			code, text := failure(resize(s, map[string]string{"id": v, "size": "10"}))
			Expect(code).To(BeNumerically("==", 431))
			Expect(text).To(Equal("The VM must be stopped or the disk detached in order to resize with the XenServer Hypervisor."))
			s.runJob("stopVirtualMachine", map[string]string{"id": xen})
			Expect(result(resize(s, map[string]string{"id": v, "size": "10"}), "volume")["size"]).To(Equal(float64(10 << 30)))

			zone2 := s.firstID("listZones", "zone", "zone2")
			kvm := s.deployed(map[string]string{"name": "kvm", "zoneid": zone2, "templateid": simulator.TestTemplateKVM})
			kv := result(s.runJob("createVolume", map[string]string{"zoneid": zone2, "size": "5",
				"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "custom")}), "volume")["id"].(string)
			attach(s, kv, kvm)
			Expect(result(resize(s, map[string]string{"id": kv, "size": "10"}), "volume")["size"]).To(Equal(float64(10 << 30)))
		})
	})

	It("lists by type, zone, keyword and tag, hides deleted volumes and can be tagged", func() {
		vm := s.deployed(map[string]string{"name": "vm"})
		v := s.newVolume("5")
		Expect(s.ok("listVolumes", map[string]string{"type": "ROOT"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVolumes", map[string]string{"type": "DATADISK"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVolumes", map[string]string{"keyword": "root"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVolumes", map[string]string{"name": "data"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listVolumes", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone2")})).To(Equal(map[string]any{}))
		Expect(s.ok("listVolumes", map[string]string{"virtualmachineid": vm})["count"]).To(BeNumerically("==", 1))
		s.runJob("createTags", map[string]string{"resourceids": v, "resourcetype": "Volume", "tags[0].key": "disk", "tags[0].value": "persistent"})
		Expect(items(s.ok("listVolumes", map[string]string{"tags[0].key": "disk"}), "volume")).To(ConsistOf(HaveKeyWithValue("id", v)))
		Expect(s.volume(v)["tags"]).To(ConsistOf(HaveKeyWithValue("key", "disk")))
		s.ok("deleteVolume", map[string]string{"id": v})
		Expect(s.ok("listVolumes", map[string]string{"id": v})).To(Equal(map[string]any{}), "a deleted volume's id still resolves")
		Expect(s.ok("listTags", map[string]string{"resourcetype": "Volume"})).To(Equal(map[string]any{}))
	})
})
