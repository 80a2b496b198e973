package simulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// generatedImage produces size bytes (a repeated random block) without ever holding more
// than that block, hashing what it hands out. Every sampleEvery bytes it samples the heap,
// so the peak seen while the upload is in flight can be checked.
type generatedImage struct {
	block       []byte
	size, sent  int64
	sampleEvery int64
	nextSample  int64
	peakHeap    uint64
	digest      hash.Hash
}

func newGeneratedImage(size int64) *generatedImage {
	return &generatedImage{block: randomBytes(64 << 10), size: size, sampleEvery: 128 << 20, digest: sha256.New()}
}

func (g *generatedImage) Read(p []byte) (int, error) {
	if g.sent >= g.size {
		return 0, io.EOF
	}
	if g.sent >= g.nextSample {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > g.peakHeap {
			g.peakHeap = m.HeapInuse
		}
		g.nextSample += g.sampleEvery
	}
	n := 0
	for n < len(p) && g.sent < g.size {
		off := g.sent % int64(len(g.block))
		c := copy(p[n:], g.block[off:])
		if left := g.size - g.sent; int64(c) > left {
			c = int(left)
		}
		n += c
		g.sent += int64(c)
	}
	g.digest.Write(p[:n])
	return n, nil
}

var _ = Describe("a 2 GiB template upload", func() {
	It("is streamed: the simulator's heap stays flat and the digest matches what was sent", func() {
		s := startSim(nil)
		t := s.uploadTicket(xenUploadParams(s, "big"))
		const size = 2 << 30
		image := newGeneratedImage(size)

		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		answer := multipartUpload{fileName: "bosh-stemcell.vhd.bz2", content: image, size: size}.send(t)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)

		Expect(answer).To(Equal(uploadAnswer{200, "upload successful."}))
		const bound = 64 << 20
		Expect(int64(image.peakHeap)-int64(before.HeapInuse)).To(BeNumerically("<", bound),
			"heap in use grew from %d to a peak of %d bytes during the upload", before.HeapInuse, image.peakHeap)
		Expect(int64(after.HeapInuse) - int64(before.HeapInuse)).To(BeNumerically("<", bound))

		inv := s.inventoryTemplate(t.ID)
		Expect(inv["received_bytes"]).To(BeNumerically("==", size))
		Expect(inv["received_sha256"]).To(Equal(hex.EncodeToString(image.digest.Sum(nil))))
		row := s.templateRow(t.ID)
		Expect(row["size"]).To(BeNumerically("==", size))
		Expect(row["isready"]).To(BeTrue())
	})
})
