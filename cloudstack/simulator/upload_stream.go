package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
)

// transferBufferSize bounds what a transfer holds in memory, whatever the image size.
const transferBufferSize = 256 << 10

// errTransferAborted is returned by a progressReader told to stop (fault injection).
var errTransferAborted = errors.New("transfer aborted by fault injection")

// progressReader counts the bytes read through it and reports the percentage of total
// each time it changes, so state is updated at most ~100 times per transfer. abortAt >= 0
// makes it fail once that many bytes were read.
type progressReader struct {
	r        io.Reader
	n        int64
	total    int64
	percent  int
	onChange func(percent int)
	abortAt  int64
}

func newProgressReader(r io.Reader, total int64, onChange func(int)) *progressReader {
	return &progressReader{r: r, total: total, percent: -1, onChange: onChange, abortAt: -1}
}

func (p *progressReader) Read(b []byte) (int, error) {
	if p.abortAt >= 0 {
		left := p.abortAt - p.n
		if left <= 0 {
			return 0, errTransferAborted
		}
		if int64(len(b)) > left {
			b = b[:left]
		}
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.total > 0 {
		pct := int(p.n * 100 / p.total)
		if pct > 100 {
			pct = 100
		}
		if pct != p.percent {
			p.percent = pct
			p.onChange(pct)
		}
	}
	return n, err
}

// digestSink counts and hashes what is written to it and keeps nothing.
type digestSink struct {
	n    int64
	hash hash.Hash
}

func newDigestSink() *digestSink { return &digestSink{hash: sha256.New()} }

func (d *digestSink) Write(b []byte) (int, error) {
	d.hash.Write(b)
	d.n += int64(len(b))
	return len(b), nil
}

func (d *digestSink) sha256Hex() string { return hex.EncodeToString(d.hash.Sum(nil)) }

// drain digests r into a new sink with a fixed buffer.
func drain(r io.Reader) (*digestSink, error) {
	sink := newDigestSink()
	_, err := io.CopyBuffer(sink, r, make([]byte, transferBufferSize))
	return sink, err
}
