package stemcell

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"
)

// ovaEntry is one file of a vSphere image tarball that goes into the OVA.
type ovaEntry struct {
	name string
	size int64
}

// ovaOrder is the order of files in the OVA: the descriptor must come first.
var ovaOrder = []string{"image.ovf", "image.mf", "image-disk1.vmdk"}

// ovaImage orders the entries as an OVA needs them and computes the exact size of the OVA stream.
func ovaImage(imagePath string, found []ovaEntry, names []string) (Image, error) {
	byName := map[string]ovaEntry{}
	for _, e := range found {
		byName[e.name] = e
	}
	var entries []ovaEntry
	for _, name := range ovaOrder {
		e, ok := byName[name]
		if !ok && name != "image.mf" { // the manifest is optional in an OVA
			return Image{}, fmt.Errorf("stemcell image '%s' looks like a vSphere image but lacks %s (it holds: %s)",
				imagePath, name, listOrNothing(names))
		}
		if ok {
			entries = append(entries, e)
		}
	}
	size := int64(0)
	for _, e := range entries {
		hdr, err := ovaHeaderBytes(e)
		if err != nil {
			return Image{}, fmt.Errorf("stemcell image '%s': %w", imagePath, err)
		}
		size += int64(len(hdr)) + paddedSize(e.size)
	}
	size += 2 * 512 // a tar archive ends with two zero blocks
	return Image{Path: imagePath, Format: FormatOVA, Size: size, entries: entries}, nil
}

func paddedSize(n int64) int64 { return (n + 511) / 512 * 512 }

// ovaHeader is the tar header written for an entry: fixed fields, so its encoded length is known.
func ovaHeader(e ovaEntry) *tar.Header {
	return &tar.Header{Name: e.name, Mode: 0o644, Size: e.size, Typeflag: tar.TypeReg,
		ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}
}

// ovaHeaderBytes encodes an entry's header exactly as the streaming writer will.
func ovaHeaderBytes(e ovaEntry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(ovaHeader(e)); err != nil {
		return nil, fmt.Errorf("encoding OVA entry %s: %w", e.name, err)
	}
	return buf.Bytes(), nil // the header only: no Flush, so no padding or trailer
}

// openOVA streams the OVA through a pipe: a goroutine reads the tarball (in as many passes as the order
// of its entries requires) and writes the repacked tar.
func openOVA(img Image) (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeOVA(img, pw))
	}()
	return pr, nil
}

func writeOVA(img Image, w io.Writer) error {
	tw := tar.NewWriter(w)
	next := 0
	for next < len(img.entries) {
		progressed, err := copyEntriesInOrder(img, tw, &next)
		if err != nil {
			return err
		}
		if !progressed {
			return fmt.Errorf("stemcell image '%s' changed while it was read: %s is gone", img.Path, img.entries[next].name)
		}
	}
	return tw.Close()
}

// copyEntriesInOrder makes one pass over the tarball, copying each wanted entry that comes up in turn.
func copyEntriesInOrder(img Image, tw *tar.Writer, next *int) (bool, error) {
	f, err := os.Open(img.Path)
	if err != nil {
		return false, fmt.Errorf("opening stemcell image: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return false, fmt.Errorf("stemcell image '%s' is a corrupt gzip stream: %w", img.Path, err)
	}
	tr := tar.NewReader(gz)
	progressed := false
	for *next < len(img.entries) {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return progressed, drainGzip(img.Path, gz)
		}
		if err != nil {
			return progressed, fmt.Errorf("stemcell image '%s' is a corrupt or truncated tarball: %w", img.Path, err)
		}
		want := img.entries[*next]
		if path.Clean(strings.TrimPrefix(hdr.Name, "./")) != want.name || hdr.Size != want.size {
			continue
		}
		if err := tw.WriteHeader(ovaHeader(want)); err != nil {
			return progressed, err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return progressed, fmt.Errorf("stemcell image '%s': reading %s: %w", img.Path, want.name, err)
		}
		*next++
		progressed = true
	}
	// All entries this pass could give are written: the rest of the stream only proves they were intact.
	return progressed, drainGzip(img.Path, gz)
}
