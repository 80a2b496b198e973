package stemcell_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Inspect", func() {
	Context("with an image of a format the CPI knows", func() {
		It("recognises a bzip2-compressed VHD as cloudstack-vhdx, to be uploaded as the file it is", func() {
			img, err := stemcell.Inspect(tinyVHDX)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatVHDX))
			Expect(img.Format.TemplateFormat).To(Equal("VHD"))
			Expect(img.Format.Hypervisor).To(Equal("XenServer"))
			Expect(img.Format.Extension).To(Equal(".vhd.bz2"))
			Expect(img.Size).To(Equal(int64(len(readFile(tinyVHDX)))))
			Expect(img.Path).To(Equal(tinyVHDX))
		})

		It("recognises a tgz whose root.img starts with qcow2's magic as openstack-qcow2, sized as root.img", func() {
			path := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(70_000)})
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatQCOW2))
			Expect(img.Format.TemplateFormat).To(Equal("QCOW2"))
			Expect(img.Format.Hypervisor).To(Equal("KVM"))
			Expect(img.Format.Extension).To(Equal(".qcow2"))
			Expect(img.Size).To(Equal(int64(70_000)))
		})

		It("finds root.img under ./ as tar -C writes it", func() {
			path := writeTgz(tarFile{Name: "./root.img", Body: qcow2Image(1000)})
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatQCOW2))
		})

		It("recognises a tgz whose root.img is anything else as openstack-raw", func() {
			path := writeTgz(tarFile{Name: "root.img", Body: rawImage(4096)})
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatRaw))
			Expect(img.Format.TemplateFormat).To(Equal("RAW"))
			Expect(img.Format.Extension).To(Equal(".img"))
			Expect(img.Size).To(Equal(int64(4096)))
		})

		It("takes a root.img shorter than qcow2's magic as raw", func() {
			path := writeTgz(tarFile{Name: "root.img", Body: []byte("QF")})
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatRaw))
			Expect(img.Size).To(Equal(int64(2)))
		})

		It("recognises a vSphere image tarball whose entries come in another order than an OVA needs", func() {
			path := writeTgz(ovfDisk, ovfManifest, ovfDescriptor)
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatOVA))
			Expect(img.Format.TemplateFormat).To(Equal("OVA"))
			Expect(img.Format.Hypervisor).To(Equal("VMware"))
			Expect(img.Format.Extension).To(Equal(".ova"))
			Expect(img.Size).To(Equal(int64(len(expectedOVA(ovfDescriptor, ovfManifest, ovfDisk)))))
		})

		It("takes a vSphere image without image.mf, the manifest being optional in an OVA", func() {
			path := writeTgz(ovfDisk, ovfDescriptor)
			img, err := stemcell.Inspect(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(img.Format).To(Equal(stemcell.FormatOVA))
			Expect(img.Size).To(Equal(int64(len(expectedOVA(ovfDescriptor, ovfDisk)))))
		})
	})

	Context("with an image it cannot use", func() {
		// inspectError asserts that Inspect refuses path and returns the message, which must name the file.
		inspectError := func(path string) string {
			img, err := stemcell.Inspect(path)
			Expect(err).To(HaveOccurred())
			Expect(img).To(BeZero())
			Expect(err.Error()).To(ContainSubstring(path))
			return err.Error()
		}

		It("refuses bzip2 that does not hold a VHD, saying what it holds", func() {
			msg := inspectError(bzip2OfText)
			Expect(msg).To(ContainSubstring("is bzip2-compressed but does not hold a VHD"))
			Expect(msg).To(ContainSubstring(`text starting with "These ar"`))
		})

		It("refuses a truncated bzip2 stream", func() {
			msg := inspectError(copyPrefix(tinyVHDX, 300))
			Expect(msg).To(ContainSubstring("corrupt or truncated bzip2 stream"))
		})

		It("refuses a tgz cut short inside an entry", func() {
			full := writeTgz(ovfDescriptor, ovfManifest, tarFile{Name: "image-disk1.vmdk", Body: pattern(200_000, 1)})
			msg := inspectError(copyPrefix(full, len(readFile(full))/2))
			Expect(msg).To(ContainSubstring("truncated tarball"))
		})

		It("refuses a gzip stream cut short in its header", func() {
			full := writeTgz(tarFile{Name: "root.img", Body: qcow2Image(1000)})
			msg := inspectError(copyPrefix(full, 5))
			Expect(msg).To(ContainSubstring("corrupt gzip stream"))
		})

		It("refuses gzip that holds no tarball", func() {
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			_, _ = gz.Write(bytes.Repeat([]byte("a disk image, gzipped but not tarred\n"), 100))
			Expect(gz.Close()).To(Succeed())
			msg := inspectError(writeTemp("image", buf.Bytes()))
			Expect(msg).To(ContainSubstring("is a corrupt or truncated tarball"))
		})

		It("refuses a tgz holding neither root.img nor image.ovf, listing what it holds", func() {
			msg := inspectError(writeTgz(tarFile{Name: "stemcell.MF", Body: []byte("name: x\n")}, tarFile{Name: "image", Body: []byte("x")}))
			Expect(msg).To(ContainSubstring("tarball without root.img or image.ovf (it holds: stemcell.MF, image)"))
		})

		It("says an empty tarball holds no files", func() {
			msg := inspectError(writeTgz())
			Expect(msg).To(ContainSubstring("(it holds: no files)"))
		})

		It("refuses a vSphere tarball without image.ovf, listing what it holds", func() {
			msg := inspectError(writeTgz(ovfManifest, ovfDisk))
			Expect(msg).To(ContainSubstring("looks like a vSphere image but lacks image.ovf (it holds: image.mf, image-disk1.vmdk)"))
		})

		It("refuses a vSphere tarball without its disk", func() {
			msg := inspectError(writeTgz(ovfDescriptor, ovfManifest))
			Expect(msg).To(ContainSubstring("lacks image-disk1.vmdk"))
		})

		It("refuses plain text, quoting its first line", func() {
			msg := inspectError(writeTemp("image", []byte("404 Not Found\n<html>...")))
			Expect(msg).To(ContainSubstring("is not a format this CPI knows"))
			Expect(msg).To(ContainSubstring(`found text starting with "404 Not Found"`))
		})

		It("refuses a zip archive", func() {
			msg := inspectError(writeTemp("image", append([]byte("PK\x03\x04"), pattern(100, 2)...)))
			Expect(msg).To(ContainSubstring("found a zip archive"))
		})

		It("refuses a bare qcow2 image, saying it belongs in a tgz", func() {
			msg := inspectError(writeTemp("image", qcow2Image(1000)))
			Expect(msg).To(ContainSubstring("found a bare qcow2 image (expected it inside a tgz as root.img)"))
		})

		It("refuses an uncompressed VHD, saying it should be bzip2-compressed", func() {
			msg := inspectError(writeTemp("image", append([]byte(vhdCookie), make([]byte, 1000)...)))
			Expect(msg).To(ContainSubstring("found an uncompressed VHD (expected it bzip2-compressed)"))
		})

		It("refuses an uncompressed tar", func() {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			Expect(tw.WriteHeader(&tar.Header{Name: "root.img", Mode: 0o644, Size: 3, ModTime: time.Unix(0, 0)})).To(Succeed())
			_, _ = tw.Write([]byte("abc"))
			Expect(tw.Close()).To(Succeed())
			msg := inspectError(writeTemp("image", buf.Bytes()))
			Expect(msg).To(ContainSubstring("found an uncompressed tar archive"))
		})

		It("refuses binary data it cannot name, showing its first bytes", func() {
			msg := inspectError(writeTemp("image", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
			Expect(msg).To(ContainSubstring("data starting with bytes 00 01 02 03 04 05 06 07"))
		})

		It("refuses an empty file", func() {
			msg := inspectError(writeTemp("image", nil))
			Expect(msg).To(ContainSubstring("found an empty file"))
		})

		It("refuses a path where there is nothing", func() {
			msg := inspectError(filepath.Join(GinkgoT().TempDir(), "no-such-image"))
			Expect(msg).To(ContainSubstring("no such file or directory"))
		})

		It("refuses a directory", func() {
			msg := inspectError(GinkgoT().TempDir())
			Expect(msg).To(ContainSubstring("is a directory, not an image file"))
		})

		It("refuses a path it cannot open", func() {
			// Below a regular file nothing can be opened, whoever runs the tests (root reads a mode-0 file).
			msg := inspectError(filepath.Join(writeTemp("image", []byte("x")), "image"))
			Expect(msg).To(ContainSubstring("not a directory"))
		})
	})
})

// expectedOVA is the OVA an independent writer makes of entries, in the order given.
func expectedOVA(entries ...tarFile) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		Expect(tw.WriteHeader(&tar.Header{Name: e.Name, Mode: 0o644, Size: int64(len(e.Body)), Typeflag: tar.TypeReg,
			ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR})).To(Succeed())
		_, err := tw.Write(e.Body)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(tw.Close()).To(Succeed())
	return buf.Bytes()
}
