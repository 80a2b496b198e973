package stemcell

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Image is a stemcell image whose format is known and whose upload stream can be opened any number
// of times (each upload attempt opens it afresh).
type Image struct {
	Path   string
	Format Format
	// Size is the exact number of bytes Open streams: the upload's Content-Length depends on it.
	Size int64
	// entries are, for an OVA, the tar entries in the order they go into the OVA.
	entries []ovaEntry
}

var (
	magicBzip2 = []byte("BZh")
	magicGzip  = []byte{0x1f, 0x8b}
	magicQCOW2 = []byte{'Q', 'F', 'I', 0xfb}
	// A dynamic VHD starts with a copy of its footer, whose cookie is "conectix".
	magicVHD = []byte("conectix")
)

// Inspect opens the image at path and works out its format from its content. Nothing about the file's
// name is trusted: the director always calls it "image".
func Inspect(imagePath string) (Image, error) {
	f, err := os.Open(imagePath)
	if err != nil {
		return Image{}, fmt.Errorf("opening stemcell image: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Image{}, fmt.Errorf("reading stemcell image '%s': %w", imagePath, err)
	}
	if info.IsDir() {
		return Image{}, fmt.Errorf("stemcell image '%s' is a directory, not an image file", imagePath)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Image{}, fmt.Errorf("reading stemcell image '%s': %w", imagePath, err)
	}
	head = head[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Image{}, fmt.Errorf("reading stemcell image '%s': %w", imagePath, err)
	}

	switch {
	case bytes.HasPrefix(head, magicBzip2):
		return inspectBzip2(imagePath, f, info.Size())
	case bytes.HasPrefix(head, magicGzip):
		return inspectTarball(imagePath, f)
	}
	return Image{}, fmt.Errorf("stemcell image '%s' is not a format this CPI knows: expected a bzip2-compressed VHD "+
		"(cloudstack-vhdx) or a gzip tarball holding root.img (openstack-qcow2/raw) or image.ovf (vsphere-ova), found %s",
		imagePath, describeContent(head))
}

// inspectBzip2 checks that the bzip2 stream really holds a VHD: the first bytes of a dynamic VHD are
// its footer's cookie. The file itself is uploaded untouched.
func inspectBzip2(imagePath string, f io.Reader, size int64) (Image, error) {
	cookie := make([]byte, len(magicVHD))
	if _, err := io.ReadFull(bzip2.NewReader(bufio.NewReader(f)), cookie); err != nil {
		return Image{}, fmt.Errorf("stemcell image '%s' is a corrupt or truncated bzip2 stream: %w", imagePath, err)
	}
	if !bytes.Equal(cookie, magicVHD) {
		return Image{}, fmt.Errorf("stemcell image '%s' is bzip2-compressed but does not hold a VHD (found %s)",
			imagePath, describeContent(cookie))
	}
	return Image{Path: imagePath, Format: FormatVHDX, Size: size}, nil
}

// inspectTarball reads the tarball's headers (decompressing it once) to find which stemcell it is and
// how large the stream to upload will be.
func inspectTarball(imagePath string, f io.Reader) (Image, error) {
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return Image{}, fmt.Errorf("stemcell image '%s' is a corrupt gzip stream: %w", imagePath, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var names []string
	var ova []ovaEntry
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Image{}, fmt.Errorf("stemcell image '%s' is a corrupt or truncated tarball: %w", imagePath, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.TrimPrefix(hdr.Name, "./"))
		names = append(names, name)
		switch name {
		case "root.img":
			// root.img is the only entry of an OpenStack image tarball; its first bytes say qcow2 or raw.
			magic := make([]byte, len(magicQCOW2))
			n, err := io.ReadFull(tr, magic)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				return Image{}, fmt.Errorf("stemcell image '%s': reading root.img: %w", imagePath, err)
			}
			format := FormatRaw
			if bytes.Equal(magic[:n], magicQCOW2) {
				format = FormatQCOW2
			}
			return Image{Path: imagePath, Format: format, Size: hdr.Size}, nil
		case "image.ovf", "image.mf", "image-disk1.vmdk":
			ova = append(ova, ovaEntry{name: name, size: hdr.Size})
		}
		// Reading on to the next header makes the tar reader check (and skip) this entry's bytes, so a
		// truncated archive is found here, before anything is created in CloudStack.
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return Image{}, fmt.Errorf("stemcell image '%s' is a truncated tarball (in %s): %w", imagePath, name, err)
		}
	}
	if len(ova) > 0 {
		return ovaImage(imagePath, ova, names)
	}
	return Image{}, fmt.Errorf("stemcell image '%s' is a tarball without root.img or image.ovf (it holds: %s)",
		imagePath, listOrNothing(names))
}

func listOrNothing(names []string) string {
	if len(names) == 0 {
		return "no files"
	}
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(" and %d more", len(names)-10)
	}
	return strings.Join(names, ", ")
}

// describeContent names what the first bytes of an unknown file look like, so the error says what
// the operator actually handed over.
func describeContent(head []byte) string {
	switch {
	case len(head) == 0:
		return "an empty file"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a zip archive"
	case bytes.HasPrefix(head, magicQCOW2):
		return "a bare qcow2 image (expected it inside a tgz as root.img)"
	case bytes.HasPrefix(head, magicVHD):
		return "an uncompressed VHD (expected it bzip2-compressed)"
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return "an xz stream"
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return "an uncompressed tar archive (expected it gzip-compressed)"
	case isText(head):
		line, _, _ := strings.Cut(string(head), "\n")
		if len(line) > 40 {
			line = line[:40] + "..."
		}
		return fmt.Sprintf("text starting with %q", line)
	}
	n := min(len(head), 8)
	return fmt.Sprintf("data starting with bytes % x", head[:n])
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}
