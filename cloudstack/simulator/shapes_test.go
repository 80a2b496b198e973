package simulator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	. "github.com/onsi/gomega"
)

// The conformance harness: recordings of a real CloudStack (cloudstack-go's testdata) and
// a shape comparison against them and cloudstack-go's typed structs.

// recordings maps a command ("listDiskOfferings") to its recorded body, the value under
// the response key. Async commands are recorded as their queryAsyncJobResult body.
type recordings map[string]map[string]any

func loadRecordings() recordings {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/apache/cloudstack-go/v2").Output()
	Expect(err).NotTo(HaveOccurred(), "locating cloudstack-go's module directory")
	files, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "test", "testdata", "*.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(files).NotTo(BeEmpty())
	recs := recordings{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		Expect(err).NotTo(HaveOccurred())
		var byCommand map[string]map[string]any
		Expect(json.Unmarshal(b, &byCommand)).To(Succeed(), f)
		for cmd, envelope := range byCommand {
			for _, body := range envelope {
				if m, ok := body.(map[string]any); ok {
					recs[cmd] = m
				}
			}
		}
	}
	return recs
}

// shapeProblems compares a JSON value the simulator emitted with the recorded value (nil
// when there is none) and cloudstack-go's Go type for it:
//   - every field the simulator emits must exist in the recording with the same JSON type,
//     or, when the recording lacks it, in cloudstack-go's struct with a type it can decode;
//   - every recorded field that cloudstack-go's struct reads must be emitted, unless its
//     path is listed in notModelled.
//
// With rec == nil this is the "unmarshals without loss" check against the struct alone.
func shapeProblems(path string, sim, rec any, goType reflect.Type, notModelled map[string]bool) []string {
	var problems []string
	goType = deref(goType)
	if isRawJSON(goType) {
		return nil
	}
	switch sv := sim.(type) {
	case map[string]any:
		recMap, _ := rec.(map[string]any)
		keys := sortedKeys(sv)
		for _, k := range keys {
			p := path + "." + k
			ft, inStruct := fieldType(goType, k)
			rv, inRec := recMap[k]
			switch {
			case inRec && jsonKind(sv[k]) != jsonKind(rv):
				problems = append(problems, fmt.Sprintf("%s: simulator emits %s, the recording has %s", p, jsonKind(sv[k]), jsonKind(rv)))
			case !inRec && !inStruct:
				problems = append(problems, fmt.Sprintf("%s: emitted but neither recorded nor read by cloudstack-go (%v)", p, goType))
			case inStruct && !goAccepts(ft, sv[k]):
				problems = append(problems, fmt.Sprintf("%s: %s cannot be decoded into cloudstack-go's %v", p, jsonKind(sv[k]), ft))
			}
			var elemRec any
			if inRec {
				elemRec = rv
			}
			problems = append(problems, shapeProblems(p, sv[k], elemRec, ft, notModelled)...)
		}
		for _, k := range sortedKeys(recMap) {
			if _, emitted := sv[k]; emitted {
				continue
			}
			if _, read := fieldType(goType, k); read && !notModelled[path+"."+k] {
				problems = append(problems, fmt.Sprintf("%s.%s: recorded and read by cloudstack-go but not emitted", path, k))
			}
		}
	case []any:
		recSlice, _ := rec.([]any)
		var elemType reflect.Type
		if goType != nil && goType.Kind() == reflect.Slice {
			elemType = goType.Elem()
		}
		for i, el := range sv {
			var elemRec any
			if len(recSlice) > 0 {
				elemRec = recSlice[0]
			}
			problems = append(problems, shapeProblems(fmt.Sprintf("%s[%d]", path, i), el, elemRec, elemType, notModelled)...)
		}
	}
	return problems
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isRawJSON(t reflect.Type) bool {
	return t == reflect.TypeOf(json.RawMessage{})
}

// fieldType finds the struct field for a JSON key the way encoding/json does (tag name,
// case-insensitively). For maps every key is a field of the element type.
func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	t = deref(t)
	if t == nil {
		return nil, false
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem(), true
	case reflect.Interface:
		return t, true
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if name == "" {
				name = t.Field(i).Name
			}
			if strings.EqualFold(name, key) {
				return t.Field(i).Type, true
			}
		}
	}
	return nil, false
}

func goAccepts(t reflect.Type, v any) bool {
	t = deref(t)
	if t == nil || t.Kind() == reflect.Interface || isRawJSON(t) {
		return true
	}
	switch v.(type) {
	case string:
		return t.Kind() == reflect.String
	case float64:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return v.(float64) == float64(int64(v.(float64)))
		case reflect.Float32, reflect.Float64:
			return true
		}
		return false
	case bool:
		return t.Kind() == reflect.Bool
	case map[string]any:
		return t.Kind() == reflect.Struct || t.Kind() == reflect.Map
	case []any:
		if t.Kind() != reflect.Slice {
			return false
		}
		for _, el := range v.([]any) {
			if !goAccepts(t.Elem(), el) {
				return false
			}
		}
		return true
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeOf is reflect.TypeOf for a zero value of T.
func typeOf[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }
