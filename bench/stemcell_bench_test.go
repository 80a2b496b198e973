package bench_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// sparseVHDX is a cloudstack-vhdx image of the given size: the fixture's bzip2 VHD header (all that format
// detection reads) followed by a sparse tail, so a 2 GiB image costs no disk.
func sparseVHDX(dir string, size int64) string {
	header, err := os.ReadFile(filepath.Join("..", "stemcell", "testdata", "tiny.vhd.bz2"))
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(dir, fmt.Sprintf("image-%d", size))
	Expect(os.WriteFile(path, header, 0o644)).To(Succeed())
	Expect(os.Truncate(path, size)).To(Succeed())
	return path
}

// plainUpload is the baseline: the same bytes streamed to the same storage VM endpoint with nothing but
// net/http, using a ticket the simulator hands out.
func plainUpload(sim *simulator.Server, endpoint, image string) time.Duration {
	ticket := uploadTicket(sim, endpoint)
	f, err := os.Open(image)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	info, err := f.Stat()
	Expect(err).NotTo(HaveOccurred())
	head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"baseline.vhd.bz2\"\r\n\r\n"
	tail := "\r\n--b--\r\n"
	req, err := http.NewRequest(http.MethodPost, ticket.PostURL, io.MultiReader(strings.NewReader(head), f, strings.NewReader(tail)))
	Expect(err).NotTo(HaveOccurred())
	req.ContentLength = int64(len(head)) + info.Size() + int64(len(tail))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header["X-signature"] = []string{ticket.Signature}
	req.Header["X-metadata"] = []string{ticket.Metadata}
	req.Header["X-expires"] = []string{ticket.Expires}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(200))
	return time.Since(start)
}

type ticket struct {
	PostURL   string `json:"postURL"`
	Signature string `json:"signature"`
	Metadata  string `json:"metadata"`
	Expires   string `json:"expires"`
}

// uploadTicket asks the simulator for upload parameters through its API, signed like any client.
func uploadTicket(sim *simulator.Server, endpoint string) ticket {
	body := signedGet(endpoint, sim.APIKey(), sim.SecretKey(), map[string]string{
		"command": "getUploadParamsForTemplate", "name": "baseline", "displaytext": "baseline", "format": "VHD",
		"hypervisor": "XenServer", "zoneid": zoneID(endpoint, sim), "ostypeid": osTypeID(endpoint, sim),
	})
	var resp struct {
		R struct {
			P ticket `json:"getuploadparams"`
		} `json:"postuploadtemplateresponse"`
	}
	Expect(json.Unmarshal(body, &resp)).To(Succeed(), string(body))
	return resp.R.P
}

// runCPI runs one request through the binary and returns its wall time and peak RSS (KiB).
func runCPIMeasured(configPath, request string) (time.Duration, int64, string) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(cpiBinary, "-configFile", configPath)
	cmd.Stdin = strings.NewReader(request)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	Expect(cmd.Run()).To(Succeed())
	elapsed := time.Since(start)
	var resp struct {
		Result any
		Error  any
	}
	Expect(json.Unmarshal(stdout.Bytes(), &resp)).To(Succeed())
	Expect(resp.Error).To(BeNil(), stderr.String())
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	return elapsed, rss, fmt.Sprint(resp.Result)
}

var _ = Describe("create_stemcell upload", func() {
	It("streams at close to a plain copy's speed, with flat memory", func() {
		sim, err := simulator.New(simulator.Options{})
		Expect(err).NotTo(HaveOccurred())
		server := httptest.NewServer(sim)
		DeferCleanup(server.Close)
		endpoint := server.URL + "/client/api"
		dir := GinkgoT().TempDir()
		config := filepath.Join(dir, "cpi.json")
		Expect(os.WriteFile(config, []byte(fmt.Sprintf(`{"cloudstack":{"endpoint":%q,"api_key":%q,"secret_access_key":%q,
			"default_zone":"zone1","polling":{"initial_interval_ms":10,"max_interval_ms":100}},
			"agent":{"mbus":"https://mbus:p@0.0.0.0:6868"}}`, endpoint, sim.APIKey(), sim.SecretKey())), 0o600)).To(Succeed())

		for _, size := range []int64{200 << 20, 2 << 30} {
			image := sparseVHDX(dir, size)
			request := fmt.Sprintf(`{"method":"create_stemcell","arguments":[%q,{"name":"bench","version":"1","hypervisor":"xen"}],
				"context":{"director_uuid":"bench"},"api_version":2}`, image)
			// Best of three, alternating, so that neither side gets the warm cache or the quiet machine.
			var baseline, cpiTime time.Duration
			var rss int64
			for range 3 {
				b := plainUpload(sim, endpoint, image)
				c, r, _ := runCPIMeasured(config, request)
				if baseline == 0 || b < baseline {
					baseline = b
				}
				if cpiTime == 0 || c < cpiTime {
					cpiTime = c
				}
				rss = max(rss, r)
			}
			label := fmt.Sprintf("%dMiB", size>>20)
			GinkgoWriter.Printf("BENCH create_stemcell %s: cpi %s, plain copy %s, peak RSS %d KiB\n", label, cpiTime, baseline, rss)
			report("create_stemcell_"+label+"_throughput_ratio_vs_plain_copy", baseline.Seconds()/cpiTime.Seconds())
			report("create_stemcell_"+label+"_cpi_MiB_per_s", float64(size>>20)/cpiTime.Seconds())
			report("create_stemcell_"+label+"_plain_copy_MiB_per_s", float64(size>>20)/baseline.Seconds())
			report("create_stemcell_"+label+"_cpi_peak_rss_MiB", float64(rss)/1024)
			Expect(os.Remove(image)).To(Succeed())
		}
	})
})
