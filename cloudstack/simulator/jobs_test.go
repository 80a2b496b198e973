package simulator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("async jobs", func() {
	It("completes a job before its first response with the default zero delay", func() {
		s := startSim(nil)
		job := s.runJob("createAffinityGroup", map[string]string{"name": "g", "type": "host anti-affinity"})
		Expect(job["jobstatus"]).To(BeNumerically("==", 1))
		Expect(job["jobresulttype"]).To(Equal("object"))
		Expect(job["jobresult"]).To(HaveKey("affinitygroup"))
	})

	It("keeps a job pending for its delay on the injected clock, then completes it", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelay = 10 * time.Second })
		first := s.ok("createAffinityGroup", map[string]string{"name": "g", "type": "host anti-affinity"})
		Expect(first).To(HaveKey("id"))
		Expect(first).To(HaveKey("jobid"))
		id, jobID := first["id"].(string), first["jobid"].(string)

		pending := s.job(jobID)
		Expect(pending["jobstatus"]).To(BeNumerically("==", 0))
		Expect(pending["jobprocstatus"]).To(BeNumerically("==", 0))
		Expect(pending["jobresultcode"]).To(BeNumerically("==", 0))
		Expect(pending).NotTo(HaveKey("jobresult"))
		Expect(pending).NotTo(HaveKey("jobresulttype"))
		Expect(pending).NotTo(HaveKey("completed"))
		Expect(pending["created"]).To(Equal("2024-05-01T12:00:00+0000"))
		// The create phase made the row already.
		Expect(s.ok("listAffinityGroups", map[string]string{"id": id})["count"]).To(BeNumerically("==", 1))

		s.Clock.Advance(9 * time.Second)
		Expect(s.job(jobID)["jobstatus"]).To(BeNumerically("==", 0))
		s.Clock.Advance(time.Second)
		done := s.job(jobID)
		Expect(done["jobstatus"]).To(BeNumerically("==", 1))
		Expect(done["completed"]).To(Equal("2024-05-01T12:00:10+0000"))
		Expect(done["jobresult"].(map[string]any)["affinitygroup"].(map[string]any)["id"]).To(Equal(id))
	})

	It("applies per-command delays", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelays = map[string]time.Duration{"createTags": 5 * time.Second} })
		zone := s.firstID("listZones", "zone", "zone1")
		g := s.runJob("createAffinityGroup", map[string]string{"name": "g", "type": "host affinity"})
		Expect(g["jobstatus"]).To(BeNumerically("==", 1))
		tag := s.ok("createTags", map[string]string{"resourceids": zone, "resourcetype": "Zone", "tags[0].key": "k", "tags[0].value": "v"})
		Expect(s.job(tag["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 0))
		Expect(s.ok("listTags", nil)).To(Equal(map[string]any{}))
		s.Clock.Advance(5 * time.Second)
		Expect(s.ok("listTags", nil)["count"]).To(BeNumerically("==", 1))
	})

	It("queues jobs touching the same VM behind each other, and runs other VMs' jobs in parallel", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelay = 10 * time.Second })
		a := s.ok("simTestCreateThing", map[string]string{"name": "a"})
		b := s.ok("simTestCreateThing", map[string]string{"name": "b"})
		touchA := s.ok("simTestTouchThing", map[string]string{"id": a["id"].(string)})

		s.Clock.Advance(10 * time.Second)
		Expect(s.job(a["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.job(b["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.job(touchA["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 0), "waits for a's deploy")
		Expect(s.job(touchA["jobid"].(string))["jobinstanceid"]).To(Equal(a["id"]))
		s.Clock.Advance(10 * time.Second)
		Expect(s.job(touchA["jobid"].(string))["jobstatus"]).To(BeNumerically("==", 1))
	})

	It("reports a failure inside the job as jobstatus 2 with errorcode and errortext", func() {
		s := startSim(nil)
		job := s.runJob("createTags", map[string]string{"resourceids": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a",
			"resourcetype": "Zone", "tags[0].key": "k", "tags[0].value": "v"})
		Expect(job["jobstatus"]).To(BeNumerically("==", 2))
		Expect(job["jobresultcode"]).To(BeNumerically("==", 431))
		Expect(job["jobresulttype"]).To(Equal("object"))
		Expect(job["jobresult"]).To(Equal(map[string]any{"errorcode": float64(431),
			"errortext": "Unable to find resource by id 8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a and type Zone"}))
	})

	It("answers 431 for an unknown job id and lists jobs", func() {
		s := startSim(nil)
		s.apiError("queryAsyncJobResult", map[string]string{"jobid": "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"}, 431)
		s.apiError("queryAsyncJobResult", nil, 431)
		s.runJob("createAffinityGroup", map[string]string{"name": "g", "type": "host affinity"})
		jobs := s.ok("listAsyncJobs", nil)
		Expect(jobs["count"]).To(BeNumerically("==", 1))
		Expect(items(jobs, "asyncjobs")[0]["cmd"]).To(Equal("org.apache.cloudstack.api.command.user.affinitygroup.CreateAffinityGroupCmd"))
	})

	It("completes a job after its delay on the real clock", func() {
		srv, err := simulator.New(simulator.Options{APIKey: testAPIKey, SecretKey: testSecretKey, JobDelay: 20 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		hs := startHTTP(srv)
		r := postSigned(hs, "createAffinityGroup", map[string]string{"name": "t", "type": "host affinity"})
		Expect(r.Status).To(Equal(200))
		Eventually(func() int { return jobStatus(srv) }, 5*time.Second, 10*time.Millisecond).Should(Equal(1))
	})
})

func jobStatus(srv *simulator.Server) int {
	jobs := srv.Jobs()
	if len(jobs) == 0 {
		return -1
	}
	b := mustJSON(jobs[0])
	return int(b["jobstatus"].(float64))
}
