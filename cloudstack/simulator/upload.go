package simulator

import (
	"bufio"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The upload endpoint plays the secondary storage VM's HTTP upload server
// (HttpUploadServerHandler + NfsPostUploadRequestValidationService): POST multipart to the
// postURL of getUploadParamsForTemplate with the X-signature, X-metadata and X-expires
// headers. Texts and status codes are the SSVM's. The body is streamed: counted and
// hashed in fixed buffers, never stored.

const (
	textCompulsoryHeaders = "signature, metadata and expires are compulsory fields."
	textContentLength     = "content length is not set in the request or has invalid value."
	textBadSignature      = "signature validation failed."
	textExpired           = "request not valid anymore."
	textTicketUsed        = "The one time post url is already used"
	textReceiveFailed     = "file receive failed or connection closed prematurely."
	textNotAFile          = "received entity is not a file"
	textUploadOK          = "upload successful."
)

func mountUploadRoutes(srv *Server, mux *http.ServeMux) {
	h := uploadHandler{srv: srv}
	mux.Handle("/upload/", h) // /upload/<uuid>, the postURL
	mux.Handle("/upload", h)  // /upload?uuid=<uuid>, as the SSVM's Apache rewrites it
}

type uploadHandler struct{ srv *Server }

// uploadFailure is an answer plus, when the SSVM records it, the error that puts the
// template in UploadError.
type uploadFailure struct {
	status    int
	text      string
	markError bool
}

func writeUploadAnswer(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}

func uploadID(r *http.Request) string {
	if r.URL.Path == "/upload" {
		return r.URL.Query().Get("uuid")
	}
	return strings.TrimPrefix(r.URL.Path, "/upload/")
}

func (h uploadHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeUploadAnswer(w, http.StatusBadRequest, "only post requests are allowed")
		return
	}
	id := uploadID(r)
	ticket, f := h.validate(r, id)
	if f != nil {
		if f.markError {
			h.rejectUpload(id, f.text)
		}
		writeUploadAnswer(w, f.status, f.text)
		return
	}
	rule, f := h.begin(id, ticket.ZoneID)
	if f != nil {
		writeUploadAnswer(w, f.status, f.text)
		return
	}
	h.receive(w, r, id, ticket, rule)
}

// validate is validatePostUploadRequest: compulsory headers, Content-Length, signature
// over metadata + postURL + expires, expiry, then the metadata itself.
func (h uploadHandler) validate(r *http.Request, id string) (uploadTicket, *uploadFailure) {
	signature, metadata, expires := r.Header.Get("X-signature"), r.Header.Get("X-metadata"), r.Header.Get("X-expires")
	if signature == "" || metadata == "" || expires == "" {
		return uploadTicket{}, &uploadFailure{http.StatusBadRequest, textCompulsoryHeaders, true}
	}
	if r.ContentLength <= 0 {
		return uploadTicket{}, &uploadFailure{http.StatusBadRequest, textContentLength, false}
	}
	host := r.Header.Get("X-Forwarded-Host")
	if host == "" {
		host = r.Host
	}
	postURL := h.srv.uploadScheme(r.TLS != nil) + "://" + host + "/upload/" + id
	want := uploadSignature(h.srv.uploadKey(), metadata, postURL, expires)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return uploadTicket{}, &uploadFailure{http.StatusBadRequest, textBadSignature, true}
	}
	deadline, err := time.Parse(uploadExpiresFormat, expires)
	if err != nil || deadline.Before(h.srv.clock.Now()) {
		return uploadTicket{}, &uploadFailure{http.StatusBadRequest, textExpired, true}
	}
	ticket, err := decodeTicket(metadata)
	if err != nil || ticket.EntityUUID != id {
		return uploadTicket{}, &uploadFailure{http.StatusBadRequest, "unable to decode and deserialize metadata.", false}
	}
	return ticket, nil
}

// begin claims the ticket: only a template waiting for its upload (or whose previous
// attempt failed) accepts one. It numbers the upload for fault injection.
func (h uploadHandler) begin(id, zoneID string) (rule *FaultRule, f *uploadFailure) {
	h.srv.Do(func(st *Store) {
		settleTemplates(st, h.srv.clock.Now())
		t, ok := TemplateTable(st).Get(templateKey(id, zoneID))
		switch {
		case !ok || t.IsRemoved():
			f = &uploadFailure{http.StatusBadRequest, "no template " + id + " waits for an upload", false}
		case t.State == TemplateUploadAbandoned:
			f = &uploadFailure{http.StatusBadRequest, textExpired, false}
		case t.State != TemplateNotUploaded && t.State != TemplateUploadError:
			f = &uploadFailure{http.StatusBadRequest, textTicketUsed, false}
		default:
			t.State, t.Percent, t.Error = TemplateUploadInProgress, 0, ""
			rule = h.srv.faults.countCall("upload")
		}
	})
	return rule, f
}

// receive streams the multipart body, then answers as the SSVM does after post-processing.
func (h uploadHandler) receive(w http.ResponseWriter, r *http.Request, id string, ticket uploadTicket, rule *FaultRule) {
	counter := newProgressReader(r.Body, r.ContentLength, func(pct int) {
		h.srv.Do(func(st *Store) {
			if t, ok := TemplateTable(st).Get(templateKey(id, ticket.ZoneID)); ok && t.State == TemplateUploadInProgress {
				t.Percent = pct
			}
		})
	})
	if rule != nil && rule.Kind == "job" {
		counter.abortAt = r.ContentLength / 2
	}
	body := bufio.NewReaderSize(counter, transferBufferSize)

	fileName, sink, err := readFilePart(r.Header.Get("Content-Type"), body)
	if err == nil {
		_, err = io.CopyBuffer(io.Discard, body, make([]byte, 32<<10)) // the closing boundary
	}
	switch {
	case errors.Is(err, errTransferAborted):
		h.failUpload(id, ticket.ZoneID, textReceiveFailed)
		closeConnection(w)
		return
	case errors.Is(err, errNoFilePart):
		h.failUpload(id, ticket.ZoneID, textReceiveFailed)
		writeUploadAnswer(w, http.StatusUnprocessableEntity, textNotAFile)
		return
	case err != nil:
		h.failUpload(id, ticket.ZoneID, textReceiveFailed)
		writeUploadAnswer(w, http.StatusBadRequest, textReceiveFailed)
		return
	}
	if f := checkUploadedFile(ticket.Format, fileName); f != nil {
		h.failUpload(id, ticket.ZoneID, f.text)
		writeUploadAnswer(w, f.status, f.text)
		return
	}
	if rule != nil {
		status, text := uploadFault(rule)
		h.failUpload(id, ticket.ZoneID, text)
		writeUploadAnswer(w, status, text)
		return
	}
	h.srv.Do(func(st *Store) {
		t, ok := TemplateTable(st).Get(templateKey(id, ticket.ZoneID))
		if ok && t.State == TemplateUploadInProgress {
			h.srv.markTemplateInstalled([]*Template{t}, sink.n, sink.sha256Hex(), fileName)
		}
	})
	writeUploadAnswer(w, http.StatusOK, textUploadOK)
}

// uploadFault is the answer of an upload failed by an "http" fault rule: its errorcode
// (500 by default) after the body was received, as a failed SSVM post-processing answers.
func uploadFault(rule *FaultRule) (int, string) {
	status := rule.ErrorCode
	if status == 0 {
		status = http.StatusInternalServerError
	}
	text := rule.Message
	if text == "" {
		text = fmt.Sprintf("Simulated failure of upload (fault injection, status %d)", status)
	}
	return status, text
}

var errNoFilePart = errors.New("no file part")

// readFilePart digests the first file part of a multipart body, skipping form fields. The
// SSVM does not check the part's field name (the UI sends files[], others file).
func readFilePart(contentType string, body io.Reader) (string, *digestSink, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") || params["boundary"] == "" {
		if _, err := drain(body); err != nil {
			return "", nil, err
		}
		return "", nil, errNoFilePart
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, errNoFilePart
		}
		if err != nil {
			return "", nil, err
		}
		if part.FileName() == "" {
			if _, err := drain(part); err != nil {
				return "", nil, err
			}
			continue
		}
		sink, err := drain(part)
		return part.FileName(), sink, err
	}
}

// checkUploadedFile applies the SSVM's format checks to the file name, since the simulator
// does not look inside the bytes: a name that is no image at all fails the content check
// (400), an image of another format than the declared one fails post-processing (500).
func checkUploadedFile(format, fileName string) *uploadFailure {
	kind, compression := imageKind(fileName)
	if kind == "" {
		return &uploadFailure{http.StatusBadRequest, fmt.Sprintf(
			"File type mismatch between the sent file and the actual content. Received: data (file name %q has no image extension)", fileName), true}
	}
	if !extensionMatches(format, fileName) {
		return &uploadFailure{http.StatusInternalServerError, fmt.Sprintf(
			"File type mismatch between uploaded file and selected format. Selected file format: %s%s. Received: %s image (file name %q)",
			format, compression, kind, fileName), true}
	}
	return nil
}

// rejectUpload records a request the SSVM refused before receiving anything: a template
// still waiting for its upload goes to UploadError (an upload in progress is untouched).
func (h uploadHandler) rejectUpload(id, text string) {
	h.srv.Do(func(st *Store) {
		for _, t := range liveTemplateRows(st, id, "") {
			if t.State == TemplateNotUploaded || t.State == TemplateUploadError {
				t.State, t.Error = TemplateUploadError, text
			}
		}
	})
}

// failUpload ends the upload in progress with UploadError, keeping the SSVM's error text on
// the row. A new POST with the same ticket may retry it.
func (h uploadHandler) failUpload(id, zoneID, text string) {
	h.srv.Do(func(st *Store) {
		if t, ok := TemplateTable(st).Get(templateKey(id, zoneID)); ok && t.State == TemplateUploadInProgress {
			t.State, t.Error = TemplateUploadError, text
		}
	})
}

// closeConnection drops the client's connection mid-request, as a crashed SSVM would.
func closeConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
