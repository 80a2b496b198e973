package cpi

import (
	"bytes"
	"io"
	"strings"
	"sync"

	boshlog "github.com/cloudfoundry/bosh-utils/logger"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// Logger writes every line to stderr and keeps a copy for the response's `log`, both after redaction,
// each line tagged with the request ID so one call can be followed through the director's task log.
type Logger struct {
	inner     boshlog.Logger
	level     boshlog.LogLevel
	requestID string
	redactor  *redact.Redactor
	sink      io.Writer
	copy      *lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// NewLogger logs at level ("debug", "info", "warn", "error"; unknown means info) to stderr.
func NewLogger(level string, requestID string, stderr io.Writer, redactor *redact.Redactor) *Logger {
	lvl, err := boshlog.Levelify(level)
	if err != nil {
		lvl = boshlog.LevelInfo
	}
	copyBuf := &lockedBuffer{}
	sink := redactor.Writer(io.MultiWriter(stderr, copyBuf))
	return &Logger{
		inner:     boshlog.NewWriterLogger(lvl, sink),
		level:     lvl,
		requestID: requestID,
		redactor:  redactor,
		sink:      sink,
		copy:      copyBuf,
	}
}

func (l *Logger) debugEnabled() bool { return l.level <= boshlog.LevelDebug }

func (l *Logger) tag(component string) string { return l.requestID + " " + component }

func (l *Logger) Debug(component, msg string, args ...any) {
	l.inner.Debug(l.tag(component), msg, args...)
}
func (l *Logger) Info(component, msg string, args ...any) {
	l.inner.Info(l.tag(component), msg, args...)
}
func (l *Logger) Warn(component, msg string, args ...any) {
	l.inner.Warn(l.tag(component), msg, args...)
}
func (l *Logger) Error(component, msg string, args ...any) {
	l.inner.Error(l.tag(component), msg, args...)
}

// Redact masks secrets in s with the same rules as the log lines.
func (l *Logger) Redact(s string) string { return l.redactor.String(s) }

// AddSecrets registers values that must never appear in a log line or an error (from config and context).
func (l *Logger) AddSecrets(secrets ...string) { l.redactor.Add(secrets...) }

// Captured is everything logged so far, for the response's `log`.
func (l *Logger) Captured() string {
	if f, ok := l.sink.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	return strings.TrimRight(l.copy.String(), "\n")
}
