package stemcell_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Uploading a large image", func() {
	const (
		imageSize   = 512 << 20
		sampleEvery = 16 << 20
		heapBound   = 32 << 20
	)

	It("keeps memory flat: the heap grows by far less than the image", func() {
		// A valid cloudstack-vhdx start followed by sparse zeros: Inspect reads only the first bzip2
		// block, and the file costs no disk.
		path := writeTemp("image", readFile(tinyVHDX))
		Expect(os.Truncate(path, imageSize)).To(Succeed())
		img, err := stemcell.Inspect(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(img.Size).To(Equal(int64(imageSize)))

		// The server samples the heap as the body comes in, so the peak during the upload is seen,
		// not just what is left after it.
		var (
			mu       sync.Mutex
			peak     uint64
			received int64
		)
		sample := func() {
			var stats runtime.MemStats
			runtime.ReadMemStats(&stats)
			mu.Lock()
			peak = max(peak, stats.HeapInuse)
			mu.Unlock()
		}
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 64<<10)
			next := int64(sampleEvery)
			for {
				n, err := r.Body.Read(buf)
				mu.Lock()
				received += int64(n)
				mu.Unlock()
				if received >= next {
					sample()
					next += sampleEvery
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					w.WriteHeader(http.StatusBadRequest)
					return
				}
			}
			_, _ = io.WriteString(w, "upload successful.")
		}))
		DeferCleanup(server.Close)

		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)

		uploader := stemcell.Uploader{Client: &http.Client{}, Log: &logRecorder{}}
		ticket := stemcell.Ticket{PostURL: server.URL + "/upload/big", Signature: "s", Metadata: "m", Expires: "e"}
		Expect(uploader.Upload(context.Background(), ticket, img, "big.vhd.bz2")).To(Succeed())

		mu.Lock()
		defer mu.Unlock()
		Expect(received).To(BeNumerically(">", imageSize))
		Expect(peak).NotTo(BeZero())
		growth := int64(peak) - int64(before.HeapInuse)
		Expect(growth).To(BeNumerically("<", heapBound),
			"the heap grew by %d MiB while uploading a %d MiB image", growth>>20, imageSize>>20)
	})
})
