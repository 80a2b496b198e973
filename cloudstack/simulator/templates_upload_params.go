package simulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// uploadTimeout is upload.operation.timeout: how long an upload ticket is valid, and after
// which a template nobody uploaded is abandoned.
const uploadTimeout = 60 * time.Minute

// uploadExpiresFormat is Joda's ISO form with milliseconds, which CloudStack sends.
const uploadExpiresFormat = "2006-01-02T15:04:05.000Z07:00"

// uploadTicket is the simulator's upload metadata. CloudStack encrypts its
// TemplateOrVolumePostUploadCommand with the SSVM key; the simulator only needs to
// recognise its own tickets, which the signature already guarantees, so it base64-encodes.
type uploadTicket struct {
	EntityUUID string `json:"entityUUID"`
	ZoneID     string `json:"zoneId"`
	Format     string `json:"format"`
	Nonce      string `json:"nonce"`
}

type uploadParamsView struct {
	Expires   string `json:"expires"`
	ID        string `json:"id"`
	Metadata  string `json:"metadata"`
	PostURL   string `json:"postURL"`
	Signature string `json:"signature"`
}

// uploadKey is the simulator's SSVM pre-shared key, derived from the secret key so that
// tickets stay valid across a -state restart.
func (s *Server) uploadKey() []byte {
	mac := hmac.New(sha256.New, []byte(s.secretKey))
	mac.Write([]byte("cloudstack-simulator template upload"))
	return mac.Sum(nil)
}

// uploadSignature is EncryptionUtil.generateSignature(metadata + postURL + expires, key):
// HMAC-SHA1, base64.
func uploadSignature(key []byte, metadata, postURL, expires string) string {
	mac := hmac.New(sha1.New, key)
	mac.Write([]byte(metadata + postURL + expires))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func encodeTicket(t uploadTicket) string {
	b, _ := json.Marshal(t)
	return base64.StdEncoding.EncodeToString(b)
}

func decodeTicket(metadata string) (uploadTicket, error) {
	var t uploadTicket
	b, err := base64.StdEncoding.DecodeString(metadata)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err == nil && (t.EntityUUID == "" || t.ZoneID == "") {
		err = errors.New("incomplete ticket")
	}
	return t, err
}

// uploadBase is scheme://host[:port] of postURL: Options.Templates.UploadBaseURL, or the
// address the client used to reach the API.
func (s *Server) uploadBase(requestBase string) string {
	if base := strings.TrimRight(s.opts.Templates.UploadBaseURL, "/"); base != "" {
		return base
	}
	if requestBase == "" {
		return "http://127.0.0.1"
	}
	return requestBase
}

// uploadScheme is the scheme the upload endpoint verifies signatures with (the SSVM's
// use.https.to.upload): that of UploadBaseURL, else that of the request itself.
func (s *Server) uploadScheme(requestTLS bool) string {
	if base := s.opts.Templates.UploadBaseURL; base != "" {
		if i := strings.Index(base, "://"); i > 0 {
			return base[:i]
		}
	}
	if requestTLS {
		return "https"
	}
	return "http"
}

// getUploadParamsForTemplate creates the template in NotUploaded and hands out a one-time
// upload ticket for the simulator's own /upload/<id> endpoint.
func getUploadParamsForTemplate(c *Call) (any, error) {
	spec := templateSpec{Name: c.Required("name"), DisplayText: c.String("displaytext"),
		Format: c.Required("format"), Hypervisor: c.Required("hypervisor")}
	zoneID := c.RequiredID("zoneid", zoneExistsIn(c.Store))
	spec.OSTypeID = c.RequiredID("ostypeid", osTypeExistsIn(c.Store))
	readTemplateFlags(c, &spec)
	if err := c.Err(); err != nil {
		return nil, err
	}
	if err := validateTemplateSpec(c.Store, &spec, "name", []string{zoneID}); err != nil {
		return nil, err
	}
	rows := newTemplateRows(c.Store, spec, []string{zoneID}, TemplateNotUploaded, c.Now)
	t := rows[0]
	t.UploadExpires = c.Now.Add(uploadTimeout)
	putTemplateRows(c.Store, rows)
	c.srv.scheduleTemplateSettle(t.UploadExpires)

	postURL := c.srv.uploadBase(c.BaseURL) + "/upload/" + t.ID
	expires := t.UploadExpires.UTC().Format(uploadExpiresFormat)
	metadata := encodeTicket(uploadTicket{EntityUUID: t.ID, ZoneID: zoneID, Format: t.Format, Nonce: newUUID()})
	return Object("getuploadparams", uploadParamsView{
		Expires: expires, ID: t.ID, Metadata: metadata, PostURL: postURL,
		Signature: uploadSignature(c.srv.uploadKey(), metadata, postURL, expires),
	}), nil
}
