package integration_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"
)

// stemcellManifest is what BOSH reads from a stemcell tarball's stemcell.MF.
type stemcellManifest struct {
	APIVersion      int            `yaml:"api_version"`
	StemcellFormats []string       `yaml:"stemcell_formats"`
	CloudProperties map[string]any `yaml:"cloud_properties"`
}

// unpackedStemcell is a stemcell tarball as BOSH prepares it for create_stemcell: the manifest read and
// the image extracted to a file whose path is the method's first argument.
type unpackedStemcell struct {
	manifest  stemcellManifest
	imagePath string
}

// lifecycleStemcell is the stemcell the lifecycle uploads: CPI_CLOUDSTACK_STEMCELL (a stemcell tarball
// for that cloud) on a real cloud, else a tarball made here around the tiny XenServer VHD fixture.
func (t *target) lifecycleStemcell() unpackedStemcell {
	if t.Sim != nil {
		return unpackStemcell(simulatorStemcellTarball())
	}
	tarball := os.Getenv("CPI_CLOUDSTACK_STEMCELL")
	Expect(tarball).To(BeAnExistingFile(), "CPI_CLOUDSTACK_STEMCELL must be the path of a stemcell tarball")
	return unpackStemcell(tarball)
}

// simulatorStemcellTarball is a cloudstack-vhdx stemcell as bosh-linux-stemcell-builder packs one: a
// gzipped tar of stemcell.MF and image (the bzip2-compressed VHD).
func simulatorStemcellTarball() string {
	image, _ := vhdxImage()
	imageBytes, err := os.ReadFile(image)
	Expect(err).NotTo(HaveOccurred())
	manifest := []byte(`---
name: bosh-cloudstack-xen-ubuntu-jammy-go_agent
version: '1.423'
bosh_protocol: '1'
api_version: 3
operating_system: ubuntu-jammy
stemcell_formats:
- cloudstack-vhdx
cloud_properties:
  name: bosh-cloudstack-xen-ubuntu-jammy-go_agent
  version: '1.423'
  infrastructure: cloudstack
  hypervisor: xen
  disk: 5120
  disk_format: vhdx
  container_format: bare
  os_type: linux
  os_distro: ubuntu
  architecture: x86_64
  auto_disk_config: true
`)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range []tarEntry{{"./stemcell.MF", manifest}, {"./image", imageBytes}} {
		Expect(tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg})).To(Succeed())
		_, err := tw.Write(e.body)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(tw.Close()).To(Succeed())
	Expect(gz.Close()).To(Succeed())
	tarball := filepath.Join(GinkgoT().TempDir(), "bosh-stemcell-1.423-cloudstack-xen-ubuntu-jammy-go_agent.tgz")
	Expect(os.WriteFile(tarball, buf.Bytes(), 0o644)).To(Succeed())
	return tarball
}

// unpackStemcell reads stemcell.MF and streams image out of a stemcell tarball (gzipped or not), into
// a temporary directory of the spec.
func unpackStemcell(tarball string) unpackedStemcell {
	f, err := os.Open(tarball)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var stream io.Reader = f
	if gz, err := gzip.NewReader(f); err == nil {
		stream = gz
	} else {
		_, err := f.Seek(0, io.SeekStart)
		Expect(err).NotTo(HaveOccurred())
	}

	var out unpackedStemcell
	var haveManifest bool
	tr := tar.NewReader(stream)
	for {
		header, err := tr.Next()
		if err == io.EOF {
			break
		}
		Expect(err).NotTo(HaveOccurred(), "reading stemcell tarball %s", tarball)
		switch path.Clean(header.Name) {
		case "stemcell.MF":
			data, err := io.ReadAll(tr)
			Expect(err).NotTo(HaveOccurred())
			Expect(yaml.Unmarshal(data, &out.manifest)).To(Succeed(), "stemcell.MF of %s", tarball)
			haveManifest = true
		case "image":
			out.imagePath = filepath.Join(GinkgoT().TempDir(), "image")
			image, err := os.Create(out.imagePath)
			Expect(err).NotTo(HaveOccurred())
			_, err = io.Copy(image, tr)
			Expect(err).NotTo(HaveOccurred())
			Expect(image.Close()).To(Succeed())
		}
	}
	Expect(haveManifest).To(BeTrue(), "%s has no stemcell.MF", tarball)
	Expect(out.imagePath).NotTo(BeEmpty(), "%s has no image", tarball)
	Expect(out.manifest.CloudProperties).NotTo(BeEmpty(), "stemcell.MF of %s has no cloud_properties", tarball)
	return out
}
