package stemcell_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// storageServer plays the secondary storage VM's upload endpoint on 127.0.0.1: it parses each POST as
// the SSVM does and answers in turn from answers (then "200 upload successful.").
type storageServer struct {
	*httptest.Server
	mu       sync.Mutex
	answers  []storageAnswer
	received []receivedUpload
	// onRequest, when set, is told of each request as it arrives (the manager tests keep a journal).
	onRequest func(r *http.Request)
}

type storageAnswer struct {
	Status int
	Text   string
	// HangUp closes the connection after the first few KiB of the body, without answering.
	HangUp bool
	// AtOnce answers before reading the body.
	AtOnce bool
}

// receivedUpload is what the server saw of one POST.
type receivedUpload struct {
	Method           string
	Path             string
	Header           http.Header
	ContentLength    int64
	TransferEncoding []string
	BodyLength       int64 // bytes that actually came
	FileParts        int
	FormName         string
	FileName         string
	File             []byte
	MultipartErr     error
}

func newStorageServer(answers ...storageAnswer) *storageServer {
	s := &storageServer{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	DeferCleanup(s.Close)
	return s
}

func (s *storageServer) handle(w http.ResponseWriter, r *http.Request) {
	if s.onRequest != nil {
		s.onRequest(r)
	}
	s.mu.Lock()
	answer := storageAnswer{Status: http.StatusOK, Text: "upload successful."}
	if n := len(s.received); n < len(s.answers) {
		answer = s.answers[n]
	}
	s.mu.Unlock()

	got := receivedUpload{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(),
		ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding}
	body := &countingReader{r: r.Body}
	if answer.HangUp {
		_, _ = io.CopyN(io.Discard, body, 4096)
		got.BodyLength = body.n
		s.record(got)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	if answer.AtOnce {
		s.record(got)
		w.WriteHeader(answer.Status)
		_, _ = io.WriteString(w, answer.Text)
		return
	}
	got.readMultipart(body, r.Header.Get("Content-Type"))
	_, _ = io.Copy(io.Discard, body)
	got.BodyLength = body.n
	s.record(got)
	w.WriteHeader(answer.Status)
	_, _ = io.WriteString(w, answer.Text)
}

func (got *receivedUpload) readMultipart(body io.Reader, contentType string) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		got.MultipartErr = err
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			got.MultipartErr = err
			return
		}
		if part.FileName() != "" {
			got.FileParts++
			got.FormName, got.FileName = part.FormName(), part.FileName()
			got.File, got.MultipartErr = io.ReadAll(part)
		}
	}
}

func (s *storageServer) record(got receivedUpload) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, got)
}

func (s *storageServer) Received() []receivedUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedUpload(nil), s.received...)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
