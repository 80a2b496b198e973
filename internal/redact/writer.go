package redact

import (
	"bytes"
	"io"
	"sync"
)

// maxPending bounds what a LineWriter holds back waiting for the end of a
// line (or of a PEM block); past it the text is redacted and written as is.
const maxPending = 64 << 10

// Writer returns a writer that redacts everything written to it before
// passing it on to w. Redaction works on whole lines, so text is held back
// until a '\n' arrives, and while a PEM block spanning several lines is open.
// The returned writer is a *LineWriter: call its Close (or Flush) to write a
// held-back partial last line. Secrets added to r later apply from then on.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	return &LineWriter{redactor: r, out: w}
}

// LineWriter is the redacting writer returned by Redactor.Writer. It is safe
// for concurrent use; each Write reaches the underlying writer as at most
// one Write.
type LineWriter struct {
	redactor *Redactor
	out      io.Writer

	mu      sync.Mutex
	pending []byte
}

// Write redacts and passes on every complete line of what has been written
// so far, and holds back the rest. It reports len(p) unless the underlying
// writer fails, whose error it returns.
func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.pending = append(lw.pending, p...)
	ready := completeLinesEnd(lw.pending)
	if len(lw.pending)-ready > maxPending {
		// A line this long is most likely not a log line at all; better to
		// pass it on than to grow without bound.
		ready = len(lw.pending)
	}
	if err := lw.writeOut(ready); err != nil {
		return len(p), err
	}
	return len(p), nil
}

// Flush redacts and writes whatever is held back, complete line or not.
func (lw *LineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.writeOut(len(lw.pending))
}

// Close flushes (see Flush). It does not close the underlying writer, and the
// LineWriter remains usable.
func (lw *LineWriter) Close() error {
	return lw.Flush()
}

// writeOut redacts and writes pending[:n], keeping the rest.
func (lw *LineWriter) writeOut(n int) error {
	if n == 0 {
		return nil
	}
	text := lw.redactor.String(string(lw.pending[:n]))
	rest := copy(lw.pending, lw.pending[n:])
	lw.pending = lw.pending[:rest]
	_, err := io.WriteString(lw.out, text)
	return err
}

// completeLinesEnd returns how much of b can be redacted now: up to its last
// '\n', but not past the start of a line that opens a PEM block whose END
// has not arrived yet (its body lines would not be recognised on their own).
func completeLinesEnd(b []byte) int {
	end := bytes.LastIndexByte(b, '\n') + 1
	open := bytes.LastIndex(b, []byte(pemBegin))
	if open < 0 || open >= end || bytes.Contains(b[open:end], []byte("-----END ")) {
		return end
	}
	return bytes.LastIndexByte(b[:open], '\n') + 1
}
