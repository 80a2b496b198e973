package stemcell

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// Ticket is what getUploadParamsForTemplate hands out: where and how to POST one image, once.
type Ticket struct {
	PostURL   string
	Signature string
	Metadata  string
	Expires   string
}

// Logger is the little the stemcell package logs through.
type Logger interface {
	Debug(component, msg string, args ...any)
	Info(component, msg string, args ...any)
	Warn(component, msg string, args ...any)
}

// UploadError is a failed upload. Transient ones (the connection broke, the server answered 5xx) are
// worth another ticket; the others are not.
type UploadError struct {
	Transient bool
	Status    int // HTTP status, 0 when the connection failed
	Text      string
	Err       error
}

func (e *UploadError) Error() string {
	switch {
	case e.Status != 0:
		return fmt.Sprintf("upload answered HTTP %d: %s", e.Status, e.Text)
	case e.Err != nil:
		return "upload failed: " + e.Err.Error()
	}
	return "upload failed: " + e.Text
}

func (e *UploadError) Unwrap() error { return e.Err }

// sourceError marks a failure to read the image itself (truncated archive, disk error): retrying the
// upload cannot help.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// sourceReader marks read failures of the image as sourceErrors and says how far it got. A stream that
// ends before the size Inspect found is one too: left alone, the transport would report the short body
// as a broken request, which reads as a network failure worth retrying.
type sourceReader struct {
	r          io.Reader
	want, read int64
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.read += int64(n)
	if errors.Is(err, io.EOF) && s.read < s.want {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && !errors.Is(err, io.EOF) {
		what := "reading the stemcell image failed after %d of %d bytes: %w"
		if errors.Is(err, io.ErrUnexpectedEOF) {
			what = "reading the stemcell image failed after %d of %d bytes: the image is truncated: %w"
		}
		err = &sourceError{fmt.Errorf(what, s.read, s.want, err)}
	}
	return n, err
}

// Uploader POSTs images to the secondary storage VM.
type Uploader struct {
	// Client must verify TLS like the API client and must have no overall timeout: the answer to a
	// multi-gigabyte upload comes only after the storage VM has processed the file.
	Client *http.Client
	Log    Logger
}

// Upload streams img as the one file of a multipart POST with an exact Content-Length (the storage
// VM refuses chunked bodies). Memory use does not depend on the image's size.
func (u Uploader) Upload(ctx context.Context, ticket Ticket, img Image, fileName string) error {
	src, err := img.Open()
	if err != nil {
		return &sourceError{err}
	}

	boundary := newBoundary()
	head := "--" + boundary + "\r\n" +
		`Content-Disposition: form-data; name="file"; filename="` + fileName + "\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	progress := &progressReader{r: &sourceReader{r: src, want: img.Size}, total: img.Size, log: u.Log}
	// The transport closes the body (and so the image) when it is done with it, which may be after Do
	// returned: a storage VM that answers early leaves the transport still writing.
	body := uploadBody{
		Reader: io.MultiReader(strings.NewReader(head), io.LimitReader(progress, img.Size), strings.NewReader(tail)),
		image:  src,
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ticket.PostURL, body)
	if err != nil {
		src.Close()
		return &UploadError{Text: fmt.Sprintf("bad upload URL from CloudStack: %s", err)}
	}
	req.ContentLength = int64(len(head)) + img.Size + int64(len(tail))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	// Assigned directly so the names keep this exact case: older storage VMs match them case-sensitively
	// and Header.Set would send X-Signature.
	req.Header["X-signature"] = []string{ticket.Signature}
	req.Header["X-metadata"] = []string{ticket.Metadata}
	req.Header["X-expires"] = []string{ticket.Expires}

	u.Log.Info("stemcell.Uploader", "uploading %s (%d MiB) to %s", fileName, img.Size>>20, redactURL(ticket.PostURL))
	resp, err := u.Client.Do(req)
	if err != nil {
		var se *sourceError
		if errors.As(err, &se) {
			return se
		}
		if ctx.Err() != nil {
			return &UploadError{Err: ctx.Err()}
		}
		return &UploadError{Transient: true, Err: err}
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if sent := progress.sent.Load(); sent < img.Size && resp.StatusCode < 300 {
		return &UploadError{Transient: true, Text: fmt.Sprintf("server answered before receiving the whole image (%d of %d bytes)", sent, img.Size)}
	}
	if resp.StatusCode >= 300 {
		return &UploadError{Transient: resp.StatusCode >= 500, Status: resp.StatusCode, Text: strings.TrimSpace(string(text))}
	}
	u.Log.Info("stemcell.Uploader", "uploaded %s: %s", fileName, strings.TrimSpace(string(text)))
	return nil
}

// IsTransient tells whether another attempt, with a fresh ticket, may succeed.
func IsTransient(err error) bool {
	var ue *UploadError
	return errors.As(err, &ue) && ue.Transient
}

func newBoundary() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "bosh-cloudstack-cpi-" + hex.EncodeToString(b)
}

// redactURL drops the query: the ticket is in headers, but a storage VM URL may carry one.
func redactURL(u string) string {
	base, _, _ := strings.Cut(u, "?")
	return base
}

// uploadBody is the request body; closing it closes the image stream.
type uploadBody struct {
	io.Reader
	image io.Closer
}

func (b uploadBody) Close() error { return b.image.Close() }

// progressReader logs upload progress at every tenth of the image. It runs on the transport's goroutine;
// sent is also read by Upload, possibly while the transport still writes.
type progressReader struct {
	r         io.Reader
	total     int64
	sent      atomic.Int64
	lastTenth int64
	log       Logger
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	sent := p.sent.Add(int64(n))
	if p.total > 0 {
		if tenth := sent * 10 / p.total; tenth > p.lastTenth && tenth < 10 {
			p.lastTenth = tenth
			p.log.Info("stemcell.Uploader", "uploaded %d%% (%d of %d MiB)", tenth*10, sent>>20, p.total>>20)
		}
	}
	return n, err
}
