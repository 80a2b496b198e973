package templatetest_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

// The config keys are written down three times: the Go structs (what the CPI reads), the job spec
// (what an operator may set) and the README (what an operator reads). These tests keep them equal.
var _ = Describe("config keys, job spec and README", func() {
	const configHeading = "Configuration (cpi.json)"
	const specOnlyHeading = "Job properties that are not cpi.json keys"

	It("declare in the spec every config key, and nothing else but the spec-only properties", func() {
		spec := jobSpec()
		var specKeys []string
		for _, name := range sortedKeys(spec) {
			if !slices.Contains(specOnlyProperties, name) {
				specKeys = append(specKeys, name)
			}
		}
		Expect(specKeys).To(Equal(configKeys()),
			"a key is in config.Config but not in release/jobs/cloudstack_cpi/spec, or the reverse")
		for _, name := range specOnlyProperties {
			Expect(spec).To(HaveKey(name), "specOnlyProperties names %s, which the spec no longer declares", name)
		}
	})

	It("list every config key in the README's config table, and no other", func() {
		Expect(rowKeys(readmeTable(configHeading))).To(Equal(configKeys()),
			"a key is in config.Config but not in README.md's table under %q, or the reverse", configHeading)
	})

	It("list the spec-only properties in the README's table of them", func() {
		want := slices.Clone(specOnlyProperties)
		sort.Strings(want)
		Expect(rowKeys(readmeTable(specOnlyHeading))).To(Equal(want))
	})

	It("give every property a description", func() {
		for name, property := range jobSpec() {
			Expect(strings.TrimSpace(property.Description)).NotTo(BeEmpty(), "spec property %s", name)
		}
	})

	It("have no default in the spec exactly for the required keys and the optional blobstore", func() {
		var withoutDefault []string
		for name, property := range jobSpec() {
			if !property.HasDefault && !strings.HasPrefix(name, "env.") {
				withoutDefault = append(withoutDefault, name)
			}
		}
		want := append(slices.Clone(requiredKeys), "agent.blobstore.provider", "agent.blobstore.options")
		Expect(withoutDefault).To(ConsistOf(want))
	})

	It("show in the README the spec's defaults", func() {
		spec := jobSpec()
		rows := append(readmeTable(configHeading), readmeTable(specOnlyHeading)...)
		for _, row := range rows {
			property := spec[row.Key]
			value, known := readmeDefault(row.Cells[0])
			if !known {
				Expect(property.HasDefault).To(BeFalse(), "README shows %s without a default (%q), the spec has %v",
					row.Key, row.Cells[0], property.Default)
				if slices.Contains(requiredKeys, row.Key) {
					Expect(row.Cells[0]).To(Equal("required"), "README default of %s", row.Key)
				}
				continue
			}
			Expect(property.HasDefault).To(BeTrue(), "README shows a default for %s, the spec has none", row.Key)
			Expect(value).To(Equal(asJSON(property.Default)), "README default of %s", row.Key)
		}
	})

	It("have spec defaults that are the CPI's own", func() {
		// The same check through the templates is in cpi_json_test.go; this one needs no Ruby.
		defaults := config.Default()
		marshalled := map[string]any{}
		Expect(decodeJSON(mustMarshal(defaults), &marshalled)).To(Succeed())
		flat := flatten(marshalled)
		for name, property := range jobSpec() {
			if !property.HasDefault || slices.Contains(specOnlyProperties, name) {
				continue
			}
			Expect(flat).To(HaveKey(name))
			Expect(asJSON(property.Default)).To(Equal(asJSON(flat[name])), "spec default of %s against config.Default()", name)
		}
	})
})

// Cloud properties live in the cpi and stemcell packages. Each README table is checked against the Go
// type that decodes it: both ways, so a key cannot be added to one without the other.
var _ = Describe("cloud_properties reference in the README", func() {
	It("lists the stemcell properties stemcell.Props reads", func() {
		var keys []string
		t := reflect.TypeFor[stemcell.Props]()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				keys = append(keys, name)
			}
		}
		sort.Strings(keys)
		Expect(rowKeys(readmeTable("Stemcells (stemcell.MF cloud_properties)"))).To(Equal(keys))
	})

	// The create_vm, create_disk and network properties are decoded by unexported types of package cpi;
	// each table is checked once its type exists there.
	DescribeTable("lists the keys cpi's decoder reads",
		func(heading, typeName string) {
			keys, found := structJSONKeys(filepath.Join(repoRoot(), "cpi"), typeName)
			if !found {
				Expect(readmeTable(heading)).NotTo(BeEmpty())
				return
			}
			Expect(rowKeys(readmeTable(heading))).To(Equal(keys), "README table %q against cpi.%s", heading, typeName)
		},
		Entry("vm_types", "vm_types and vm_extensions (create_vm)", "vmCloudProperties"),
		Entry("disk_types", "disk_types (create_disk)", "diskCloudProperties"),
		Entry("networks", "networks (subnet cloud_properties)", "networkCloudProperties"),
	)
})
