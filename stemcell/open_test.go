package stemcell_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Image.Open", func() {
	// readAll opens img and reads its whole stream.
	readAll := func(img stemcell.Image) ([]byte, error) {
		r, err := img.Open()
		Expect(err).NotTo(HaveOccurred())
		defer r.Close()
		return io.ReadAll(r)
	}
	inspect := func(path string) stemcell.Image {
		img, err := stemcell.Inspect(path)
		Expect(err).NotTo(HaveOccurred())
		return img
	}

	It("streams a cloudstack-vhdx image as the file it is", func() {
		img := inspect(tinyVHDX)
		got, err := readAll(img)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(readFile(tinyVHDX)))
		Expect(int64(len(got))).To(Equal(img.Size))
	})

	It("streams exactly root.img out of an openstack-qcow2 tarball, every time it is opened", func() {
		rootImg := qcow2Image(300_000)
		img := inspect(writeTgz(tarFile{Name: "root.img", Body: rootImg}))
		for range 2 {
			got, err := readAll(img)
			Expect(err).NotTo(HaveOccurred())
			Expect(int64(len(got))).To(Equal(img.Size))
			Expect(got).To(Equal(rootImg))
		}
	})

	It("streams root.img even when other files come first in the tarball", func() {
		rootImg := rawImage(10_000)
		img := inspect(writeTgz(tarFile{Name: "README", Body: []byte("not the image")}, tarFile{Name: "root.img", Body: rootImg}))
		got, err := readAll(img)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(rootImg))
	})

	It("repacks a vSphere tarball into an OVA: a plain tar, image.ovf first, entries equal to the sources", func() {
		img := inspect(writeTgz(ovfDisk, ovfManifest, ovfDescriptor))
		for range 2 {
			got, err := readAll(img)
			Expect(err).NotTo(HaveOccurred())
			Expect(int64(len(got))).To(Equal(img.Size))
			Expect(tarEntries(got)).To(Equal([]tarFile{ovfDescriptor, ovfManifest, ovfDisk}))
		}
	})

	It("repacks a vSphere tarball without image.mf into an OVA of the descriptor and the disk", func() {
		img := inspect(writeTgz(ovfDisk, ovfDescriptor))
		got, err := readAll(img)
		Expect(err).NotTo(HaveOccurred())
		Expect(int64(len(got))).To(Equal(img.Size))
		Expect(tarEntries(got)).To(Equal([]tarFile{ovfDescriptor, ovfDisk}))
	})

	It("lets the reader stop early without blocking the OVA writer", func() {
		img := inspect(writeTgz(ovfDescriptor, ovfManifest, tarFile{Name: "image-disk1.vmdk", Body: pattern(1<<20, 3)}))
		r, err := img.Open()
		Expect(err).NotTo(HaveOccurred())
		_, err = io.ReadFull(r, make([]byte, 1000))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Close()).To(Succeed())
	})

	It("fails the stream, not silently, when root.img is cut short", func() {
		full := writeTgz(tarFile{Name: "root.img", Body: pattern(400_000, 4)})
		img := inspect(copyPrefix(full, len(readFile(full))*3/4))
		got, err := readAll(img)
		Expect(err).To(MatchError(io.ErrUnexpectedEOF))
		Expect(int64(len(got))).To(BeNumerically("<", img.Size))
	})

	It("fails the stream when the tarball's gzip checksum is wrong", func() {
		// A flipped bit the deflate decoder cannot notice (stored data, a literal) is only caught by the
		// CRC-32 in the gzip trailer: the stream must read that far before it declares success.
		path := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(10_000)})
		corruptGzipChecksum(path)
		img := inspect(path)
		_, err := readAll(img)
		Expect(err).To(MatchError(ContainSubstring("checksum")))
	})

	It("fails the OVA stream when the tarball's gzip checksum is wrong", func() {
		path := writeTgz(ovfDisk, ovfManifest, ovfDescriptor)
		corruptGzipChecksum(path)
		img := inspect(path)
		_, err := readAll(img)
		Expect(err).To(MatchError(ContainSubstring("checksum")))
	})

	It("fails the OVA stream, naming what is gone, when the tarball changed after Inspect", func() {
		path := writeTgz(ovfDescriptor, ovfManifest, ovfDisk)
		img := inspect(path)
		Expect(os.WriteFile(path, readFile(writeTgz(ovfDescriptor, ovfManifest)), 0o600)).To(Succeed())
		_, err := readAll(img)
		Expect(err).To(MatchError(ContainSubstring("changed while it was read: image-disk1.vmdk is gone")))
	})

	It("fails to open an image that is gone", func() {
		path := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(100)})
		img := inspect(path)
		Expect(os.Remove(path)).To(Succeed())
		_, err := img.Open()
		Expect(err).To(MatchError(ContainSubstring("no such file or directory")))
	})

	It("refuses an Image whose format it does not know", func() {
		_, err := stemcell.Image{Path: "/x/image"}.Open()
		Expect(err).To(MatchError("stemcell image '/x/image' has no known format"))
	})
})

// tarEntries reads every entry of an uncompressed tar.
func tarEntries(archive []byte) []tarFile {
	var entries []tarFile
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return entries
		}
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(tr)
		Expect(err).NotTo(HaveOccurred())
		entries = append(entries, tarFile{Name: hdr.Name, Body: body})
	}
}

// corruptGzipChecksum flips the CRC-32 in the gzip trailer (the 8 bytes before the end are CRC-32 and
// size), leaving the compressed data intact.
func corruptGzipChecksum(path string) {
	content := readFile(path)
	content[len(content)-8] ^= 0xff
	Expect(os.WriteFile(path, content, 0o600)).To(Succeed())
}
