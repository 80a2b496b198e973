package simulator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("load balancer rules", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	lbParams := func(address string, extra map[string]string) map[string]string {
		p := map[string]string{"publicipid": s.publicIPID(address), "name": "web", "algorithm": "roundrobin",
			"publicport": "80", "privateport": "8080"}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}

	Describe("createLoadBalancerRule and listLoadBalancerRules", func() {
		It("creates the rule (state Add) in the create phase and renders ports as strings", func() {
			s := startSim(func(o *simulator.Options) { o.JobDelay = 10 * time.Second })
			first := s.ok("createLoadBalancerRule", map[string]string{"publicipid": s.publicIPID("203.0.113.12"), "name": "web",
				"algorithm": "leastconn", "publicport": "80", "privateport": "8080", "description": "front"})
			Expect(first).To(And(HaveKey("id"), HaveKey("jobid")))
			listed := items(s.ok("listLoadBalancerRules", map[string]string{"id": first["id"].(string)}), "loadbalancerrule")
			Expect(listed).To(HaveLen(1))
			var isolated string
			s.Server.Do(func(st *simulator.Store) { isolated = networkID(st, "zone1-isolated") })
			Expect(listed[0]).To(And(HaveKeyWithValue("state", "Add"), HaveKeyWithValue("publicport", "80"),
				HaveKeyWithValue("privateport", "8080"), HaveKeyWithValue("publicip", "203.0.113.12"),
				HaveKeyWithValue("algorithm", "leastconn"), HaveKeyWithValue("protocol", "tcp"),
				HaveKeyWithValue("cidrlist", ""), HaveKeyWithValue("networkid", isolated),
				HaveKeyWithValue("zonename", "zone1"), HaveKeyWithValue("description", "front"),
				HaveKeyWithValue("account", "admin"), HaveKeyWithValue("tags", []any{})))

			s.Clock.Advance(10 * time.Second)
			job := s.job(first["jobid"].(string))
			Expect(job).To(And(HaveKeyWithValue("jobstatus", 1.0), HaveKeyWithValue("jobinstancetype", "FirewallRule"),
				HaveKeyWithValue("jobinstanceid", first["id"]),
				HaveKeyWithValue("cmd", "org.apache.cloudstack.api.command.user.loadbalancer.CreateLoadBalancerRuleCmd")))
			Expect(job["jobresult"].(map[string]any)["loadbalancer"]).To(HaveKeyWithValue("id", first["id"]))
		})

		It("filters by name, keyword, address, zone, network, member VM and tags", func() {
			web := s.createLB("203.0.113.12", "web", 80, 8080)
			s.createLB("203.0.113.12", "api", 443, 8443)
			n := func(params map[string]string) any { return s.ok("listLoadBalancerRules", params)["count"] }
			Expect(n(nil)).To(BeNumerically("==", 2))
			Expect(n(map[string]string{"name": "web"})).To(BeNumerically("==", 1))
			Expect(n(map[string]string{"name": "we"})).To(BeNil(), "name is exact")
			Expect(n(map[string]string{"keyword": "AP"})).To(BeNumerically("==", 1))
			Expect(n(map[string]string{"publicipid": s.publicIPID("203.0.113.12")})).To(BeNumerically("==", 2))
			Expect(n(map[string]string{"publicipid": s.publicIPID("203.0.113.11")})).To(BeNil())
			Expect(n(map[string]string{"zoneid": s.firstID("listZones", "zone", "zone2")})).To(BeNil())
			var isolated string
			s.Server.Do(func(st *simulator.Store) { isolated = networkID(st, "zone1-isolated") })
			Expect(n(map[string]string{"networkid": isolated})).To(BeNumerically("==", 2))

			vm := s.addVM("vm1", "zone1", "zone1-isolated")
			s.runJob("assignToLoadBalancerRule", map[string]string{"id": web, "virtualmachineids": vm})
			Expect(items(s.ok("listLoadBalancerRules", map[string]string{"virtualmachineid": vm}), "loadbalancerrule")).
				To(ConsistOf(HaveKeyWithValue("id", web)))

			s.runJob("createTags", map[string]string{"resourceids": web, "resourcetype": "LoadBalancer", "tags[0].key": "k", "tags[0].value": "v"})
			Expect(n(map[string]string{"tags[0].key": "k", "tags[0].value": "v"})).To(BeNumerically("==", 1))
		})

		It("refuses bad input synchronously, as the create phase does", func() {
			Expect(s.apiError("createLoadBalancerRule", map[string]string{"name": "web", "algorithm": "roundrobin",
				"publicport": "80", "privateport": "8080"}, 431)).To(And(
				HaveKeyWithValue("errortext", "Can't define IP owner. Either specify account/domainId or publicIpId"),
				HaveKeyWithValue("cserrorcode", 4350.0)))

			invalid := func(extra map[string]string, text string) {
				body := s.apiError("createLoadBalancerRule", lbParams("203.0.113.12", extra), 431)
				Expect(body["errortext"]).To(Equal(text))
				Expect(body["cserrorcode"]).To(BeNumerically("==", 9999))
			}
			invalid(map[string]string{"algorithm": "random"}, "Invalid algorithm: random")
			invalid(map[string]string{"publicport": "0"}, "publicPort is an invalid value: 0")
			invalid(map[string]string{"privateport": "70000"}, "privatePort is an invalid value: 70000")
			freeIP := s.publicIPID("203.0.113.20")
			invalid(map[string]string{"publicipid": freeIP}, "Unable to create load balancer rule, invalid IP address ID "+freeIP)
			var other string
			s.Server.Do(func(st *simulator.Store) { other = networkID(st, "zone1-shared") })
			invalid(map[string]string{"networkid": other}, "Invalid network id="+other+". IP is associated with a different network than passed network id")

			s.apiError("createLoadBalancerRule", lbParams("203.0.113.12", map[string]string{"privateport": "http"}), 431)
			missing := lbParams("203.0.113.12", nil)
			delete(missing, "name")
			s.apiError("createLoadBalancerRule", missing, 431)
		})

		It("answers 537 for a static-NATed address and for a public port already balanced on the address", func() {
			s.ok("enableStaticNat", map[string]string{"ipaddressid": s.publicIPID("203.0.113.11"),
				"virtualmachineid": s.addVM("vm1", "zone1", "zone1-isolated")})
			Expect(s.apiError("createLoadBalancerRule", lbParams("203.0.113.11", nil), 537)["errortext"]).
				To(Equal("Can't do load balance on ip address: 203.0.113.11"))

			first := s.createLB("203.0.113.12", "web", 80, 8080)
			body := s.apiError("createLoadBalancerRule", lbParams("203.0.113.12", map[string]string{"privateport": "9090"}), 537)
			Expect(body["errortext"]).To(Equal("The range specified, 80-80, conflicts with rule " + first + " which has 80-80"))
			Expect(s.ok("listLoadBalancerRules", nil)["count"]).To(BeNumerically("==", 1), "a refused rule leaves no row")
		})
	})

	Describe("members", func() {
		var lb, vm1, vm2 string
		BeforeEach(func() {
			lb = s.createLB("203.0.113.12", "web", 80, 8080)
			vm1 = s.addVM("vm1", "zone1", "zone1-isolated")
			vm2 = s.addVM("vm2", "zone1", "zone1-isolated")
		})
		assign := func(params map[string]string) map[string]any {
			params["id"] = lb
			return s.runJob("assignToLoadBalancerRule", params)
		}
		instances := func(params map[string]string) map[string]any {
			params["id"] = lb
			return s.ok("listLoadBalancerRuleInstances", params)
		}

		It("assigns VMs, lists them with their addresses, and makes the rule Active", func() {
			Expect(assign(map[string]string{"virtualmachineids": vm1 + "," + vm2})["jobresult"]).To(Equal(map[string]any{"success": true}))
			listed := items(instances(map[string]string{}), "loadbalancerruleinstance")
			Expect(listed).To(HaveLen(2))
			Expect(listed[0]).To(And(HaveKeyWithValue("id", vm1), HaveKeyWithValue("name", "vm1"),
				HaveKeyWithValue("state", "Running"), HaveKeyWithValue("zonename", "zone1")))
			withIPs := items(instances(map[string]string{"lbvmips": "true"}), "lbrulevmidip")
			Expect(withIPs[1]).To(HaveKeyWithValue("lbvmipaddresses", []any{s.vmNIC(vm2, "zone1-isolated")}))
			Expect(withIPs[1]["loadbalancerruleinstance"]).To(HaveKeyWithValue("id", vm2))
			Expect(instances(map[string]string{"applied": "false"})).To(Equal(map[string]any{}))
			Expect(instances(map[string]string{"page": "2", "pagesize": "1"})["loadbalancerruleinstance"]).To(HaveLen(1))
			Expect(items(s.ok("listLoadBalancerRules", map[string]string{"id": lb}), "loadbalancerrule")[0]).To(HaveKeyWithValue("state", "Active"))
		})

		It("refuses, inside the job and without partial effect, VMs already assigned, outside the network or going away", func() {
			assign(map[string]string{"virtualmachineids": vm1})
			code, text := jobError(assign(map[string]string{"virtualmachineids": vm2 + "," + vm1}))
			Expect(code).To(Equal(431))
			Expect(text).To(Equal("VM " + vm1 + " with " + s.vmNIC(vm1, "zone1-isolated") + " is already mapped to load balancer."))
			Expect(instances(map[string]string{})["count"]).To(BeNumerically("==", 1), "vm2 was not added")

			outsider := s.addVM("outsider", "zone1", "zone1-shared")
			_, text = jobError(assign(map[string]string{"virtualmachineids": outsider}))
			Expect(text).To(Equal("VM with id specified cannot be added because it doesn't belong in the same network."))

			s.setVMState(vm2, "Expunging")
			_, text = jobError(assign(map[string]string{"virtualmachineids": vm2}))
			Expect(text).To(Equal("Invalid instance id specified"))

			_, text = jobError(assign(map[string]string{}))
			Expect(text).To(Equal("Both instanceids and vmidipmap can't be null"))
			s.apiError("assignToLoadBalancerRule", map[string]string{"id": lb, "virtualmachineids": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
			s.apiError("assignToLoadBalancerRule", map[string]string{"virtualmachineids": vm1}, 431)
		})

		It("accepts vmidipmap in CloudStack's and in cloudstack-go's form, checking the address", func() {
			_, text := jobError(assign(map[string]string{"vmidipmap[0].key": vm1, "vmidipmap[0].value": "10.1.1.250"}))
			Expect(text).To(HavePrefix("VM ip 10.1.1.250 specified does not belong to nic in network"))
			Expect(assign(map[string]string{"vmidipmap[0].vmid": vm1, "vmidipmap[0].vmip": s.vmNIC(vm1, "zone1-isolated")})["jobstatus"]).
				To(BeNumerically("==", 1))
			Expect(instances(map[string]string{})["count"]).To(BeNumerically("==", 1))
		})

		It("removes assigned VMs and refuses VMs that are not assigned", func() {
			assign(map[string]string{"virtualmachineids": vm1 + "," + vm2})
			remove := func(vms string) map[string]any {
				return s.runJob("removeFromLoadBalancerRule", map[string]string{"id": lb, "virtualmachineids": vms})
			}
			Expect(remove(vm1)["jobresult"]).To(Equal(map[string]any{"success": true}))
			Expect(items(instances(map[string]string{}), "loadbalancerruleinstance")).To(ConsistOf(HaveKeyWithValue("id", vm2)))

			code, text := jobError(remove(vm1))
			Expect(code).To(Equal(431))
			Expect(text).To(Equal("The instance id: " + vm1 + " is not configured  for LB rule id " + lb))
			_, text = jobError(s.runJob("removeFromLoadBalancerRule", map[string]string{"id": lb}))
			Expect(text).To(Equal("Both instanceids and vmidipmap  can't be null"))
			Expect(instances(map[string]string{})["count"]).To(BeNumerically("==", 1))
		})

		It("deletes the rule with its memberships and tags; its id stops resolving", func() {
			assign(map[string]string{"virtualmachineids": vm1})
			s.runJob("createTags", map[string]string{"resourceids": lb, "resourcetype": "LoadBalancer", "tags[0].key": "k", "tags[0].value": "v"})
			job := s.runJob("deleteLoadBalancerRule", map[string]string{"id": lb})
			Expect(job).To(And(HaveKeyWithValue("jobresult", map[string]any{"success": true}), HaveKeyWithValue("jobinstancetype", "FirewallRule")))
			Expect(s.ok("listLoadBalancerRules", nil)).To(Equal(map[string]any{}))
			Expect(s.ok("listTags", nil)).To(Equal(map[string]any{}))
			s.apiError("listLoadBalancerRules", map[string]string{"id": lb}, 431)
			s.apiError("listLoadBalancerRuleInstances", map[string]string{"id": lb}, 431)
			s.apiError("deleteLoadBalancerRule", map[string]string{"id": lb}, 431)
			s.apiError("assignToLoadBalancerRule", map[string]string{"id": lb, "virtualmachineids": vm1}, 431)
		})
	})
})
