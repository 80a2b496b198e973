package stemcell_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The committed bzip2 fixtures (see testdata/README.md).
const (
	tinyVHDX       = "testdata/tiny.vhd.bz2"
	bzip2OfText    = "testdata/text.bz2"
	vhdCookie      = "conectix"
	qcow2MagicText = "QFI\xfb"
)

// tarFile is one entry of a tgz fixture.
type tarFile struct {
	Name string
	Body []byte
}

// writeTgz writes a gzip-compressed tar of files, in the order given, into a fresh temporary directory.
func writeTgz(files ...tarFile) string {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		Expect(tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Body)), Typeflag: tar.TypeReg})).To(Succeed())
		_, err := tw.Write(f.Body)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(tw.Close()).To(Succeed())
	Expect(gz.Close()).To(Succeed())
	return writeTemp("image", buf.Bytes())
}

// writeTemp writes content to a file named name in a fresh temporary directory (the director always
// calls the image "image", so names say nothing about formats).
func writeTemp(name string, content []byte) string {
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, content, 0o600)).To(Succeed())
	return path
}

// copyPrefix copies the first n bytes of src into a temporary file: a truncated download.
func copyPrefix(src string, n int) string {
	content := readFile(src)
	Expect(len(content)).To(BeNumerically(">", n), "the fixture is shorter than the cut")
	return writeTemp("image", content[:n])
}

func readFile(path string) []byte {
	content, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return content
}

// pattern returns n bytes that no two offsets of a short window share, so a stream that drops, repeats
// or reorders bytes does not compare equal by accident.
func pattern(n int, seed byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(i*7+i/251) ^ seed
	}
	return out
}

// qcow2Image is root.img content that starts with qcow2's magic.
func qcow2Image(n int) []byte {
	return append([]byte(qcow2MagicText), pattern(n-len(qcow2MagicText), 0x5a)...)
}

// rawImage is root.img content of a raw disk: an MBR-like start, nothing qcow2 about it.
func rawImage(n int) []byte {
	img := pattern(n, 0x33)
	copy(img, make([]byte, 16))
	return img
}

// vSphere image tarball entries, of sizes that are no multiple of 512 so tar padding is exercised.
var (
	ovfDescriptor = tarFile{Name: "image.ovf", Body: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References><File ovf:href="image-disk1.vmdk" ovf:id="file1"/></References></Envelope>
`)}
	ovfManifest = tarFile{Name: "image.mf", Body: []byte("SHA1(image.ovf)= 0123456789abcdef0123456789abcdef01234567\n" +
		"SHA1(image-disk1.vmdk)= 89abcdef0123456789abcdef0123456789abcdef\n")}
	ovfDisk = tarFile{Name: "image-disk1.vmdk", Body: append([]byte("KDMV"), pattern(5000, 0x11)...)}
)
