package templatetest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	yaml "go.yaml.in/yaml/v3"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

var manifestVariable = regexp.MustCompile(`\(\(([a-z0-9_.]+)\)\)`)

// readManifest reads a file of release/manifests with each ((variable)) replaced by a sample value
// (URLs where a URL is expected), and decodes it into out.
func readManifest(name string, out any) {
	data, err := os.ReadFile(filepath.Join(repoRoot(), "release", "manifests", name))
	Expect(err).NotTo(HaveOccurred())
	text := manifestVariable.ReplaceAllStringFunc(string(data), func(variable string) string {
		name := manifestVariable.FindStringSubmatch(variable)[1]
		if strings.HasSuffix(name, "endpoint") || strings.HasSuffix(name, "_url") {
			return "https://" + strings.ReplaceAll(name, "_", "-") + ".example.com/client/api"
		}
		return "sample-" + strings.ReplaceAll(name, "_", "-")
	})
	Expect(yaml.Unmarshal([]byte(text), out)).To(Succeed(), "release/manifests/%s", name)
}

type operation struct {
	Type  string `yaml:"type"`
	Path  string `yaml:"path"`
	Value any    `yaml:"value"`
}

// opsFileProperties applies the operations of release/manifests/cpi.yml on job properties, giving the
// properties of the director's cloudstack_cpi job and of create-env's. agent.mbus comes from
// bosh-deployment's bosh.yml, so it is set here as bosh.yml sets it.
func opsFileProperties() map[string]map[string]any {
	var operations []operation
	readManifest("cpi.yml", &operations)
	sides := map[string]map[string]any{
		"/instance_groups/name=bosh/properties/": {"agent": map[string]any{"mbus": "nats://10.0.0.6:4222"}},
		"/cloud_provider/properties/":            {"agent": map[string]any{"mbus": "https://mbus:MbusPassw0rd@0.0.0.0:6868"}},
	}
	applied := 0
	for _, op := range operations {
		for prefix, properties := range sides {
			dotted, isProperty := strings.CutPrefix(op.Path, prefix)
			if !isProperty {
				continue
			}
			Expect(op.Type).To(Equal("replace"))
			dotted = strings.ReplaceAll(strings.TrimSuffix(dotted, "?"), "/", ".")
			if dotted == "director.cpi_job" {
				continue // the director job's property
			}
			withProperty(properties, dotted, op.Value)
			applied++
		}
	}
	Expect(applied).To(BeNumerically(">=", 4), "cpi.yml sets the cloudstack and agent properties of both sides")
	return sides
}

var _ = Describe("release/manifests", func() {
	It("cpi.yml adds the cloudstack_cpi job of this release to the director and to create-env", func() {
		var operations []operation
		readManifest("cpi.yml", &operations)
		values := map[string]any{}
		for _, op := range operations {
			values[op.Path] = op.Value
		}
		job := map[string]any{"name": "cloudstack_cpi", "release": "bosh-cloudstack-cpi"}
		Expect(values).To(HaveKeyWithValue("/instance_groups/name=bosh/jobs/-", job))
		Expect(values).To(HaveKeyWithValue("/cloud_provider/template?", job))
		Expect(values).To(HaveKeyWithValue("/instance_groups/name=bosh/properties/director/cpi_job?", "cloudstack_cpi"))
		Expect(values).To(HaveKeyWithValue("/releases/-", HaveKeyWithValue("name", "bosh-cloudstack-cpi")))
	})

	It("cpi-config.yml's properties overlay the job's config as the director sends them", func() {
		var cpiConfig struct {
			CPIs []struct {
				Name       string         `yaml:"name"`
				Type       string         `yaml:"type"`
				Properties map[string]any `yaml:"properties"`
			} `yaml:"cpis"`
		}
		readManifest("cpi-config.yml", &cpiConfig)
		Expect(cpiConfig.CPIs).To(HaveLen(2))

		base, err := config.Parse([]byte(mustRender("cpi.json.erb", requiredProperties())))
		Expect(err).NotTo(HaveOccurred())
		for _, cpi := range cpiConfig.CPIs {
			Expect(cpi.Type).To(Equal("cloudstack"), "the type that runs the cloudstack_cpi job")
			context := map[string]any{"director_uuid": "d-1", "request_id": "cpi-1"}
			for key, value := range cpi.Properties {
				context[key] = value
			}
			data, err := json.Marshal(context)
			Expect(err).NotTo(HaveOccurred())
			merged, err := base.MergeContext(data)
			Expect(err).NotTo(HaveOccurred(), cpi.Name)
			Expect(merged.Warnings).To(BeEmpty(), cpi.Name)
			Expect(merged.CloudStack.Endpoint).To(Equal(cpi.Properties["endpoint"]), cpi.Name)
		}
	})
})
