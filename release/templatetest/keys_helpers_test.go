package templatetest_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"
	yaml "go.yaml.in/yaml/v3"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// specOnlyProperties are the job properties that are not keys of cpi.json: bin/cpi's environment,
// older names that the template maps onto a key, and properties of the older job that this CPI ignores
// (declared so that the older job's manifests keep their meaning documented).
var specOnlyProperties = []string{
	"env.http_proxy", "env.https_proxy", "env.no_proxy",
	"ntp", "cloudstack.skip_verify_ssl",
	"cloudstack.private_key", "cloudstack.clean_disk", "cloudstack.interval_clean_disk", "director.name",
	"agent.env_service",
}

// requiredKeys are the keys that have no default, in the Go config and in the spec alike.
var requiredKeys = []string{
	"cloudstack.endpoint", "cloudstack.api_key", "cloudstack.secret_access_key", "cloudstack.default_zone",
	"agent.mbus",
}

// configKeys lists the dotted keys of cpi.json from the Go structs' json tags: every leaf, where a
// leaf is anything but a struct (a map, such as the blobstore's options, is one leaf).
func configKeys() []string {
	var keys []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			fieldType := t.Field(i).Type
			if fieldType.Kind() == reflect.Pointer {
				fieldType = fieldType.Elem()
			}
			if fieldType.Kind() == reflect.Struct {
				walk(key, fieldType)
				continue
			}
			keys = append(keys, key)
		}
	}
	walk("", reflect.TypeFor[config.Config]())
	sort.Strings(keys)
	return keys
}

// specProperty is one property of the job spec.
type specProperty struct {
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
	HasDefault  bool   `yaml:"-"`
}

// jobSpec reads the job's spec file: its properties by name, in no particular order.
func jobSpec() map[string]specProperty {
	data, err := os.ReadFile(specPath())
	Expect(err).NotTo(HaveOccurred())
	var spec struct {
		Properties map[string]yaml.Node `yaml:"properties"`
	}
	Expect(yaml.Unmarshal(data, &spec)).To(Succeed())
	properties := map[string]specProperty{}
	for name, node := range spec.Properties {
		var property specProperty
		Expect(node.Decode(&property)).To(Succeed(), "property %s", name)
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == "default" {
				property.HasDefault = true
			}
		}
		properties[name] = property
	}
	return properties
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

// readmeRow is one row of a reference table in README.md: the key in its first cell, then the others.
type readmeRow struct {
	Key   string
	Cells []string
}

var backticked = regexp.MustCompile("`([^`]*)`")

// readmeTable returns the rows of the first table under the README heading that reads exactly
// heading, up to the next heading. A key written with a placeholder, such as
// `cloudstack.timeout.<operation>`, stands for one row per name in backticks in its last cell.
func readmeTable(heading string) []readmeRow {
	data, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	Expect(err).NotTo(HaveOccurred())
	lines := strings.Split(string(data), "\n")
	start := -1
	for i, line := range lines {
		if strings.TrimSpace(strings.TrimLeft(line, "#")) == heading && strings.HasPrefix(line, "#") {
			start = i + 1
			break
		}
	}
	Expect(start).To(BeNumerically(">", 0), "README.md has no heading %q", heading)

	var rows []readmeRow
	for _, line := range lines[start:] {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break // the table ended
			}
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		key := backticked.FindStringSubmatch(cells[0])
		if key == nil {
			continue // header or separator row
		}
		rows = append(rows, expandPlaceholder(readmeRow{Key: key[1], Cells: cells[1:]})...)
	}
	Expect(rows).NotTo(BeEmpty(), "README.md has no table under %q", heading)
	return rows
}

var placeholder = regexp.MustCompile(`<[a-z_]+>`)

func expandPlaceholder(row readmeRow) []readmeRow {
	if !placeholder.MatchString(row.Key) {
		return []readmeRow{row}
	}
	var rows []readmeRow
	for _, name := range backticked.FindAllStringSubmatch(row.Cells[len(row.Cells)-1], -1) {
		rows = append(rows, readmeRow{Key: placeholder.ReplaceAllString(row.Key, name[1]), Cells: row.Cells})
	}
	Expect(rows).NotTo(BeEmpty(), "README row %s names no values for its placeholder", row.Key)
	return rows
}

func rowKeys(rows []readmeRow) []string {
	keys := make([]string, 0, len(rows))
	for _, row := range rows {
		keys = append(keys, row.Key)
	}
	sort.Strings(keys)
	return keys
}

// readmeDefault reads a default cell: "required", "none", or a JSON value in the first backticks
// (`1800`, `"info"`, `[]`, ...). known is false for "required" and "none".
func readmeDefault(cell string) (value any, known bool) {
	match := backticked.FindStringSubmatch(cell)
	if match == nil {
		return nil, false
	}
	Expect(json.Unmarshal([]byte(match[1]), &value)).To(Succeed(), "README default %q is not JSON", cell)
	return value, true
}

// asJSON normalises a value decoded from YAML or JSON for comparison (ints and floats alike).
func asJSON(value any) any {
	data, err := json.Marshal(value)
	Expect(err).NotTo(HaveOccurred())
	var normalised any
	Expect(json.Unmarshal(data, &normalised)).To(Succeed())
	return normalised
}

// flatten maps each key of a rendered or marshalled cpi.json to its value, stopping at the config's
// leaf keys (so a blobstore's options stay one value).
func flatten(document map[string]any) map[string]any {
	leaves := map[string]bool{}
	for _, key := range configKeys() {
		leaves[key] = true
	}
	flat := map[string]any{}
	var walk func(prefix string, node map[string]any)
	walk = func(prefix string, node map[string]any) {
		for name, value := range node {
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			if child, isObject := value.(map[string]any); isObject && !leaves[key] {
				walk(key, child)
				continue
			}
			flat[key] = value
		}
	}
	walk("", document)
	return flat
}

// lookup returns the value at a dotted key of nested maps.
func lookup(document map[string]any, dotted string) (any, bool) {
	var node any = document
	for _, key := range strings.Split(dotted, ".") {
		object, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		if node, ok = object[key]; !ok {
			return nil, false
		}
	}
	return node, true
}

// structJSONKeys reads the json tags of a struct type declared in the Go files (tests excluded) of a
// package directory, without compiling it, so unexported types are reachable too. found is false when
// the package declares no such type.
func structJSONKeys(packageDir, typeName string) (keys []string, found bool) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(packageDir)
	Expect(err).NotTo(HaveOccurred())
	for _, entry := range entries {
		name := entry.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(packageDir, name), nil, parser.SkipObjectResolution)
		Expect(err).NotTo(HaveOccurred())
		ast.Inspect(file, func(node ast.Node) bool {
			spec, ok := node.(*ast.TypeSpec)
			if !ok || spec.Name.Name != typeName {
				return true
			}
			structType, ok := spec.Type.(*ast.StructType)
			Expect(ok).To(BeTrue(), "%s is not a struct", typeName)
			found = true
			for _, field := range structType.Fields.List {
				if field.Tag == nil {
					continue
				}
				tag, err := strconv.Unquote(field.Tag.Value)
				Expect(err).NotTo(HaveOccurred())
				jsonName, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
				if jsonName != "" && jsonName != "-" {
					keys = append(keys, jsonName)
				}
			}
			return false
		})
	}
	sort.Strings(keys)
	return keys, found
}
