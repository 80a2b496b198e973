package simulator_test

import (
	"encoding/base64"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("deployVirtualMachine", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	It("creates the VM in its create phase and starts it in the job", func() {
		first := s.ok("deployVirtualMachine", s.deployParams(map[string]string{"name": "web-0", "displayname": "Web 0", "keypair": "bosh"}))
		Expect(first).To(HaveKey("jobid"))
		job := s.job(first["jobid"].(string))
		Expect(job).To(And(HaveKeyWithValue("jobinstancetype", "VirtualMachine"), HaveKeyWithValue("jobinstanceid", first["id"]),
			HaveKeyWithValue("cmd", "org.apache.cloudstack.api.command.user.vm.DeployVMCmd")))
		vm := result(job, "virtualmachine")
		Expect(vm).To(And(HaveKeyWithValue("id", first["id"]), HaveKeyWithValue("name", "web-0"), HaveKeyWithValue("displayname", "Web 0"),
			HaveKeyWithValue("state", "Running"), HaveKeyWithValue("keypairs", "bosh"), HaveKeyWithValue("hypervisor", "XenServer"),
			HaveKeyWithValue("templatename", "xen-template"), HaveKeyWithValue("serviceofferingname", "Small Instance"),
			HaveKeyWithValue("cpunumber", 1.0), HaveKeyWithValue("memory", 512.0), HaveKeyWithValue("osdisplayname", "Other PV (64-bit)"),
			HaveKeyWithValue("instancename", "i-2-1-VM"), HaveKeyWithValue("zonename", "zone1")))
		Expect(vm).NotTo(HaveKey("vnfnics"))
		Expect(vm).NotTo(HaveKey("userdata"))
		root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": vm["id"].(string)}), "volume")
		Expect(root).To(ConsistOf(And(HaveKeyWithValue("name", "ROOT-1"), HaveKeyWithValue("type", "ROOT"),
			HaveKeyWithValue("deviceid", 0.0), HaveKeyWithValue("size", float64(5<<30)), HaveKeyWithValue("state", "Ready"))))
	})

	It("names a VM after its display name, or VM-<uuid>, and checks the host name", func() {
		byDisplay := s.deployed(map[string]string{"displayname": "from-display"})
		Expect(s.vm(byDisplay)["name"]).To(Equal("from-display"))
		anonymous := s.deployed(nil)
		Expect(s.vm(anonymous)["name"]).To(MatchRegexp(`^VM-[0-9a-f-]{36}$`))
		Expect(s.vm(anonymous)["displayname"]).To(Equal(s.vm(anonymous)["name"]))
		for _, bad := range []string{"1abc", "-abc", "abc-", "a_b", "with space", strings.Repeat("a", 64)} {
			body := s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": bad}), 431)
			Expect(body["errortext"]).To(HavePrefix("Invalid name. Vm name can contain ASCII letters"), bad)
		}
	})

	It("refuses a host name already used by a live VM of the account, until that VM is expunged", func() {
		a := s.deployed(map[string]string{"name": "dup"})
		body := s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "dup"}), 431)
		Expect(body["errortext"]).To(Equal("The vm with hostName dup already exists in the network domain: cs2cloud.internal; network=zone1-isolated"))
		Expect(body["cserrorcode"]).To(BeNumerically("==", 4350))
		s.runJob("destroyVirtualMachine", map[string]string{"id": a})
		s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "dup"}), 431)
		s.runJob("expungeVirtualMachine", map[string]string{"id": a})
		s.deployed(map[string]string{"name": "dup"})
	})

	It("answers missing and unknown parameters with CloudStack's 431 texts", func() {
		p := s.deployParams(nil)
		delete(p, "zoneid")
		Expect(s.apiError("deployVirtualMachine", p, 431)["errortext"]).
			To(Equal("Unable to execute API command deployvirtualmachine due to missing parameter zoneid"))
		Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"templateid": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}), 431)["errortext"]).
			To(ContainSubstring("Invalid parameter templateid value=8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"))
		Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"keypair": "nope"}), 431)["errortext"]).
			To(Equal("A key pair with name 'nope' was not found."))
	})

	Describe("user-data", func() {
		It("keeps it and shows it decoded on /admin/userdata and base64 with userdata=true", func() {
			payload := `{"agent_id":"a1","mbus":"https://mbus:pw@0.0.0.0:6868"}`
			id := s.deployed(map[string]string{"name": "ud", "userdata": base64.StdEncoding.EncodeToString([]byte(payload))})
			Expect(s.Server.UserData()).To(HaveKeyWithValue(id, payload))
			Expect(s.vm(id)).NotTo(HaveKey("userdata"))
			listed := items(s.ok("listVirtualMachines", map[string]string{"id": id, "userdata": "true"}), "virtualmachine")[0]
			Expect(listed["userdata"]).To(Equal(base64.StdEncoding.EncodeToString([]byte(payload))))

			s.ok("updateVirtualMachine", map[string]string{"id": id, "userdata": base64.RawURLEncoding.EncodeToString([]byte("v2?"))})
			Expect(s.Server.UserData()).To(HaveKeyWithValue(id, "v2?"))
			s.runJob("destroyVirtualMachine", map[string]string{"id": id, "expunge": "true"})
			Expect(s.Server.UserData()).NotTo(HaveKey(id))
		})

		It("enforces CloudStack's limits: base64, at most 32768 characters, not empty", func() {
			max := strings.Repeat("QUFB", 32768/4)
			s.deployed(map[string]string{"name": "max", "userdata": max})
			body := s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "big", "userdata": max + "QUFB"}), 431)
			Expect(body["errortext"]).To(Equal("User data has exceeded configurable max length : 32768"))
			Expect(body["cserrorcode"]).To(BeNumerically("==", 4350))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "userdata": "not base64!"}), 431)["errortext"]).
				To(Equal("User data is not base64 encoded"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "userdata": ""}), 431)["errortext"]).
				To(Equal("User data is too short"))
		})
	})

	Describe("compute offerings", func() {
		custom := func(s *sim) string { return s.firstID("listServiceOfferings", "serviceoffering", "Custom") }
		constrained := func(s *sim) string { return s.firstID("listServiceOfferings", "serviceoffering", "Custom Constrained") }

		It("takes CPU, speed and memory from details for a customized offering", func() {
			id := s.deployed(map[string]string{"name": "c", "serviceofferingid": custom(s),
				"details[0].cpuNumber": "2", "details[1].cpuSpeed": "2000", "details[2].memory": "4096"})
			vm := s.vm(id)
			Expect(vm).To(And(HaveKeyWithValue("cpunumber", 2.0), HaveKeyWithValue("cpuspeed", 2000.0), HaveKeyWithValue("memory", 4096.0)))
			Expect(vm["details"]).To(Equal(map[string]any{"cpuNumber": "2", "cpuSpeed": "2000", "memory": "4096"}))
		})

		It("refuses missing or out-of-range custom values", func() {
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "serviceofferingid": custom(s)}), 431)["errortext"]).
				To(Equal("Need to specify custom parameter values cpu, cpu speed and memory when using custom offering"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "serviceofferingid": custom(s),
				"details[0].cpuNumber": "2", "details[1].memory": "4096"}), 431)["errortext"]).
				To(Equal("Invalid cpu speed value, specify a value between 1 and 2147483647"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "serviceofferingid": constrained(s),
				"details[0].cpuNumber": "16", "details[1].memory": "4096"}), 431)["errortext"]).
				To(Equal("Invalid cpu cores value, specify a value between 1 and 8"))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "serviceofferingid": constrained(s),
				"details[0].cpuNumber": "2", "details[1].memory": "128"}), 431)["errortext"]).
				To(Equal("Invalid memory value, specify a value between 512 and 16384"))
			id := s.deployed(map[string]string{"name": "c", "serviceofferingid": constrained(s), "details[0].cpuNumber": "2", "details[1].memory": "1024"})
			Expect(s.vm(id)["cpuspeed"]).To(Equal(1000.0), "a constrained offering fixes the speed")
		})
	})

	Describe("disks at deploy", func() {
		It("sizes the ROOT disk from rootdisksize (GB), refusing less than the template", func() {
			id := s.deployed(map[string]string{"name": "big-root", "rootdisksize": "20"})
			root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id, "type": "ROOT"}), "volume")[0]
			Expect(root["size"]).To(Equal(float64(20 << 30)))
			Expect(s.vm(id)["details"]).To(Equal(map[string]any{"rootdisksize": "20"}))
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "small-root", "rootdisksize": "4"}), 431)
		})

		It("creates and attaches a DATADISK with deviceid 1 from diskofferingid (+ size when customized)", func() {
			custom := s.firstID("listDiskOfferings", "diskoffering", "custom")
			id := s.deployed(map[string]string{"name": "with-data", "diskofferingid": custom, "size": "30"})
			data := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id, "type": "DATADISK"}), "volume")
			Expect(data).To(ConsistOf(And(HaveKeyWithValue("deviceid", 1.0), HaveKeyWithValue("size", float64(30<<30)),
				HaveKeyWithValue("name", "DATA-1"), HaveKeyWithValue("state", "Ready"), HaveKeyWithValue("diskofferingname", "custom"))))
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "diskofferingid": custom}), 431)["errortext"]).
				To(Equal("This disk offering requires a custom size specified"))
			small := s.firstID("listDiskOfferings", "diskoffering", "small")
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "diskofferingid": small, "size": "5"}), 431)["errortext"]).
				To(Equal("This disk offering does not allow custom size"))
		})
	})

	Describe("affinity and security groups", func() {
		It("joins affinity groups by id or name and leaves them when expunged", func() {
			g := s.runJob("createAffinityGroup", map[string]string{"name": "spread", "type": "host anti-affinity"})
			groupID := result(g, "affinitygroup")["id"].(string)
			a := s.deployed(map[string]string{"name": "a", "affinitygroupids": groupID})
			b := s.deployed(map[string]string{"name": "b", "affinitygroupnames": "spread"})
			Expect(s.vm(a)["affinitygroup"]).To(ConsistOf(HaveKeyWithValue("name", "spread")))
			listed := items(s.ok("listAffinityGroups", map[string]string{"id": groupID}), "affinitygroup")[0]
			Expect(listed["virtualmachineIds"]).To(ConsistOf(a, b))
			Expect(s.ok("listVirtualMachines", map[string]string{"affinitygroupid": groupID})["count"]).To(BeNumerically("==", 2))

			s.runJob("destroyVirtualMachine", map[string]string{"id": a, "expunge": "true"})
			listed = items(s.ok("listAffinityGroups", map[string]string{"id": groupID}), "affinitygroup")[0]
			Expect(listed["virtualmachineIds"]).To(ConsistOf(b))

			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "affinitygroupnames": "nope"}), 431)
			s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "c", "affinitygroupids": groupID, "affinitygroupnames": "spread"}), 431)
		})

		It("refuses security groups in a zone without them", func() {
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "securitygroupnames": "default"}), 431)["errortext"]).
				To(Equal("Can't create vm with security groups; security group feature is not enabled for this zone"))
		})

		It("puts VMs of a security-group zone in the default group, or the ones named", func() {
			seed := simulator.DefaultSeed()
			seed.Zones = append(seed.Zones, simulator.SeedZone{Name: "sgzone", Hypervisor: "XenServer", NetworkType: "Basic", SecurityGroupsEnabled: true})
			seed.Networks = append(seed.Networks, simulator.SeedNetwork{Name: "sg-net", Zone: "sgzone", Type: "Shared", CIDR: "10.9.0.0/16", Gateway: "10.9.0.1"})
			seed.SecurityGroups = []simulator.SeedSecurityGroup{{Name: "bosh"}}
			s := startSim(func(o *simulator.Options) { o.Seed = seed })
			zone := s.firstID("listZones", "zone", "sgzone")
			plain := s.deployed(map[string]string{"name": "plain", "zoneid": zone})
			Expect(s.vm(plain)["securitygroup"]).To(ConsistOf(HaveKeyWithValue("name", "default")))
			Expect(s.vm(plain)["nic"].([]any)[0]).To(HaveKeyWithValue("ipaddress", "10.9.0.2"))
			named := s.deployed(map[string]string{"name": "named", "zoneid": zone, "securitygroupnames": "bosh"})
			Expect(s.vm(named)["securitygroup"]).To(ConsistOf(HaveKeyWithValue("name", "bosh")))
			sg := items(s.ok("listSecurityGroups", map[string]string{"securitygroupname": "bosh"}), "securitygroup")[0]
			Expect(sg["virtualmachineids"]).To(ConsistOf(named))
			s.runJob("destroyVirtualMachine", map[string]string{"id": named, "expunge": "true"})
			sg = items(s.ok("listSecurityGroups", map[string]string{"securitygroupname": "bosh"}), "securitygroup")[0]
			Expect(sg["virtualmachinecount"]).To(BeNumerically("==", 0))
		})
	})

	Describe("templates", func() {
		It("refuses a hypervisor parameter that differs from the template's, synchronously", func() {
			Expect(s.apiError("deployVirtualMachine", s.deployParams(map[string]string{"name": "x", "hypervisor": "KVM"}), 431)["errortext"]).
				To(Equal("Hypervisor passed to the deployVm call, is different from the hypervisor type of the template"))
		})

		It("fails the job with 533 and leaves the VM in Error when the template is for another hypervisor", func() {
			id, job := s.deploy(map[string]string{"name": "kvm-on-xen", "templateid": simulator.TestTemplateKVM})
			code, text := failure(job)
			Expect(code).To(BeNumerically("==", 533))
			Expect(text).To(Equal("Unable to create a deployment for VM[User|i-2-1-VM]"))
			Expect(s.vm(id)["state"]).To(Equal("Error"))
		})

		It("fails the job with 530 and leaves the VM in Error when the template is not ready", func() {
			id, job := s.deploy(map[string]string{"name": "early", "templateid": simulator.TestTemplateNotReady})
			code, text := failure(job)
			Expect(code).To(BeNumerically("==", 530))
			Expect(text).To(HavePrefix("Template uploading has not been completely downloaded to zone "))
			Expect(s.vm(id)["state"]).To(Equal("Error"))
		})
	})

	It("leaves a VM deployed with startvm=false Stopped with Allocated volumes, and starts it later", func() {
		id := s.deployed(map[string]string{"name": "later", "startvm": "false"})
		Expect(s.vm(id)["state"]).To(Equal("Stopped"))
		Expect(s.vm(id)).NotTo(HaveKey("hostid"))
		root := items(s.ok("listVolumes", map[string]string{"virtualmachineid": id}), "volume")[0]
		Expect(root).To(And(HaveKeyWithValue("state", "Allocated"), HaveKeyWithValue("hypervisor", "None")))
		Expect(root).NotTo(HaveKey("storageid"))
		Expect(result(s.runJob("startVirtualMachine", map[string]string{"id": id}), "virtualmachine")["state"]).To(Equal("Running"))
		Expect(s.volume(root["id"].(string))["state"]).To(Equal("Ready"))
	})
})
