package stemcell_test

import (
	"context"
	"errors"
	"net/http"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Uploader", func() {
	var (
		server   *storageServer
		headers  *headerNameRecorder
		log      *logRecorder
		uploader stemcell.Uploader
	)

	ticketFor := func(s *storageServer) stemcell.Ticket {
		return stemcell.Ticket{PostURL: s.URL + "/upload/0b5e2f6c-upload", Signature: "c2lnbmF0dXJl", Metadata: "bWV0YWRhdGE=",
			Expires: "2026-01-02T04:04:05.000Z"}
	}
	inspect := func(path string) stemcell.Image {
		img, err := stemcell.Inspect(path)
		Expect(err).NotTo(HaveOccurred())
		return img
	}
	useServer := func(s *storageServer) {
		server = s
		headers = &headerNameRecorder{next: http.DefaultTransport}
		log = &logRecorder{}
		uploader = stemcell.Uploader{Client: &http.Client{Transport: headers}, Log: log}
	}

	BeforeEach(func() { useServer(newStorageServer()) })

	Context("when the storage VM takes the image", func() {
		It("sends one multipart POST with an exact Content-Length and the image as its one file", func() {
			img := inspect(tinyVHDX)
			Expect(uploader.Upload(context.Background(), ticketFor(server), img, "bosh-stemcell-1.0-abcd.vhd.bz2")).To(Succeed())

			Expect(server.Received()).To(HaveLen(1))
			got := server.Received()[0]
			Expect(got.Method).To(Equal(http.MethodPost))
			Expect(got.Path).To(Equal("/upload/0b5e2f6c-upload"))
			Expect(got.TransferEncoding).To(BeEmpty(), "the storage VM refuses chunked bodies")
			Expect(got.ContentLength).To(BeNumerically(">", img.Size))
			Expect(got.BodyLength).To(Equal(got.ContentLength))
			Expect(got.MultipartErr).NotTo(HaveOccurred())
			Expect(got.FileParts).To(Equal(1))
			Expect(got.FormName).To(Equal("file"))
			Expect(got.FileName).To(Equal("bosh-stemcell-1.0-abcd.vhd.bz2"))
			Expect(got.File).To(Equal(readFile(tinyVHDX)))
		})

		It("sends the ticket in X-signature, X-metadata and X-expires, with exactly that case", func() {
			Expect(uploader.Upload(context.Background(), ticketFor(server), inspect(tinyVHDX), "t.vhd.bz2")).To(Succeed())

			Expect(headers.Names()).To(ContainElements("X-signature", "X-metadata", "X-expires"))
			Expect(headers.Names()).NotTo(ContainElements("X-Signature"))
			Expect(headers.Names()).NotTo(ContainElements("X-Metadata"))
			Expect(headers.Names()).NotTo(ContainElements("X-Expires"))
			got := server.Received()[0]
			Expect(got.Header.Get("X-Signature")).To(Equal("c2lnbmF0dXJl"))
			Expect(got.Header.Get("X-Metadata")).To(Equal("bWV0YWRhdGE="))
			Expect(got.Header.Get("X-Expires")).To(Equal("2026-01-02T04:04:05.000Z"))
			Expect(got.Header.Get("Content-Type")).To(HavePrefix("multipart/form-data; boundary="))
		})

		It("streams root.img of an openstack-qcow2 tarball as the file", func() {
			rootImg := qcow2Image(600_000)
			img := inspect(writeTgz(tarFile{Name: "root.img", Body: rootImg}))
			Expect(uploader.Upload(context.Background(), ticketFor(server), img, "t.qcow2")).To(Succeed())

			got := server.Received()[0]
			Expect(got.BodyLength).To(Equal(got.ContentLength))
			Expect(got.File).To(Equal(rootImg))
		})

		It("streams a vSphere tarball as an OVA", func() {
			img := inspect(writeTgz(ovfDisk, ovfDescriptor, ovfManifest))
			Expect(uploader.Upload(context.Background(), ticketFor(server), img, "t.ova")).To(Succeed())

			got := server.Received()[0]
			Expect(got.BodyLength).To(Equal(got.ContentLength))
			Expect(tarEntries(got.File)).To(Equal([]tarFile{ovfDescriptor, ovfManifest, ovfDisk}))
		})

		It("logs the upload and its progress, without the upload URL's query", func() {
			ticket := ticketFor(server)
			ticket.PostURL += "?token=s3cr3t"
			img := inspect(writeTgz(tarFile{Name: "root.img", Body: rawImage(3 << 20)}))
			Expect(uploader.Upload(context.Background(), ticket, img, "t.img")).To(Succeed())

			Expect(log.Lines()).To(ContainElement("INFO stemcell.Uploader: uploading t.img (3 MiB) to " + server.URL + "/upload/0b5e2f6c-upload"))
			Expect(log.Lines()).To(ContainElement(HavePrefix("INFO stemcell.Uploader: uploaded 50% (")))
			Expect(log.Lines()).To(ContainElement("INFO stemcell.Uploader: uploaded t.img: upload successful."))
			Expect(log.Text()).NotTo(ContainSubstring("s3cr3t"))
		})
	})

	Context("when the upload fails", func() {
		It("calls a 5xx answer transient, quoting it", func() {
			useServer(newStorageServer(storageAnswer{Status: http.StatusServiceUnavailable, Text: "storage busy\n"}))
			err := uploader.Upload(context.Background(), ticketFor(server), inspect(tinyVHDX), "t.vhd.bz2")
			Expect(err).To(MatchError("upload answered HTTP 503: storage busy"))
			Expect(stemcell.IsTransient(err)).To(BeTrue())
		})

		It("calls a 4xx answer definitive, quoting it", func() {
			useServer(newStorageServer(storageAnswer{Status: http.StatusBadRequest, Text: "signature validation failed"}))
			err := uploader.Upload(context.Background(), ticketFor(server), inspect(tinyVHDX), "t.vhd.bz2")
			Expect(err).To(MatchError("upload answered HTTP 400: signature validation failed"))
			Expect(stemcell.IsTransient(err)).To(BeFalse())
		})

		It("calls a connection the server closed in the middle of the body transient", func() {
			useServer(newStorageServer(storageAnswer{HangUp: true}))
			img := inspect(writeTgz(tarFile{Name: "root.img", Body: rawImage(8 << 20)}))
			err := uploader.Upload(context.Background(), ticketFor(server), img, "t.img")
			Expect(err).To(HaveOccurred())
			Expect(stemcell.IsTransient(err)).To(BeTrue())
			Expect(err.Error()).To(HavePrefix("upload failed: "))
		})

		It("calls a success answered before the whole image arrived transient", func() {
			useServer(newStorageServer(storageAnswer{AtOnce: true, Status: http.StatusOK, Text: "upload successful."}))
			img := inspect(writeTgz(tarFile{Name: "root.img", Body: rawImage(16 << 20)}))
			err := uploader.Upload(context.Background(), ticketFor(server), img, "t.img")
			Expect(err).To(HaveOccurred())
			Expect(stemcell.IsTransient(err)).To(BeTrue())
		})

		It("calls a failure to read the image itself definitive, and says so", func() {
			full := writeTgz(tarFile{Name: "root.img", Body: pattern(2<<20, 9)})
			truncated := copyPrefix(full, len(readFile(full))/2)
			img := inspect(truncated) // root.img's header is intact: only streaming it finds the cut
			err := uploader.Upload(context.Background(), ticketFor(server), img, "t.img")
			Expect(err).To(HaveOccurred())
			Expect(stemcell.IsTransient(err)).To(BeFalse())
			Expect(err.Error()).To(MatchRegexp(`^reading the stemcell image failed after \d+ of 2097152 bytes: the image is truncated: unexpected EOF$`))
		})

		It("calls an image whose gzip checksum is wrong definitive, though all its bytes went out", func() {
			path := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(100_000)})
			corruptGzipChecksum(path)
			err := uploader.Upload(context.Background(), ticketFor(server), inspect(path), "t.qcow2")
			Expect(err).To(MatchError(ContainSubstring("gzip: invalid checksum")))
			Expect(stemcell.IsTransient(err)).To(BeFalse())
		})

		It("calls an image that ended before its inspected size definitive, and says so", func() {
			path := writeTemp("image", readFile(tinyVHDX))
			img := inspect(path)
			Expect(os.Truncate(path, img.Size-100)).To(Succeed())
			err := uploader.Upload(context.Background(), ticketFor(server), img, "t.vhd.bz2")
			Expect(err).To(HaveOccurred())
			Expect(stemcell.IsTransient(err)).To(BeFalse())
			Expect(err.Error()).To(ContainSubstring("reading the stemcell image failed after 597 of 697 bytes: the image is truncated"))
		})

		It("calls an image that vanished before the upload definitive, naming it", func() {
			path := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(1000)})
			img := inspect(path)
			Expect(os.Remove(path)).To(Succeed())
			err := uploader.Upload(context.Background(), ticketFor(server), img, "t.qcow2")
			Expect(stemcell.IsTransient(err)).To(BeFalse())
			Expect(err).To(MatchError(ContainSubstring(path)))
			Expect(server.Received()).To(BeEmpty())
		})

		It("does not retry an upload whose context ended", func() {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := uploader.Upload(ctx, ticketFor(server), inspect(tinyVHDX), "t.vhd.bz2")
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(stemcell.IsTransient(err)).To(BeFalse())
		})

		It("refuses an upload URL it cannot parse, as definitive", func() {
			err := uploader.Upload(context.Background(), stemcell.Ticket{PostURL: "http://[::1"}, inspect(tinyVHDX), "t.vhd.bz2")
			Expect(err).To(MatchError(ContainSubstring("bad upload URL from CloudStack")))
			Expect(stemcell.IsTransient(err)).To(BeFalse())
		})
	})
})
