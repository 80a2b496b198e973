package simulator_test

import (
	"github.com/apache/cloudstack-go/v2/cloudstack"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("template commands through cloudstack-go's polling client", func() {
	It("runs the whole stemcell life cycle, job results decoding without loss", func() {
		s := startSim(nil)
		cs := s.asyncClient()

		p := cs.Template.NewGetUploadParamsForTemplateParams("stemcell 1.0", "VHD", "XenServer", "bosh-stemcell", zone1(cs))
		p.SetOstypeid(osTypeIDOf(s, "Other PV (64-bit)"))
		params, err := cs.Template.GetUploadParamsForTemplate(p)
		Expect(err).NotTo(HaveOccurred())
		ticket := uploadTicket{ID: params.Id, PostURL: params.PostURL, Metadata: params.Metadata, Expires: params.Expires, Signature: params.Signature}
		content := randomBytes(10 << 10)
		Expect(fileUpload("bosh-stemcell.vhd.bz2", content).send(ticket)).To(Equal(uploadAnswer{200, "upload successful."}))

		list := cs.Template.NewListTemplatesParams("self")
		list.SetId(params.Id)
		list.SetZoneid(zone1(cs))
		listed, err := cs.Template.ListTemplates(list)
		Expect(err).NotTo(HaveOccurred())
		Expect(listed.Count).To(Equal(1))
		Expect(listed.Templates[0].Isready).To(BeTrue())
		Expect(listed.Templates[0].Size).To(Equal(int64(len(content))))

		cp := cs.Template.NewCopyTemplateParams(params.Id)
		cp.SetDestzoneids([]string{zoneIDOf(cs, "zone2")})
		copied, err := cs.Template.CopyTemplate(cp)
		Expect(err).NotTo(HaveOccurred())
		Expect(copied.Zonename).To(Equal("zone2"))
		Expect(copied.Isready).To(BeTrue())
		job := s.lastBody("queryAsyncJobResult")["queryasyncjobresultresponse"].(map[string]any)
		Expect(shapeProblems("", job["jobresult"].(map[string]any)["template"], nil, typeOf[cloudstack.CopyTemplateResponse](), nil)).To(BeEmpty())

		del := cs.Template.NewDeleteTemplateParams(params.Id)
		del.SetForced(true)
		deleted, err := cs.Template.DeleteTemplate(del)
		Expect(err).NotTo(HaveOccurred())
		Expect(deleted.Success).To(BeTrue())
		_, n, err := cs.Template.GetTemplateByID(params.Id, "self")
		Expect(err).To(MatchError(ContainSubstring("No match found")))
		Expect(n).To(Equal(0))
	})

	It("reports a failed template job the way cloudstack-go does", func() {
		s := startSim(nil)
		t := s.uploadTicket(xenUploadParams(s, "pending"))
		_, err := s.asyncClient().Template.DeleteTemplate(s.asyncClient().Template.NewDeleteTemplateParams(t.ID))
		Expect(err).To(MatchError(ContainSubstring(`"errorcode":431`)))
		Expect(err).To(MatchError(ContainSubstring("either getting uploaded")))
	})
})
