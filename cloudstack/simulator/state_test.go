package simulator_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("seed and state", func() {
	It("loads the example seed file", func() {
		seed, err := simulator.LoadSeedFile("seed.example.json")
		Expect(err).NotTo(HaveOccurred())
		s := startSim(func(o *simulator.Options) { o.Seed = seed })
		Expect(s.ok("listZones", nil)["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listSecurityGroups", nil)["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listAffinityGroups", nil)["count"]).To(BeNumerically("==", 1))
		Expect(s.Server.Faults().Rules).To(HaveLen(1))
		Expect(s.Server.Faults().Latency).To(HaveKeyWithValue("listTemplates", simulator.Duration(50*time.Millisecond)))
	})

	It("rejects seed files with unknown fields or missing names", func() {
		dir := GinkgoT().TempDir()
		bad := filepath.Join(dir, "bad.json")
		Expect(os.WriteFile(bad, []byte(`{"zones":[{"name":"z","hypervisor":"KVM","hyperviser":"x"}]}`), 0o600)).To(Succeed())
		_, err := simulator.LoadSeedFile(bad)
		Expect(err).To(MatchError(ContainSubstring("hyperviser")))

		_, err = simulator.New(simulator.Options{Seed: &simulator.Seed{Zones: []simulator.SeedZone{{Name: "z"}}}})
		Expect(err).To(MatchError(ContainSubstring("zone 0: name and hypervisor are required")))
	})

	It("saves the store on request and reloads it instead of the seed", func() {
		path := filepath.Join(GinkgoT().TempDir(), "state.json")
		s := startSim(func(o *simulator.Options) {
			o.StatePath = path
			o.JobDelays = map[string]time.Duration{"createTags": time.Hour}
		})
		zone := s.firstID("listZones", "zone", "zone1")
		group := s.runJob("createAffinityGroup", map[string]string{"name": "kept", "type": "host affinity"})
		Expect(group["jobstatus"]).To(BeNumerically("==", 1))
		pending := s.ok("createTags", map[string]string{"resourceids": zone, "resourcetype": "Zone", "tags[0].key": "k", "tags[0].value": "v"})
		Expect(s.Server.SaveState("")).To(Succeed())

		again := startSim(func(o *simulator.Options) {
			o.StatePath = path
			o.Seed = &simulator.Seed{}
		})
		Expect(again.firstID("listZones", "zone", "zone1")).To(Equal(zone))
		Expect(again.ok("listAffinityGroups", map[string]string{"name": "kept"})["count"]).To(BeNumerically("==", 1))
		Expect(again.job(group["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		orphan := again.job(pending["jobid"].(string))
		Expect(orphan["jobstatus"]).To(BeNumerically("==", 2), "a pending job's effect does not survive a restart")

		inv, err := again.Server.Inventory()
		Expect(err).NotTo(HaveOccurred())
		Expect(inv["zones"]).To(HaveLen(2))
	})

	It("refuses a corrupt state file", func() {
		path := filepath.Join(GinkgoT().TempDir(), "state.json")
		Expect(os.WriteFile(path, []byte("{"), 0o600)).To(Succeed())
		_, err := simulator.New(simulator.Options{StatePath: path})
		Expect(err).To(MatchError(ContainSubstring("is not valid")))
	})
})
