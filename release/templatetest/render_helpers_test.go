package templatetest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	yaml "go.yaml.in/yaml/v3"
)

// renderTemplate renders one of the job's templates with the manifest properties given, through
// render.rb as BOSH would. A template error comes back as an error holding render.rb's message.
func renderTemplate(template string, properties map[string]any) (string, error) {
	Expect(rubyErr).NotTo(HaveOccurred(),
		"ruby is not installed: the template tests render the job's ERB templates with it. "+
			"Install it (apt-get install -y ruby; .ci/run does) and run the tests again.")

	manifest, err := json.Marshal(properties)
	Expect(err).NotTo(HaveOccurred())
	manifestPath := filepath.Join(GinkgoT().TempDir(), "properties.json")
	Expect(os.WriteFile(manifestPath, manifest, 0o600)).To(Succeed())

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(rubyPath, filepath.Join(repoRoot(), "release", "templatetest", "render.rb"),
		specPath(), templatePath(template), manifestPath)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &renderError{message: strings.TrimSpace(stderr.String()), err: err}
	}
	return stdout.String(), nil
}

type renderError struct {
	message string
	err     error
}

func (e *renderError) Error() string { return e.message + " (" + e.err.Error() + ")" }

// mustRender renders a template that must render.
func mustRender(template string, properties map[string]any) string {
	out, err := renderTemplate(template, properties)
	Expect(err).NotTo(HaveOccurred())
	return out
}

// requiredProperties sets only what the job cannot do without.
func requiredProperties() map[string]any {
	return map[string]any{
		"cloudstack": map[string]any{
			"endpoint":          "https://cloud.example.com/client/api",
			"api_key":           "K3y-0001",
			"secret_access_key": "S3cret-0001",
			"default_zone":      "zone1",
		},
		"agent": map[string]any{"mbus": "https://mbus:MbusPassw0rd@0.0.0.0:6868"},
	}
}

// withProperty returns properties with the dotted property set to value (properties is modified).
func withProperty(properties map[string]any, dotted string, value any) map[string]any {
	keys := strings.Split(dotted, ".")
	node := properties
	for _, key := range keys[:len(keys)-1] {
		child, ok := node[key].(map[string]any)
		if !ok {
			child = map[string]any{}
			node[key] = child
		}
		node = child
	}
	node[keys[len(keys)-1]] = value
	return properties
}

// withoutProperty returns properties without the dotted property (properties is modified).
func withoutProperty(properties map[string]any, dotted string) map[string]any {
	keys := strings.Split(dotted, ".")
	node := properties
	for _, key := range keys[:len(keys)-1] {
		child, ok := node[key].(map[string]any)
		if !ok {
			return properties
		}
		node = child
	}
	delete(node, keys[len(keys)-1])
	return properties
}

func mustMarshal(value any) []byte {
	data, err := json.Marshal(value)
	Expect(err).NotTo(HaveOccurred())
	return data
}

func decodeJSON(data []byte, into any) error {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	if err := decoder.Decode(into); err != nil {
		return err
	}
	return nil
}

// readProperties reads a sample manifest's job properties (YAML) from testdata.
func readProperties(name string) map[string]any {
	data, err := os.ReadFile(filepath.Join(repoRoot(), "release", "templatetest", "testdata", name))
	Expect(err).NotTo(HaveOccurred())
	var properties map[string]any
	Expect(yaml.Unmarshal(data, &properties)).To(Succeed(), "testdata/%s", name)
	return properties
}
