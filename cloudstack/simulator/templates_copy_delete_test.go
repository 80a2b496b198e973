package simulator_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// failedJob asserts a failed job and returns its error code and text.
func failedJob(job map[string]any) (float64, string) {
	Expect(job["jobstatus"]).To(BeNumerically("==", 2), "job: %v", job)
	result := job["jobresult"].(map[string]any)
	return result["errorcode"].(float64), result["errortext"].(string)
}

var _ = Describe("copyTemplate", func() {
	It("adds a not-ready row in the destination zone that becomes ready when the job completes", func() {
		s := startSim(func(o *simulator.Options) { o.JobDelays = map[string]time.Duration{"copyTemplate": 30 * time.Second} })
		id := s.uploadedTemplate("stemcell")
		zone2 := s.firstID("listZones", "zone", "zone2")
		first := s.ok("copyTemplate", map[string]string{"id": id, "destzoneid": zone2})
		Expect(first).To(HaveKey("jobid"))
		Expect(first).NotTo(HaveKey("id"))

		copied := s.templateRows(id, "zoneid", zone2)
		Expect(copied).To(HaveLen(1))
		Expect(copied[0]).To(HaveKeyWithValue("isready", false))
		Expect(copied[0]).To(HaveKeyWithValue("status", "Processing"))

		s.Clock.Advance(30 * time.Second)
		job := s.job(first["jobid"].(string))
		Expect(job["jobstatus"]).To(BeNumerically("==", 1))
		Expect(job["jobinstancetype"]).To(Equal("Template"))
		result := job["jobresult"].(map[string]any)["template"].(map[string]any)
		Expect(result).To(HaveKeyWithValue("zoneid", zone2))
		Expect(result).To(HaveKeyWithValue("isready", true))
		Expect(names(s.templateRows(id))).To(Equal([]string{"stemcell@zone1", "stemcell@zone2"}))
		Expect(s.templateRows(id, "zoneid", zone2)[0]).To(HaveKeyWithValue("status", "Download Complete"))
	})

	It("skips zones that already have the template, as CloudStack does", func() {
		s := startSim(nil)
		id := s.uploadedTemplate("stemcell")
		zone2 := s.firstID("listZones", "zone", "zone2")
		Expect(s.runJob("copyTemplate", map[string]string{"id": id, "destzoneids": zone2})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.runJob("copyTemplate", map[string]string{"id": id, "destzoneid": zone2})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.templateRows(id)).To(HaveLen(2))
	})

	DescribeTable("fails inside the job like TemplateManagerImpl.copyTemplate",
		func(params func(s *sim, id string) map[string]string, text string) {
			s := startSim(nil)
			id := s.uploadedTemplate("stemcell")
			code, errText := failedJob(s.runJob("copyTemplate", params(s, id)))
			Expect(code).To(BeNumerically("==", 431))
			Expect(errText).To(Equal(strings.ReplaceAll(text, "%ID%", id)))
			Expect(s.templateRows(id)).To(HaveLen(1))
		},
		Entry("source zone among the destinations", func(s *sim, id string) map[string]string {
			zone1 := s.firstID("listZones", "zone", "zone1")
			return map[string]string{"id": id, "sourcezoneid": zone1, "destzoneid": zone1}
		}, "Please specify different source and destination zones."),
		Entry("no destination", func(s *sim, id string) map[string]string {
			return map[string]string{"id": id}
		}, "Either destzoneid or destzoneids parameters have to be specified."),
		Entry("template not ready in the source zone", func(s *sim, id string) map[string]string {
			return map[string]string{"id": id, "sourcezoneid": s.firstID("listZones", "zone", "zone2"), "destzoneid": s.firstID("listZones", "zone", "zone1")}
		}, "There is no template %ID% ready on image store."),
	)

	It("refuses to copy a template that is not ready anywhere", func() {
		s := startSim(nil)
		t := s.uploadTicket(xenUploadParams(s, "pending"))
		_, text := failedJob(s.runJob("copyTemplate", map[string]string{"id": t.ID, "destzoneid": s.firstID("listZones", "zone", "zone2")}))
		Expect(text).To(Equal("There is no template " + t.ID + " ready on image store."))
	})

	It("drops the destination row when an injected fault fails the job", func() {
		s := startSim(nil)
		id := s.uploadedTemplate("stemcell")
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "copyTemplate", Kind: "job", ErrorCode: 530, Message: "copy failed"})).To(Succeed())
		code, _ := failedJob(s.runJob("copyTemplate", map[string]string{"id": id, "destzoneid": s.firstID("listZones", "zone", "zone2")}))
		Expect(code).To(BeNumerically("==", 530))
		Expect(names(s.templateRows(id))).To(Equal([]string{"stemcell@zone1"}))
	})
})

var _ = Describe("deleteTemplate", func() {
	var s *sim
	var inUse map[string]bool

	BeforeEach(func() {
		s = startSim(nil)
		inUse = map[string]bool{}
		DeferCleanup(simulator.SetTemplateInUse(func(st *simulator.Store, templateID, zoneID string) bool {
			return inUse[templateID]
		}))
	})

	It("removes the template from lists and the inventory, and its tags with it", func() {
		id := s.uploadedTemplate("stemcell")
		Expect(s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "Template", "tags[0].key": "k", "tags[0].value": "v"})["jobstatus"]).To(BeNumerically("==", 1))
		job := s.runJob("deleteTemplate", map[string]string{"id": id})
		Expect(job["jobstatus"]).To(BeNumerically("==", 1))
		Expect(job["jobresult"]).To(Equal(map[string]any{"success": true}))
		Expect(s.ok("listTemplates", map[string]string{"templatefilter": "all"})).To(BeEmpty())
		Expect(s.inventoryTemplate(id)).To(BeNil())
		Expect(s.ok("listTags", map[string]string{"resourceid": id})).To(BeEmpty())

		code, text := failedJob(s.runJob("deleteTemplate", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(Equal("unable to find template with id " + id))
	})

	It("answers 431 at once for an unknown id", func() {
		Expect(s.apiError("deleteTemplate", map[string]string{"id": simulator.NewUUID()}, 431)["errortext"]).
			To(ContainSubstring("Invalid parameter id value="))
		s.apiError("deleteTemplate", nil, 431)
	})

	It("deletes one zone's copy when zoneid is given", func() {
		id := s.uploadedTemplate("stemcell")
		zone2 := s.firstID("listZones", "zone", "zone2")
		Expect(s.runJob("copyTemplate", map[string]string{"id": id, "destzoneid": zone2})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.runJob("deleteTemplate", map[string]string{"id": id, "zoneid": zone2})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(names(s.templateRows(id))).To(Equal([]string{"stemcell@zone1"}))
		_, text := failedJob(s.runJob("deleteTemplate", map[string]string{"id": id, "zoneid": zone2}))
		Expect(text).To(Equal("unable to find template with id " + id + " in zone zone2"))
	})

	It("refuses a template VMs use unless forced", func() {
		id := s.uploadedTemplate("stemcell")
		inUse[id] = true
		code, text := failedJob(s.runJob("deleteTemplate", map[string]string{"id": id}))
		Expect(code).To(BeNumerically("==", 431))
		Expect(text).To(Equal("Unable to delete template with id: " + id + " because VM instances are using it."))
		Expect(s.templateRows(id)).To(HaveLen(1))

		Expect(s.runJob("deleteTemplate", map[string]string{"id": id, "forced": "true"})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.ok("listTemplates", map[string]string{"templatefilter": "all"})).To(BeEmpty())
	})

	It("refuses a template whose upload is pending, but not one whose upload failed", func() {
		t := s.uploadTicket(xenUploadParams(s, "pending"))
		_, text := failedJob(s.runJob("deleteTemplate", map[string]string{"id": t.ID}))
		Expect(text).To(Equal("The template is either getting uploaded or it may be initiated shortly, please wait for it to be completed"))
		Expect(fileUpload("x.txt", randomBytes(8)).send(t).Status).To(Equal(400))
		Expect(s.runJob("deleteTemplate", map[string]string{"id": t.ID})["jobstatus"]).To(BeNumerically("==", 1))
	})
})

var _ = Describe("updateTemplate", func() {
	It("changes name, display text and OS type on every zone row", func() {
		s := startSim(nil)
		id := s.uploadedTemplate("stemcell")
		Expect(s.runJob("copyTemplate", map[string]string{"id": id, "destzoneid": s.firstID("listZones", "zone", "zone2")})["jobstatus"]).To(BeNumerically("==", 1))
		ubuntu := osTypeIDOf(s, "Ubuntu 24.04 LTS")
		body := s.ok("updateTemplate", map[string]string{"id": id, "name": "renamed", "displaytext": "new text", "ostypeid": ubuntu})
		Expect(body["template"]).To(MatchAllKeysOf(map[string]any{"id": id, "name": "renamed", "displaytext": "new text", "ostypeid": ubuntu, "ostypename": "Ubuntu 24.04 LTS"}))
		for _, row := range s.templateRows(id) {
			Expect(row).To(HaveKeyWithValue("name", "renamed"))
			Expect(row).To(HaveKeyWithValue("ostypeid", ubuntu))
		}
		Expect(s.apiError("updateTemplate", map[string]string{"id": id, "ostypeid": simulator.NewUUID()}, 431)["errortext"]).To(ContainSubstring("Invalid parameter ostypeid"))
		Expect(s.runJob("deleteTemplate", map[string]string{"id": id})["jobstatus"]).To(BeNumerically("==", 1))
		Expect(s.apiError("updateTemplate", map[string]string{"id": id, "name": "x"}, 431)["errortext"]).To(Equal("unable to find template/iso with id " + id))
	})
})

// MatchAllKeysOf matches a map holding at least these key/value pairs.
func MatchAllKeysOf(want map[string]any) OmegaMatcher {
	var matchers []OmegaMatcher
	for k, v := range want {
		matchers = append(matchers, HaveKeyWithValue(k, v))
	}
	return SatisfyAll(matchers...)
}
