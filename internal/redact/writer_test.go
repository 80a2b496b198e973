package redact_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// recordingWriter keeps each Write it receives apart.
type recordingWriter struct {
	mu     sync.Mutex
	writes []string
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *recordingWriter) all() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.writes, "")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

var _ = Describe("Writer", func() {
	var (
		out    *recordingWriter
		writer io.Writer
	)

	BeforeEach(func() {
		out = &recordingWriter{}
		writer = redact.New("TopSecretValue").Writer(out)
	})

	write := func(chunks ...string) {
		for _, chunk := range chunks {
			n, err := writer.Write([]byte(chunk))
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(len(chunk)))
		}
	}

	It("redacts a whole line in one write", func() {
		write("key=TopSecretValue and {\"password\":\"p\"}\n")
		Expect(out.writes).To(Equal([]string{"key=[REDACTED] and {\"password\":\"[REDACTED]\"}\n"}))
	})

	It("holds a line that arrives in pieces until its end, so a secret split across writes is still masked", func() {
		write("value Top", "Secret", "Value and {\"pass", "word\":\"p\"}")
		Expect(out.writes).To(BeEmpty())

		write(" done\nnext ")
		Expect(out.writes).To(Equal([]string{"value [REDACTED] and {\"password\":\"[REDACTED]\"} done\n"}))
	})

	It("writes a partial last line on Close, and on Flush", func() {
		write("first\nsecond TopSecretValue")
		Expect(out.all()).To(Equal("first\n"))

		Expect(writer.(io.Closer).Close()).To(Succeed())
		Expect(out.all()).To(Equal("first\nsecond [REDACTED]"))

		write("third password=x")
		Expect(writer.(*redact.LineWriter).Flush()).To(Succeed())
		Expect(out.all()).To(Equal("first\nsecond [REDACTED]third password=[REDACTED]"))
	})

	It("passes on a line longer than 64 KiB without waiting for its end", func() {
		long := strings.Repeat("a", 64<<10)
		write(long)
		Expect(out.writes).To(BeEmpty())

		write("b TopSecretValue")
		Expect(out.all()).To(Equal(long + "b [REDACTED]"))
	})

	It("holds the lines of a PEM block until its END arrives", func() {
		write("before\n-----BEGIN RSA PRIVATE KEY-----\n", "MIIEowIBAAKCAQEA\n")
		Expect(out.all()).To(Equal("before\n"))

		write("-----END RSA PRIVATE KEY-----\nafter\n")
		Expect(out.all()).To(Equal("before\n[REDACTED]\nafter\n"))
	})

	It("masks a PEM block cut off by Close", func() {
		write("-----BEGIN PRIVATE KEY-----\nMIIEow\n")
		Expect(writer.(io.Closer).Close()).To(Succeed())
		Expect(out.all()).To(Equal("[REDACTED]"))
	})

	It("sends each flush as one write, even when many writers share it", func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					_, _ = writer.Write([]byte("line with TopSecretValue\n"))
				}
			})
		}
		wg.Wait()
		Expect(out.writes).To(HaveLen(400))
		Expect(out.writes).To(HaveEach("line with [REDACTED]\n"))
	})

	It("returns the underlying writer's error", func() {
		failing := redact.New().Writer(failingWriter{})
		_, err := failing.Write([]byte("line\n"))
		Expect(err).To(MatchError("disk full"))
	})

	It("applies secrets added after it was made", func() {
		r := redact.New()
		var buf bytes.Buffer
		w := r.Writer(&buf)
		r.Add("LateSecret")
		_, err := w.Write([]byte("LateSecret\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(buf.String()).To(Equal("[REDACTED]\n"))
	})
})
