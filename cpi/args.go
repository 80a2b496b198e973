package cpi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// kind is the JSON shape a CPI method argument must have. The dispatcher checks every argument against
// its method's parameter list before the method runs, so a method can decode without re-checking and a
// caller gets one precise message ("create_disk: argument 1 (size) must be an integer, got string").
type kind int

const (
	kindCID            kind = iota // non-empty string
	kindOptionalCID                // non-empty string or null (create_disk's vm_cid)
	kindString                     // non-empty string that is not a CID (create_stemcell's image path)
	kindInteger                    // whole number (sizes in MiB)
	kindObject                     // object; null is taken as {} because BOSH sends null for empty cloud_properties
	kindOptionalObject             // object or null, kept as given (create_vm env)
	kindArray                      // array; null is taken as []
)

func (k kind) describe() string {
	switch k {
	case kindCID:
		return "a non-empty string (CID)"
	case kindOptionalCID:
		return "a non-empty string (CID) or null"
	case kindString:
		return "a non-empty string"
	case kindInteger:
		return "an integer"
	case kindObject, kindOptionalObject:
		return "an object"
	case kindArray:
		return "an array"
	}
	return "a value"
}

// param is one declared argument of a CPI method.
type param struct {
	name     string
	kind     kind
	optional bool // may be absent (only trailing parameters, e.g. v3 create_stemcell's tags)
}

// jsonType names the JSON type of raw the way a person reads it in an error message.
func jsonType(raw json.RawMessage) string {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return "nothing"
	}
	switch trimmed[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(trimmed, ".eE") {
		return "number"
	}
	return "integer"
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// Args are a request's arguments after the dispatcher checked them against the method's parameters.
type Args struct {
	method string
	params []param
	raw    []json.RawMessage
}

// checkArgs validates count and shape; surplus arguments are ignored, as the BOSH director's own CPIs do,
// so a newer director sending an extra argument does not break an older CPI.
func checkArgs(method string, params []param, raw []json.RawMessage) (Args, error) {
	required := 0
	for _, p := range params {
		if !p.optional {
			required++
		}
	}
	if len(raw) < required {
		return Args{}, NewCpiError(nil, "%s: expected %d argument%s (%s), got %d",
			method, required, plural(required), paramNames(params[:required]), len(raw))
	}
	for i, p := range params {
		if i >= len(raw) {
			break
		}
		if err := checkKind(raw[i], p.kind); err != nil {
			return Args{}, NewCpiError(nil, "%s: argument %d (%s) must be %s, got %s",
				method, i+1, p.name, p.kind.describe(), err.Error())
		}
	}
	return Args{method: method, params: params, raw: raw}, nil
}

// checkKind returns nil when raw fits k, else an error whose text describes what was found.
func checkKind(raw json.RawMessage, k kind) error {
	got := jsonType(raw)
	fail := func() error { return fmt.Errorf("%s", got) }
	switch k {
	case kindCID, kindString, kindOptionalCID:
		if got == "null" && k == kindOptionalCID {
			return nil
		}
		if got != "string" {
			return fail()
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fail()
		}
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("an empty string")
		}
	case kindInteger:
		if got != "integer" && got != "number" {
			return fail()
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || f != math.Trunc(f) {
			return fmt.Errorf("%s", strings.TrimSpace(string(raw)))
		}
	case kindObject, kindOptionalObject:
		if got != "object" && got != "null" {
			return fail()
		}
	case kindArray:
		if got != "array" && got != "null" {
			return fail()
		}
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func paramNames(params []param) string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}

// Len is the number of arguments given (surplus ones included).
func (a Args) Len() int { return len(a.raw) }

// Has reports whether argument i (0-based) was given and is not null.
func (a Args) Has(i int) bool { return i < len(a.raw) && !isNull(a.raw[i]) }

// String returns argument i as a string ("" for an absent optional or a null optional CID).
func (a Args) String(i int) string {
	var s string
	if a.Has(i) {
		_ = json.Unmarshal(a.raw[i], &s) // shape checked by checkArgs
	}
	return s
}

// Int returns argument i as an integer.
func (a Args) Int(i int) int64 {
	var f float64
	if a.Has(i) {
		_ = json.Unmarshal(a.raw[i], &f) // shape checked by checkArgs
	}
	return int64(f)
}

// Decode unmarshals argument i into dst (a struct or map). A field of the wrong type is reported with
// the argument's name, e.g. "create_vm: argument 3 (cloud_properties): cpu must be an integer, got string".
func (a Args) Decode(i int, dst any) error {
	if !a.Has(i) {
		return nil
	}
	if err := json.Unmarshal(a.raw[i], dst); err != nil {
		name := fmt.Sprintf("argument %d", i+1)
		if i < len(a.params) {
			name = fmt.Sprintf("argument %d (%s)", i+1, a.params[i].name)
		}
		return NewCpiError(nil, "%s: %s: %s", a.method, name, describeDecodeError(err))
	}
	return nil
}

// Raw returns argument i as given (nil when absent).
func (a Args) Raw(i int) json.RawMessage {
	if i < len(a.raw) {
		return a.raw[i]
	}
	return nil
}

// describeDecodeError turns encoding/json's messages into ones that name the field and both types.
func describeDecodeError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s must be %s, got %s", field, goTypeName(typeErr.Type.Kind().String()), typeErr.Value)
	}
	return err.Error()
}

// goTypeName maps a Go kind to the JSON vocabulary a manifest author knows.
func goTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "a boolean"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	}
	return "a " + kind
}
