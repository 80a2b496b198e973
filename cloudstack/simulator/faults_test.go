package simulator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("fault injection", func() {
	It("fails the Nth call of a command with the chosen code as HTTP status", func() {
		s := startSim(func(o *simulator.Options) {
			o.Faults.Rules = []simulator.FaultRule{{Command: "listZones", Nth: 2, Kind: "http", ErrorCode: 530, Message: "boom"}}
		})
		s.ok("listZones", nil)
		body := s.apiError("listZones", nil, 530)
		Expect(body["errortext"]).To(Equal("boom"))
		Expect(body["cserrorcode"]).To(BeNumerically("==", 4250))
		s.ok("listZones", nil)
	})

	It("fails every call when nth is 0, and job rules fail the job not the call", func() {
		s := startSim(nil)
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "listOsTypes", Nth: 0, Kind: "http", ErrorCode: 534})).To(Succeed())
		s.apiError("listOsTypes", nil, 534)
		s.apiError("listOsTypes", nil, 534)

		Expect(s.Server.AddFault(simulator.FaultRule{Command: "createAffinityGroup", Nth: 1, Kind: "job", ErrorCode: 533, Message: "no host"})).To(Succeed())
		first := s.ok("createAffinityGroup", map[string]string{"name": "g", "type": "host anti-affinity"})
		Expect(first).To(HaveKey("id"))
		job := s.job(first["jobid"].(string))
		Expect(job["jobstatus"]).To(BeNumerically("==", 2))
		Expect(job["jobresultcode"]).To(BeNumerically("==", 533))
		Expect(job["jobresult"]).To(Equal(map[string]any{"errorcode": float64(533), "errortext": "no host"}))

		second := s.runJob("createAffinityGroup", map[string]string{"name": "h", "type": "host anti-affinity"})
		Expect(second["jobstatus"]).To(BeNumerically("==", 1))
	})

	It("throttles beyond max calls per interval with 429, then recovers", func() {
		s := startSim(func(o *simulator.Options) {
			o.Faults.Throttle = &simulator.Throttle{Max: 2, Interval: simulator.Duration(time.Second)}
		})
		caps := s.ok("listCapabilities", nil)["capability"].(map[string]any)
		Expect(caps["apilimitmax"]).To(BeNumerically("==", 2))
		Expect(caps["apilimitinterval"]).To(BeNumerically("==", 1))
		s.ok("listZones", nil)
		body := s.apiError("listZones", nil, 429)
		Expect(body["errortext"]).To(Equal("The given user has reached his/her account api limit, please retry after [1000] ms."))
		s.Clock.Advance(time.Second)
		s.ok("listZones", nil)
	})

	It("delays answers by the configured latency, measured on the server clock", func() {
		s := startSim(func(o *simulator.Options) {
			o.Faults.Latency = map[string]simulator.Duration{"listZones": simulator.Duration(2 * time.Second)}
		})
		s.ok("listZones", nil)
		Expect(s.Clock.Now()).To(Equal(epoch.Add(2 * time.Second)))
		s.ok("listOsTypes", nil)
		Expect(s.Clock.Now()).To(Equal(epoch.Add(2 * time.Second)))
		calls := s.Server.Calls()
		Expect(calls[0].Duration).To(Equal(2 * time.Second))
		Expect(calls[1].Duration).To(BeZero())
	})

	It("fails allocations with 533 inside the job once a capacity pool is exhausted", func() {
		s := startSim(func(o *simulator.Options) { o.Faults.Capacity = map[string]int{"vm": 1} })
		Expect(s.runJob("simTestCreateThing", map[string]string{"name": "a"})["jobstatus"]).To(BeNumerically("==", 1))
		job := s.runJob("simTestCreateThing", map[string]string{"name": "b"})
		Expect(job["jobstatus"]).To(BeNumerically("==", 2))
		Expect(job["jobresultcode"]).To(BeNumerically("==", 533))
		Expect(s.Server.Faults().Capacity).To(Equal(map[string]int{"vm": 0}))

		Expect(s.Server.SetFaults(simulator.FaultConfig{Capacity: map[string]int{"vm": 5}})).To(Succeed())
		Expect(s.runJob("simTestCreateThing", map[string]string{"name": "c"})["jobstatus"]).To(BeNumerically("==", 1))
	})

	It("parses the -fault flag form and rejects bad rules", func() {
		r, err := simulator.ParseFaultRule("deployVirtualMachine:2:job:533:no host: at all")
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(Equal(simulator.FaultRule{Command: "deployVirtualMachine", Nth: 2, Kind: "job", ErrorCode: 533, Message: "no host: at all"}))
		_, err = simulator.ParseFaultRule("listZones:1:sometimes:530")
		Expect(err).To(MatchError(ContainSubstring(`kind must be "http" or "job"`)))
		_, err = simulator.ParseFaultRule("listZones:x:http:530")
		Expect(err).To(MatchError(ContainSubstring("nth")))
		_, err = simulator.ParseFaultRule("listZones:1")
		Expect(err).To(HaveOccurred())
		Expect(s0().SetFaults(simulator.FaultConfig{Capacity: map[string]int{"vm": -1}})).To(MatchError(ContainSubstring("capacity")))
	})
})

func s0() *simulator.Server {
	srv, err := simulator.New(simulator.Options{})
	Expect(err).NotTo(HaveOccurred())
	return srv
}
