package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// signedGet calls the API with keys K/S and returns the body under the response key.
func signedGet(endpoint, command string, params map[string]string) map[string]any {
	v := url.Values{}
	for k, val := range params {
		v.Set(k, val)
	}
	v.Set("command", command)
	v.Set("apiKey", "K")
	v.Set("response", "json")
	v.Set("signature", simulator.SignParams(v, "S"))
	resp, err := http.Get(endpoint + "?" + strings.ReplaceAll(v.Encode(), "+", "%20"))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	var envelope map[string]map[string]any
	Expect(json.NewDecoder(resp.Body).Decode(&envelope)).To(Succeed())
	Expect(resp.StatusCode).To(Equal(200), "%s: %v", command, envelope)
	for _, body := range envelope {
		return body
	}
	return nil
}

func firstOf(body map[string]any, key string) map[string]any {
	return body[key].([]any)[0].(map[string]any)
}

var _ = Describe("cloudstack-simulator template flags", func() {
	It("puts -upload-base-url in postURL and keeps uploads Installing for -template-install-delay", func() {
		_, lines := start("-api-key", "K", "-secret-key", "S", "-template-install-delay", "1h", "-upload-base-url", "http://ssvm.example:8210")
		endpoint := lines["endpoint"]
		zone := firstOf(signedGet(endpoint, "listZones", map[string]string{"name": "zone1"}), "zone")["id"].(string)
		os := firstOf(signedGet(endpoint, "listOsTypes", map[string]string{"description": "Other PV"}), "ostype")["id"].(string)
		ticket := signedGet(endpoint, "getUploadParamsForTemplate", map[string]string{"name": "s", "displaytext": "s",
			"format": "VHD", "hypervisor": "XenServer", "zoneid": zone, "ostypeid": os})["getuploadparams"].(map[string]any)
		id := ticket["id"].(string)
		Expect(ticket["postURL"]).To(Equal("http://ssvm.example:8210/upload/" + id))

		body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.vhd\"\r\n\r\nimage bytes\r\n--b--\r\n"
		req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(endpoint, "/client/api")+"/upload/"+id, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		req.Header.Set("X-Forwarded-Host", "ssvm.example:8210")
		for header, field := range map[string]string{"X-signature": "signature", "X-metadata": "metadata", "X-expires": "expires"} {
			req.Header[header] = []string{fmt.Sprint(ticket[field])}
		}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(200), string(answer))

		listed := firstOf(signedGet(endpoint, "listTemplates", map[string]string{"templatefilter": "self", "id": id}), "template")
		Expect(listed["status"]).To(Equal("Installing Template"))
	})

	It("refuses a malformed -upload-base-url", func() {
		session, err := gexec.Start(exec.Command(binary, "-upload-base-url", "ftp://ssvm"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(session, 10*time.Second).Should(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(ContainSubstring(`upload base URL "ftp://ssvm" must look like http://host[:port]`))
	})
})
