package simulator_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("fault injection on template uploads (fault rules for command \"upload\")", func() {
	It("answers the Nth upload with the rule's status after the body, and a retry succeeds", func() {
		s := startSim(func(o *simulator.Options) {
			o.Faults.Rules = []simulator.FaultRule{{Command: "upload", Nth: 1, Kind: "http", ErrorCode: 503, Message: "SSVM overloaded"}}
		})
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		content := randomBytes(64 << 10)
		Expect(fileUpload("s.vhd.bz2", content).send(t)).To(Equal(uploadAnswer{503, "SSVM overloaded"}))
		Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
		Expect(s.inventoryTemplate(t.ID)["error"]).To(Equal("SSVM overloaded"))

		Expect(fileUpload("s.vhd.bz2", content).send(t)).To(Equal(uploadAnswer{200, "upload successful."}))
		Expect(s.templateStatus(t.ID)).To(Equal("Download Complete"))
		Expect(s.inventoryTemplate(t.ID)["received_sha256"]).To(Equal(sha256Hex(content)))
	})

	It("defaults to 500 with a message naming the fault", func() {
		s := startSim(nil)
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "upload", Nth: 2, Kind: "http"})).To(Succeed())
		Expect(fileUpload("a.vhd", randomBytes(10)).send(s.uploadTicket(xenUploadParams(s, "a"))).Status).To(Equal(200))
		answer := fileUpload("b.vhd", randomBytes(10)).send(s.uploadTicket(xenUploadParams(s, "b")))
		Expect(answer.Status).To(Equal(500))
		Expect(answer.Text).To(ContainSubstring("fault injection"))
	})

	It("closes the connection half-way through the body (kind job), leaving UploadError until a retry", func() {
		s := startSim(nil)
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "upload", Nth: 1, Kind: "job"})).To(Succeed())
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		content := randomBytes(4 << 20)
		_, err := http.DefaultClient.Do(fileUpload("s.vhd.bz2", content).request(t))
		Expect(err).To(HaveOccurred())
		Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
		Expect(s.inventoryTemplate(t.ID)["error"]).To(Equal("file receive failed or connection closed prematurely."))

		Expect(fileUpload("s.vhd.bz2", content).send(t)).To(Equal(uploadAnswer{200, "upload successful."}))
		Expect(s.inventoryTemplate(t.ID)["received_sha256"]).To(Equal(sha256Hex(content)))
	})

	It("does not count refused requests as uploads", func() {
		s := startSim(nil)
		Expect(s.Server.AddFault(simulator.FaultRule{Command: "upload", Nth: 1, Kind: "http", ErrorCode: 502})).To(Succeed())
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		u := fileUpload("s.vhd", randomBytes(10))
		u.headers = map[string]string{"X-signature": "bogus"}
		Expect(u.send(t).Status).To(Equal(400))
		Expect(fileUpload("s.vhd", randomBytes(10)).send(t).Status).To(Equal(502))
	})
})
