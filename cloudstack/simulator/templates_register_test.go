package simulator_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// imageServer serves files on 127.0.0.1, like an operator's web server holding images.
func imageServer(handler http.HandlerFunc) *httptest.Server {
	hs := httptest.NewServer(handler)
	DeferCleanup(hs.Close)
	return hs
}

func serveBytes(content []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content)
	}
}

var _ = Describe("registerTemplate", func() {
	var s *sim

	BeforeEach(func() { s = startSim(nil) })

	register := func(url string, extra ...string) map[string]any {
		params := map[string]string{"name": "registered", "format": "VHD", "hypervisor": "XenServer", "url": url,
			"zoneid": s.firstID("listZones", "zone", "zone1"), "ostypeid": osTypeIDOf(s, "Other PV (64-bit)")}
		for i := 0; i+1 < len(extra); i += 2 {
			params[extra[i]] = extra[i+1]
		}
		body := s.ok("registerTemplate", params)
		Expect(body["count"]).To(BeNumerically("==", len(items(body, "template"))))
		return body
	}

	It("downloads a loopback URL in the background, digesting it like an upload", func() {
		content := randomBytes(300 << 10)
		hs := imageServer(serveBytes(content))
		row := items(register(hs.URL+"/images/root.vhd.bz2"), "template")[0]
		Expect(row).To(HaveKeyWithValue("status", "0% Downloaded"))
		Expect(row).To(HaveKeyWithValue("isready", false))
		Expect(row).To(HaveKeyWithValue("url", hs.URL+"/images/root.vhd.bz2"))
		id := row["id"].(string)

		// The download runs on its own goroutine, against a real (loopback) server.
		Eventually(func() string { return s.templateStatus(id) }, 10*time.Second).Should(Equal("Download Complete"))
		row = s.templateRow(id)
		Expect(row["isready"]).To(BeTrue())
		Expect(row["size"]).To(BeNumerically("==", len(content)))
		inv := s.inventoryTemplate(id)
		Expect(inv["received_sha256"]).To(Equal(sha256Hex(content)))
		Expect(inv["filename"]).To(Equal("root.vhd.bz2"))
	})

	It("reports N% Downloaded while the transfer runs, then waits for the install delay", func() {
		s := startSim(func(o *simulator.Options) { o.Templates.InstallDelay = time.Minute })
		content := randomBytes(200 << 10)
		release := make(chan struct{})
		hs := imageServer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			_, _ = w.Write(content[:len(content)/4])
			w.(http.Flusher).Flush()
			<-release
			_, _ = w.Write(content[len(content)/4:])
		})
		DeferCleanup(func() {
			select {
			case <-release:
			default:
				close(release)
			}
		})
		body := s.ok("registerTemplate", map[string]string{"name": "slow", "format": "QCOW2", "hypervisor": "KVM",
			"url": hs.URL + "/slow.qcow2", "zoneid": s.firstID("listZones", "zone", "zone2"), "ostypeid": osTypeIDOf(s, "Ubuntu 22.04 LTS")})
		id := items(body, "template")[0]["id"].(string)
		Eventually(func() string { return s.templateStatus(id) }, 10*time.Second).Should(Equal("25% Downloaded"))
		close(release)
		Eventually(func() string { return s.templateStatus(id) }, 10*time.Second).Should(Equal("Installing Template"))
		s.Clock.Advance(time.Minute)
		Expect(s.templateStatus(id)).To(Equal("Download Complete"))
	})

	It("shows the SSVM's error text when the server answers an error", func() {
		hs := imageServer(http.NotFound)
		id := items(register(hs.URL+"/missing.vhd"), "template")[0]["id"].(string)
		Eventually(func() string { return s.templateStatus(id) }, 10*time.Second).Should(Equal("HTTP Server returned 404 (expected 200 OK)"))
		row := s.templateRow(id)
		Expect(row["isready"]).To(BeFalse())
		Expect(row["downloaddetails"].([]any)[0]).To(HaveKeyWithValue("downloadState", "DOWNLOAD_ERROR"))
	})

	It("refuses to follow a redirect away from loopback", func() {
		hs := imageServer(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://images.example.org/root.vhd", http.StatusFound)
		})
		id := items(register(hs.URL+"/root.vhd"), "template")[0]["id"].(string)
		Eventually(func() string { return s.templateStatus(id) }, 10*time.Second).Should(ContainSubstring("only downloads from loopback URLs"))
	})

	It("never reaches the network: a non-loopback URL fails its download at once", func() {
		row := items(register("http://images.example.org/root.vhd"), "template")[0]
		Expect(row["status"]).To(ContainSubstring("only downloads from loopback URLs"))
		Expect(row["isready"]).To(BeFalse())
	})

	It("registers in every zone (crossZones) with zoneid=-1 or without a zone, and in the listed zoneids", func() {
		url := "http://images.example.org/root.raw"
		all := map[string]string{"name": "raw", "format": "RAW", "hypervisor": "Simulator", "url": url, "ostypeid": osTypeIDOf(s, "Other (64-bit)")}
		for _, zoneParam := range []map[string]string{{"zoneid": "-1"}, {}, {"zoneids": "-1"}} {
			params := map[string]string{}
			for k, v := range all {
				params[k] = v
			}
			for k, v := range zoneParam {
				params[k] = v
			}
			rows := items(s.ok("registerTemplate", params), "template")
			Expect(names(rows)).To(Equal([]string{"raw@zone1", "raw@zone2"}))
			Expect(rows[0]["id"]).To(Equal(rows[1]["id"]))
			Expect(rows[0]["crossZones"]).To(BeTrue())
		}
		all["zoneids"], all["hypervisor"] = s.firstID("listZones", "zone", "zone2"), "KVM"
		Expect(names(items(s.ok("registerTemplate", all), "template"))).To(Equal([]string{"raw@zone2"}))
		all["zoneids"] = "-1," + all["zoneids"]
		Expect(s.apiError("registerTemplate", all, 431)["errortext"]).To(ContainSubstring("cannot combine All Zones (-1)"))
	})

	DescribeTable("checks the URL like UriUtils",
		func(url, format, text string) {
			params := map[string]string{"name": "t", "format": format, "hypervisor": "KVM", "url": url,
				"zoneid": s.firstID("listZones", "zone", "zone2"), "ostypeid": osTypeIDOf(s, "Ubuntu 22.04 LTS")}
			Expect(s.apiError("registerTemplate", params, 431)["errortext"]).To(Equal(text))
		},
		Entry("extension of another format", "http://127.0.0.1/root.vhd", "QCOW2",
			"Please specify a valid URL. URL:/root.vhd is an invalid for the format qcow2"),
		Entry("no extension", "http://127.0.0.1/image", "RAW", "Please specify a valid URL. URL:/image is an invalid for the format raw"),
		Entry("ftp", "ftp://127.0.0.1/root.qcow2", "QCOW2", "Unsupported scheme for url: ftp://127.0.0.1/root.qcow2"),
	)

	It("validates like getUploadParamsForTemplate, naming registerTemplate's fields", func() {
		params := map[string]string{"name": string(make([]byte, 300)), "format": "VHD", "hypervisor": "XenServer",
			"url": "http://127.0.0.1/r.vhd", "zoneid": s.firstID("listZones", "zone", "zone1"), "ostypeid": osTypeIDOf(s, "Other (64-bit)")}
		Expect(s.apiError("registerTemplate", params, 431)["errortext"]).To(Equal("Value greater than max allowed length 255 for param: templateName"))
		params["name"] = "t"
		delete(params, "url")
		Expect(s.apiError("registerTemplate", params, 431)["errortext"]).To(ContainSubstring("missing parameter url"))
	})
})
