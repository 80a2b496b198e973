package simulator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("phase-1 resources", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	Describe("tags", func() {
		var zone string
		tag := func(k, v string) map[string]string {
			return map[string]string{"resourceids": zone, "resourcetype": "zone", "tags[0].key": k, "tags[0].value": v}
		}
		BeforeEach(func() { zone = s.firstID("listZones", "zone", "zone1") })

		It("creates, embeds, filters, lists and deletes tags", func() {
			Expect(s.runJob("createTags", tag("director", "bosh"))["jobresult"]).To(Equal(map[string]any{"success": true}))
			z := items(s.ok("listZones", map[string]string{"id": zone}), "zone")[0]
			Expect(z["tags"]).To(ConsistOf(HaveKeyWithValue("key", "director")))
			Expect(z["tags"].([]any)[0]).To(HaveKeyWithValue("resourcetype", "Zone"))

			byTag := s.ok("listZones", map[string]string{"tags[0].key": "director", "tags[0].value": "bosh"})
			Expect(byTag["count"]).To(BeNumerically("==", 1))
			Expect(s.ok("listZones", map[string]string{"tags[0].key": "director", "tags[0].value": "other"})).To(Equal(map[string]any{}))

			listed := s.ok("listTags", map[string]string{"resourceid": zone, "key": "DIRECTOR"})
			Expect(items(listed, "tag")).To(ConsistOf(And(HaveKeyWithValue("value", "bosh"), HaveKeyWithValue("account", "admin"))))

			Expect(s.runJob("deleteTags", map[string]string{"resourceids": zone, "resourcetype": "Zone", "tags[0].key": "director"})["jobstatus"]).
				To(BeNumerically("==", 1))
			Expect(s.ok("listTags", nil)).To(Equal(map[string]any{}))
		})

		It("follows CloudStack's rules for duplicates, empty values and unmatched deletes", func() {
			s.runJob("createTags", tag("k", "v"))
			dup := s.runJob("createTags", tag("K", "w"))
			Expect(dup["jobresultcode"]).To(BeNumerically("==", 530))
			Expect(dup["jobresult"].(map[string]any)["errortext"]).To(Equal("tag K already on Zone with id " + zone))

			empty := s.runJob("createTags", tag("e", ""))
			Expect(empty["jobresultcode"]).To(BeNumerically("==", 431))
			Expect(empty["jobresult"].(map[string]any)["errortext"]).To(Equal("Value for the key e is either null or empty"))

			none := s.runJob("deleteTags", map[string]string{"resourceids": zone, "resourcetype": "Zone", "tags[0].key": "absent"})
			Expect(none["jobstatus"]).To(BeNumerically("==", 2))

			badType := s.runJob("createTags", map[string]string{"resourceids": zone, "resourcetype": "Spaceship", "tags[0].key": "a", "tags[0].value": "b"})
			Expect(badType["jobresult"].(map[string]any)["errortext"]).To(Equal("Invalid resource type Spaceship"))

			s.apiError("createTags", map[string]string{"resourceids": zone, "resourcetype": "Zone"}, 431)
			s.apiError("createTags", map[string]string{"resourcetype": "Zone", "tags[0].key": "a", "tags[0].value": "b"}, 431)

			// Deleting without keys removes every tag of the resource.
			s.runJob("createTags", tag("other", "x"))
			Expect(s.runJob("deleteTags", map[string]string{"resourceids": zone, "resourcetype": "Zone"})["jobstatus"]).To(BeNumerically("==", 1))
			Expect(s.ok("listTags", nil)).To(Equal(map[string]any{}))
		})

		It("tags resource types registered by other families", func() {
			thing := s.runJob("simTestCreateThing", map[string]string{"name": "vm"})
			id := thing["jobresult"].(map[string]any)["thing"].(map[string]any)["id"].(string)
			Expect(s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "SimTestThing",
				"tags[0].key": "bosh_managed", "tags[0].value": "true"})["jobstatus"]).To(BeNumerically("==", 1))
			Expect(s.ok("simTestListThings", map[string]string{"tags[0].key": "bosh_managed", "tags[0].value": "true"})["count"]).
				To(BeNumerically("==", 1))
		})
	})

	Describe("affinity groups", func() {
		It("creates with id and jobid, refuses duplicates and bad types synchronously, deletes by id or name", func() {
			first := s.ok("createAffinityGroup", map[string]string{"name": "g", "type": "host anti-affinity", "description": "d"})
			Expect(first).To(HaveKey("id"))
			body := s.apiError("createAffinityGroup", map[string]string{"name": "g", "type": "host anti-affinity"}, 431)
			Expect(body["errortext"]).To(Equal("Unable to create affinity group, a group with name g already exists."))
			s.apiError("createAffinityGroup", map[string]string{"name": "x", "type": "rack affinity"}, 431)

			listed := items(s.ok("listAffinityGroups", map[string]string{"name": "g"}), "affinitygroup")
			Expect(listed).To(ConsistOf(And(HaveKeyWithValue("type", "host anti-affinity"), HaveKeyWithValue("description", "d"))))
			Expect(s.ok("listAffinityGroups", map[string]string{"type": "host affinity"})).To(Equal(map[string]any{}))

			Expect(s.runJob("deleteAffinityGroup", map[string]string{"name": "g"})["jobresult"]).To(Equal(map[string]any{"success": true}))
			s.apiError("listAffinityGroups", map[string]string{"id": first["id"].(string)}, 431)
			s.apiError("deleteAffinityGroup", map[string]string{"name": "g"}, 431)
			s.apiError("deleteAffinityGroup", nil, 431)
			Expect(s.ok("listAffinityGroupTypes", nil)["count"]).To(BeNumerically("==", 4))
		})
	})

	Describe("SSH key pairs", func() {
		const pub = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDKR0a4vFqJ2XqTKJ5lQm9cQ5V9FJtS1Fv1HkQqVJ3sx8k3Q4M9dFZ6oq2WqZCw8p9tq2m0o5Yw9y4d8Vd2b9zYJxq3M1sQ3w9XlT2wz6oS2Pq0HkL1fJ8lZ5bq2xJw9sC9Q2z8r7kQ2b8y3mQ5hX1vJ0sT8a1n3d5eW7z9QfQ0Lw== test"
		It("creates (with a private key), registers, lists by name or fingerprint, refuses duplicates and deletes", func() {
			created := s.ok("createSSHKeyPair", map[string]string{"name": "k1"})["keypair"].(map[string]any)
			Expect(created["privatekey"]).To(HavePrefix("-----BEGIN RSA PRIVATE KEY-----"))
			Expect(created["fingerprint"]).To(MatchRegexp(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`))

			reg := s.ok("registerSSHKeyPair", map[string]string{"name": "k2", "publickey": pub})["keypair"].(map[string]any)
			Expect(reg).NotTo(HaveKey("privatekey"))
			Expect(s.ok("listSSHKeyPairs", map[string]string{"fingerprint": reg["fingerprint"].(string)})["count"]).To(BeNumerically("==", 1))
			Expect(items(s.ok("listSSHKeyPairs", map[string]string{"name": "k1"}), "sshkeypair")[0]).NotTo(HaveKey("privatekey"))
			Expect(s.ok("listSSHKeyPairs", nil)["count"]).To(BeNumerically("==", 3), "seeded bosh, k1, k2")

			Expect(s.apiError("createSSHKeyPair", map[string]string{"name": "k1"}, 431)["errortext"]).To(Equal("A key pair with name 'k1' already exists."))
			s.apiError("registerSSHKeyPair", map[string]string{"name": "k3", "publickey": "not a key"}, 431)

			Expect(s.ok("deleteSSHKeyPair", map[string]string{"name": "k1"})).To(Equal(map[string]any{"success": true}))
			s.apiError("deleteSSHKeyPair", map[string]string{"name": "k1"}, 431)
		})
	})

	Describe("offerings, OS types, security groups, capabilities", func() {
		It("renders fixed and customized offerings as CloudStack does", func() {
			small := items(s.ok("listServiceOfferings", map[string]string{"name": "Small Instance"}), "serviceoffering")[0]
			Expect(small).To(And(HaveKeyWithValue("cpunumber", 1.0), HaveKeyWithValue("cpuspeed", 500.0),
				HaveKeyWithValue("memory", 512.0), HaveKeyWithValue("iscustomized", false)))
			custom := items(s.ok("listServiceOfferings", map[string]string{"name": "Custom"}), "serviceoffering")[0]
			Expect(custom).To(HaveKeyWithValue("iscustomized", true))
			Expect(custom).NotTo(HaveKey("cpunumber"))
			Expect(custom).NotTo(HaveKey("memory"))
			constrained := items(s.ok("listServiceOfferings", map[string]string{"name": "Custom Constrained"}), "serviceoffering")[0]
			Expect(constrained["serviceofferingdetails"]).To(HaveKeyWithValue("maxcpunumber", "8"))
			Expect(s.ok("listServiceOfferings", map[string]string{"issystem": "true"})).To(Equal(map[string]any{}))

			disks := items(s.ok("listDiskOfferings", nil), "diskoffering")
			Expect(disks).To(ContainElement(And(HaveKeyWithValue("name", "small"), HaveKeyWithValue("disksize", 10.0), HaveKeyWithValue("iscustomized", false))))
			Expect(disks).To(ContainElement(And(HaveKeyWithValue("name", "custom"), HaveKeyWithValue("disksize", 0.0), HaveKeyWithValue("iscustomized", true))))
			for _, d := range disks {
				Expect(d).NotTo(HaveKey("tags"), "a disk offering's tags is a string of storage tags")
			}
		})

		It("has a default security group and the seeded hypervisors", func() {
			sgs := items(s.ok("listSecurityGroups", map[string]string{"securitygroupname": "default"}), "securitygroup")
			Expect(sgs).To(ConsistOf(And(HaveKeyWithValue("ingressrule", []any{}), HaveKeyWithValue("virtualmachinecount", 0.0))))
			Expect(items(s.ok("listHypervisors", nil), "hypervisor")).To(Equal([]map[string]any{{"name": "XenServer"}, {"name": "KVM"}}))
			caps := s.ok("listCapabilities", nil)["capability"].(map[string]any)
			Expect(caps["cloudstackversion"]).To(Equal("4.19.1.0"))
			Expect(caps["supportELB"]).To(Equal("false"))
			Expect(caps).NotTo(HaveKey("apilimitmax"))
		})
	})
})
