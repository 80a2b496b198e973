package simulator_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// gatedReader serves content but stops after the first `gate` bytes until released, so a
// test can look at an upload in the middle of its body.
type gatedReader struct {
	r        io.Reader
	gate     int
	sent     int
	reached  chan struct{}
	released chan struct{}
}

func newGatedReader(content []byte, gate int) *gatedReader {
	return &gatedReader{r: bytes.NewReader(content), gate: gate, reached: make(chan struct{}), released: make(chan struct{})}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	if g.sent == g.gate {
		close(g.reached)
		<-g.released
		g.gate = -1
	}
	if g.gate > 0 && len(p) > g.gate-g.sent {
		p = p[:g.gate-g.sent]
	}
	n, err := g.r.Read(p)
	g.sent += n
	return n, err
}

var _ = Describe("template upload through the SSVM endpoint", func() {
	var s *sim

	BeforeEach(func() {
		s = startSim(func(o *simulator.Options) { o.Templates.InstallDelay = 90 * time.Second })
	})

	It("goes NotUploaded, N% Downloaded, Installing Template, Download Complete, and records what arrived", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		row := s.templateRow(t.ID)
		Expect(row["status"]).To(Equal("NotUploaded"))
		Expect(row["isready"]).To(BeFalse())
		Expect(row).NotTo(HaveKey("size"))
		Expect(row["downloaddetails"]).To(Equal([]any{map[string]any{
			"datastore": "zone1-secondary", "downloadPercent": "0", "downloadState": "NOT_DOWNLOADED"}}))

		content := randomBytes(1 << 20)
		gated := newGatedReader(content, len(content)/2)
		upload := multipartUpload{fileName: "bosh-stemcell.vhd.bz2", content: gated, size: int64(len(content))}
		req := upload.request(t)
		answered := make(chan uploadAnswer, 1)
		go func() {
			defer GinkgoRecover()
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			answered <- uploadAnswer{resp.StatusCode, string(b)}
		}()
		<-gated.reached
		// The header part counts too: the percentage is of the whole body.
		head := req.ContentLength - int64(len(content)) - int64(len("\r\n--"+testBoundary+"--\r\n"))
		want := (head + int64(len(content)/2)) * 100 / req.ContentLength
		// The server reads the first half on its own goroutine.
		Eventually(func() string { return s.templateStatus(t.ID) }, 10*time.Second).Should(Equal(strconv.FormatInt(want, 10) + "% Downloaded"))
		Expect(s.templateRow(t.ID)["downloaddetails"].([]any)[0]).To(HaveKeyWithValue("downloadState", "DOWNLOAD_IN_PROGRESS"))
		close(gated.released)
		Expect(<-answered).To(Equal(uploadAnswer{200, "upload successful."}))

		row = s.templateRow(t.ID)
		Expect(row["status"]).To(Equal("Installing Template"))
		Expect(row["isready"]).To(BeFalse())
		s.Clock.Advance(89 * time.Second)
		Expect(s.templateStatus(t.ID)).To(Equal("Installing Template"))
		s.Clock.Advance(time.Second)
		row = s.templateRow(t.ID)
		Expect(row["status"]).To(Equal("Download Complete"))
		Expect(row["isready"]).To(BeTrue())
		Expect(row["size"]).To(BeNumerically("==", len(content)))
		Expect(row["physicalsize"]).To(BeNumerically("==", len(content)))

		inv := s.inventoryTemplate(t.ID)
		Expect(inv["received_sha256"]).To(Equal(sha256Hex(content)))
		Expect(inv["received_bytes"]).To(BeNumerically("==", len(content)))
		Expect(inv["filename"]).To(Equal("bosh-stemcell.vhd.bz2"))
	})

	It("becomes ready through the clock's timer even when nobody lists templates", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		Expect(fileUpload("s.vhd", randomBytes(100)).send(t).Status).To(Equal(200))
		Expect(s.inventoryTemplate(t.ID)["state"]).To(Equal("Installing"))
		s.Clock.Advance(90 * time.Second)
		Expect(s.inventoryTemplate(t.ID)["state"]).To(Equal("Ready"))
		var ready bool
		zone := s.firstID("listZones", "zone", "zone1")
		s.Server.Do(func(st *simulator.Store) {
			tpl, ok := simulator.LookupTemplate(st, t.ID, zone)
			ready = ok && tpl.IsReady()
		})
		Expect(ready).To(BeTrue())
	})

	DescribeTable("checks the file name against the declared format",
		func(zone, format, hypervisor, fileName string, status int, text string) {
			params := xenUploadParams(s, "img")
			params["zoneid"], params["format"], params["hypervisor"] = s.firstID("listZones", "zone", zone), format, hypervisor
			t := s.uploadTicket(params)
			answer := fileUpload(fileName, randomBytes(512)).send(t)
			Expect(answer.Status).To(Equal(status))
			Expect(answer.Text).To(ContainSubstring(text))
			if status != 200 {
				Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
				Expect(s.inventoryTemplate(t.ID)["error"]).To(Equal(answer.Text))
			}
		},
		Entry("VHD as .vhd", "zone1", "VHD", "XenServer", "root.vhd", 200, "upload successful."),
		Entry("VHD as .vhd.bz2", "zone1", "VHD", "XenServer", "bosh-stemcell.vhd.bz2", 200, "upload successful."),
		Entry("VHD as .vhdx", "zone1", "VHD", "XenServer", "image.vhdx", 200, "upload successful."),
		Entry("VHD as .qcow2", "zone1", "VHD", "XenServer", "root.qcow2", 500,
			"File type mismatch between uploaded file and selected format. Selected file format: VHD. Received: QCOW2 image"),
		Entry("VHD as .bin", "zone1", "VHD", "XenServer", "image.bin", 400,
			"File type mismatch between the sent file and the actual content. Received: data"),
		Entry("VHD named image (no extension)", "zone1", "VHD", "XenServer", "image", 400, "has no image extension"),
		Entry("QCOW2 as .qcow2", "zone2", "QCOW2", "KVM", "root.qcow2", 200, "upload successful."),
		Entry("QCOW2 as .qcow2.gz", "zone2", "QCOW2", "KVM", "root.qcow2.gz", 200, "upload successful."),
		Entry("QCOW2 as .img", "zone2", "QCOW2", "KVM", "root.img", 500, "Selected file format: QCOW2. Received: RAW image"),
		Entry("QCOW2 as .vhd.bz2", "zone2", "QCOW2", "KVM", "root.vhd.bz2", 500, "Selected file format: QCOW2.bz2. Received: VHD image"),
		Entry("RAW as .img", "zone2", "RAW", "KVM", "root.img", 200, "upload successful."),
		Entry("RAW as .raw.bz2", "zone2", "RAW", "KVM", "disk.raw.bz2", 200, "upload successful."),
	)

	It("accepts OVA files for VMware zones", func() {
		seed := simulator.DefaultSeed()
		seed.Zones = append(seed.Zones, simulator.SeedZone{Name: "zone3", Hypervisor: "VMware"})
		s := startSim(func(o *simulator.Options) { o.Seed = seed })
		params := xenUploadParams(s, "ova")
		params["zoneid"], params["format"], params["hypervisor"] = s.firstID("listZones", "zone", "zone3"), "OVA", "VMware"
		t := s.uploadTicket(params)
		Expect(fileUpload("image.ova", randomBytes(512)).send(t)).To(Equal(uploadAnswer{200, "upload successful."}))
		Expect(s.templateStatus(t.ID)).To(Equal("Download Complete"))
	})

	DescribeTable("refuses a request without one of the X- headers, and the template shows UploadError",
		func(header string) {
			t := s.uploadTicket(xenUploadParams(s, "stemcell"))
			u := fileUpload("s.vhd", randomBytes(64))
			u.headers = map[string]string{header: ""}
			Expect(u.send(t)).To(Equal(uploadAnswer{400, "signature, metadata and expires are compulsory fields."}))
			Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
		},
		Entry("X-signature", "X-signature"), Entry("X-metadata", "X-metadata"), Entry("X-expires", "X-expires"),
	)

	It("refuses a wrong signature, or a ticket used for another template", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		u := fileUpload("s.vhd", randomBytes(64))
		u.headers = map[string]string{"X-signature": "AAAA" + t.Signature[4:]}
		Expect(u.send(t)).To(Equal(uploadAnswer{400, "signature validation failed."}))
		Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))

		other := s.uploadTicket(xenUploadParams(s, "other"))
		stolen := t
		stolen.PostURL = other.PostURL
		Expect(fileUpload("s.vhd", randomBytes(64)).send(stolen)).To(Equal(uploadAnswer{400, "signature validation failed."}))
	})

	It("refuses a ticket sent to another host name than the postURL's, as the SSVM checks the Host", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		t.PostURL = strings.Replace(t.PostURL, "127.0.0.1", "localhost", 1)
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t)).To(Equal(uploadAnswer{400, "signature validation failed."}))
	})

	It("refuses an expired ticket, and abandons the template nobody uploaded", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		s.Clock.Advance(60*time.Minute + time.Second)
		Expect(s.inventoryTemplate(t.ID)["state"]).To(Equal("UploadAbandoned"))
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t)).To(Equal(uploadAnswer{400, "request not valid anymore."}))
		Expect(s.templateStatus(t.ID)).To(Equal("UploadAbandoned"))
	})

	It("requires a Content-Length: a chunked body is refused and the ticket stays usable", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		u := fileUpload("s.vhd", randomBytes(64))
		u.chunked = true
		Expect(u.send(t)).To(Equal(uploadAnswer{400, "content length is not set in the request or has invalid value."}))
		Expect(s.templateStatus(t.ID)).To(Equal("NotUploaded"))
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t).Status).To(Equal(200))
	})

	It("allows only POST", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		resp, err := http.Get(t.PostURL)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(400))
		Expect(string(b)).To(Equal("only post requests are allowed"))
	})

	It("uses a ticket once: a second upload after success is refused", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t).Status).To(Equal(200))
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t)).To(Equal(uploadAnswer{400, "The one time post url is already used"}))
		s.Clock.Advance(90 * time.Second)
		Expect(fileUpload("s.vhd", randomBytes(64)).send(t)).To(Equal(uploadAnswer{400, "The one time post url is already used"}))
		Expect(s.templateStatus(t.ID)).To(Equal("Download Complete"))
	})

	It("lets a failed upload be retried with the same ticket", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		Expect(fileUpload("s.txt", randomBytes(64)).send(t).Status).To(Equal(400))
		Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
		content := randomBytes(2048)
		Expect(fileUpload("s.vhd", content).send(t).Status).To(Equal(200))
		Expect(s.inventoryTemplate(t.ID)["received_sha256"]).To(Equal(sha256Hex(content)))
		Expect(s.inventoryTemplate(t.ID)).NotTo(HaveKey("error"))
	})

	It("answers 422 when the body holds no file part", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		body := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + testBoundary + "--\r\n"
		req, err := http.NewRequest(http.MethodPost, t.PostURL, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
		req.Header["X-signature"], req.Header["X-metadata"], req.Header["X-expires"] = []string{t.Signature}, []string{t.Metadata}, []string{t.Expires}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(422))
		Expect(string(b)).To(Equal("received entity is not a file"))
		Expect(s.templateStatus(t.ID)).To(Equal("UploadError"))
	})

	It("skips form fields before the file part and also serves the SSVM's /upload?uuid= form", func() {
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		content := randomBytes(1000)
		body := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + testBoundary +
			"\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"root.vhd\"\r\n\r\n" + string(content) + "\r\n--" + testBoundary + "--\r\n"
		req, err := http.NewRequest(http.MethodPost, s.HTTP.URL+"/upload?uuid="+t.ID, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
		// The SSVM signs with the path form; X-Forwarded-Host carries the original host.
		req.Header["X-signature"], req.Header["X-metadata"], req.Header["X-expires"] = []string{t.Signature}, []string{t.Metadata}, []string{t.Expires}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(200))
		Expect(s.inventoryTemplate(t.ID)["received_sha256"]).To(Equal(sha256Hex(content)))
	})

	It("honours Options.Templates.UploadBaseURL in postURL and in the signature check", func() {
		s := startSim(func(o *simulator.Options) { o.Templates.UploadBaseURL = "http://ssvm.example:8210/" })
		t := s.uploadTicket(xenUploadParams(s, "stemcell"))
		Expect(t.PostURL).To(Equal("http://ssvm.example:8210/upload/" + t.ID))
		// Reach the simulator directly, telling it the host the client addressed.
		t.PostURL = s.HTTP.URL + "/upload/" + t.ID
		u := fileUpload("s.vhd", randomBytes(64))
		u.headers = map[string]string{"X-Forwarded-Host": "ssvm.example:8210"}
		Expect(u.send(t)).To(Equal(uploadAnswer{200, "upload successful."}))
	})
})
