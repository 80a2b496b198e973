package stemcell

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Open returns the bytes to upload: exactly Size of them. Each call starts from the beginning.
func (img Image) Open() (io.ReadCloser, error) {
	switch img.Format {
	case FormatVHDX:
		f, err := os.Open(img.Path)
		if err != nil {
			return nil, fmt.Errorf("opening stemcell image: %w", err)
		}
		return f, nil
	case FormatQCOW2, FormatRaw:
		return openTarEntry(img.Path, "root.img")
	case FormatOVA:
		return openOVA(img)
	}
	return nil, fmt.Errorf("stemcell image '%s' has no known format", img.Path)
}

// tarEntry streams one entry out of a tgz without unpacking anything to disk.
type tarEntry struct {
	tr       *tar.Reader
	file     *os.File
	gz       *gzip.Reader
	path     string
	verified bool
}

// Read ends the entry only once the rest of the gzip stream checks out: deflate does not notice every
// damaged byte, the CRC-32 in the gzip trailer does, and nothing reads that far otherwise.
func (t *tarEntry) Read(p []byte) (int, error) {
	n, err := t.tr.Read(p)
	if errors.Is(err, io.EOF) && !t.verified {
		t.verified = true
		if verr := drainGzip(t.path, t.gz); verr != nil {
			return n, verr
		}
	}
	return n, err
}

// drainGzip reads gz to its end, which makes the gzip reader check every member's CRC-32 and size.
func drainGzip(imagePath string, gz *gzip.Reader) error {
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return fmt.Errorf("stemcell image '%s' is corrupt: %w", imagePath, err)
	}
	return nil
}

func (t *tarEntry) Close() error {
	t.gz.Close()
	return t.file.Close()
}

func openTarEntry(imagePath, name string) (io.ReadCloser, error) {
	f, err := os.Open(imagePath)
	if err != nil {
		return nil, fmt.Errorf("opening stemcell image: %w", err)
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stemcell image '%s' is a corrupt gzip stream: %w", imagePath, err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			gz.Close()
			f.Close()
			return nil, fmt.Errorf("stemcell image '%s' is a corrupt or truncated tarball: %w", imagePath, err)
		}
		if path.Clean(strings.TrimPrefix(hdr.Name, "./")) == name {
			return &tarEntry{tr: tr, file: f, gz: gz, path: imagePath}, nil
		}
	}
	gz.Close()
	f.Close()
	return nil, fmt.Errorf("stemcell image '%s' has no %s", imagePath, name)
}
