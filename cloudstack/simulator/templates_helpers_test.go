package simulator_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/apache/cloudstack-go/v2/cloudstack"
	. "github.com/onsi/gomega"
)

// Helpers for the template family's tests: upload tickets, multipart uploads that stream
// with an exact Content-Length, and template rows as listTemplates shows them.

// uploadTicket is getUploadParamsForTemplate's answer.
type uploadTicket struct {
	ID, PostURL, Metadata, Expires, Signature string
}

func zoneIDOf(cs *cloudstack.CloudStackClient, name string) string {
	id, _, err := cs.Zone.GetZoneID(name)
	Expect(err).NotTo(HaveOccurred())
	return id
}

func osTypeIDOf(s *sim, description string) string {
	return s.firstID("listOsTypes", "ostype", description)
}

// xenUploadParams are valid getUploadParamsForTemplate parameters for zone1 (XenServer).
func xenUploadParams(s *sim, name string) map[string]string {
	return map[string]string{"name": name, "displaytext": name + " stemcell", "format": "VHD",
		"hypervisor": "XenServer", "zoneid": s.firstID("listZones", "zone", "zone1"),
		"ostypeid": osTypeIDOf(s, "Other PV (64-bit)")}
}

func (s *sim) uploadTicket(params map[string]string) uploadTicket {
	body := s.ok("getUploadParamsForTemplate", params)
	p := body["getuploadparams"].(map[string]any)
	return uploadTicket{ID: p["id"].(string), PostURL: p["postURL"].(string), Metadata: p["metadata"].(string),
		Expires: p["expires"].(string), Signature: p["signature"].(string)}
}

// multipartUpload is a streaming multipart/form-data request for one file part.
type multipartUpload struct {
	fileName string
	content  io.Reader
	size     int64
	// headers overrides the X-* headers (an empty value drops the header).
	headers map[string]string
	// chunked sends the body without a Content-Length.
	chunked bool
}

const testBoundary = "simulatorTestBoundary7MA4YWxkTrZu0gW"

func (u multipartUpload) request(t uploadTicket) *http.Request {
	head := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + u.fileName +
		"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--" + testBoundary + "--\r\n"
	body := io.MultiReader(strings.NewReader(head), u.content, strings.NewReader(tail))
	req, err := http.NewRequest(http.MethodPost, t.PostURL, body)
	Expect(err).NotTo(HaveOccurred())
	req.ContentLength = int64(len(head)) + u.size + int64(len(tail))
	if u.chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
	headers := map[string]string{"X-signature": t.Signature, "X-metadata": t.Metadata, "X-expires": t.Expires}
	for k, v := range u.headers {
		headers[k] = v
	}
	for k, v := range headers {
		if v != "" {
			// Direct assignment keeps CloudStack's header spelling, as the CPI sends it.
			req.Header[k] = []string{v}
		}
	}
	return req
}

// uploadAnswer is the upload endpoint's text/plain answer.
type uploadAnswer struct {
	Status int
	Text   string
}

func (u multipartUpload) send(t uploadTicket) uploadAnswer {
	resp, err := http.DefaultClient.Do(u.request(t))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain; charset=UTF-8"))
	return uploadAnswer{Status: resp.StatusCode, Text: string(b)}
}

func fileUpload(name string, content []byte) multipartUpload {
	return multipartUpload{fileName: name, content: bytes.NewReader(content), size: int64(len(content))}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// uploadedTemplate uploads a small VHD to zone1 and returns the template id (ready when
// the install delay is 0).
func (s *sim) uploadedTemplate(name string) string {
	t := s.uploadTicket(xenUploadParams(s, name))
	Expect(fileUpload(name+".vhd.bz2", randomBytes(4096)).send(t)).To(Equal(uploadAnswer{200, "upload successful."}))
	return t.ID
}

// templateRows lists a template's rows with templatefilter=all.
func (s *sim) templateRows(id string, extra ...string) []map[string]any {
	params := map[string]string{"templatefilter": "all", "id": id}
	for i := 0; i+1 < len(extra); i += 2 {
		params[extra[i]] = extra[i+1]
	}
	return items(s.ok("listTemplates", params), "template")
}

// templateRow is the single row of a template (in zone1 unless it is elsewhere).
func (s *sim) templateRow(id string) map[string]any {
	rows := s.templateRows(id)
	Expect(rows).To(HaveLen(1), "template %s rows: %v", id, rows)
	return rows[0]
}

func (s *sim) templateStatus(id string) string { return fmt.Sprint(s.templateRow(id)["status"]) }

// inventoryTemplates returns the templates table of /admin/inventory.
func (s *sim) inventoryTemplates() []map[string]any {
	inv, err := s.Server.Inventory()
	Expect(err).NotTo(HaveOccurred())
	var out []map[string]any
	for _, raw := range inv["templates"] {
		var m map[string]any
		Expect(jsonUnmarshal(raw, &m)).To(Succeed())
		out = append(out, m)
	}
	return out
}

func (s *sim) inventoryTemplate(id string) map[string]any {
	for _, t := range s.inventoryTemplates() {
		if t["id"] == id {
			return t
		}
	}
	return nil
}
