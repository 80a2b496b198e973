package integration_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Stemcell images as bosh-linux-stemcell-builder makes them, small enough for a test.

// vhdxImage is a bzip2-compressed VHD (cloudstack-vhdx); Go cannot write bzip2, so it is a fixture.
func vhdxImage() (path string, uploaded []byte) {
	path, err := filepath.Abs(filepath.Join("..", "stemcell", "testdata", "tiny.vhd.bz2"))
	Expect(err).NotTo(HaveOccurred())
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return path, data // uploaded as it is
}

type tarEntry struct {
	name string
	body []byte
}

func writeTgz(entries ...tarEntry) string {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		Expect(tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg})).To(Succeed())
		_, err := tw.Write(e.body)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(tw.Close()).To(Succeed())
	Expect(gz.Close()).To(Succeed())
	path := filepath.Join(GinkgoT().TempDir(), "image")
	Expect(os.WriteFile(path, buf.Bytes(), 0o644)).To(Succeed())
	return path
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

// qcow2Image is a tgz holding root.img with qcow2 content (openstack-qcow2); root.img is what is uploaded.
func qcow2Image() (path string, uploaded []byte) {
	root := append([]byte{'Q', 'F', 'I', 0xfb}, pattern(70_000, 3)...)
	return writeTgz(tarEntry{"root.img", root}), root
}

// rawImage is a tgz holding a raw root.img (openstack-raw).
func rawImage() (path string, uploaded []byte) {
	root := pattern(90_000, 5)
	return writeTgz(tarEntry{"root.img", root}), root
}

// ovaImage is a vSphere image tarball with the disk first, which the CPI must reorder (.ovf first).
func ovaImage() string {
	return writeTgz(
		tarEntry{"image-disk1.vmdk", pattern(60_000, 9)},
		tarEntry{"image.mf", []byte("SHA1(image.ovf)= 0\n")},
		tarEntry{"image.ovf", []byte("<?xml version=\"1.0\"?><Envelope/>")},
	)
}

func sha256Of(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
