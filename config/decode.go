package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// keyAliases maps an older key name to the current one, per struct type:
// the Orange CPI's job called skip_ssl_validation skip_verify_ssl.
var keyAliases = map[reflect.Type]map[string]string{
	reflect.TypeFor[CloudStack](): {"skip_verify_ssl": "skip_ssl_validation"},
}

// overlay applies decoded JSON onto Go values that already hold defaults.
// Unlike encoding/json it names the dotted key of every type error, goes on
// past the first one, and notes unknown keys instead of dropping them
// silently. A JSON null counts as an absent key: the default stays, which
// suits templates that render unset properties as null.
type overlay struct {
	warnings []string
	errs     []error
}

func (o *overlay) fail(path, format string, args ...any) {
	o.errs = append(o.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (o *overlay) wrongType(path, want string, got any) {
	o.fail(path, "must be %s, got %s", want, jsonKind(got))
}

// object applies the keys of obj to the struct dst, by their json tags.
func (o *overlay) object(path string, obj map[string]any, dst reflect.Value) {
	fields := fieldsByKey(dst.Type())
	aliases := keyAliases[dst.Type()]
	keys := make([]string, 0, len(obj))
	for key := range obj {
		keys = append(keys, key)
	}
	slices.Sort(keys) // warnings and errors in a stable order
	for _, key := range keys {
		target := key
		if current, isAlias := aliases[key]; isAlias {
			if other, both := obj[current]; both && !reflect.DeepEqual(other, obj[key]) {
				o.fail(join(path, key), "conflicts with %s; %s is its older name, set only %s", join(path, current), key, current)
				continue
			}
			target = current
		}
		index, known := fields[target]
		if !known {
			o.warnings = append(o.warnings, fmt.Sprintf("unknown key %s (ignored)", join(path, key)))
			continue
		}
		o.value(join(path, key), obj[key], dst.Field(index))
	}
}

// value applies one decoded JSON value to dst.
func (o *overlay) value(path string, v any, dst reflect.Value) {
	if v == nil {
		return
	}
	switch dst.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			o.wrongType(path, "a string", v)
			return
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			o.wrongType(path, "true or false", v)
			return
		}
		dst.SetBool(b)
	case reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			o.wrongType(path, "a number", v)
			return
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		switch {
		case err == nil && f != math.Trunc(f):
			o.fail(path, "must be a whole number, got %s", n)
		case err != nil || f < math.MinInt32 || f > math.MaxInt32:
			o.fail(path, "is out of range, got %s", n)
		default:
			dst.SetInt(int64(f))
		}
	case reflect.Slice:
		o.strings(path, v, dst)
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			o.wrongType(path, "an object", v)
			return
		}
		dst.Set(reflect.ValueOf(plainJSON(m)))
	case reflect.Pointer:
		if _, ok := v.(map[string]any); !ok {
			o.wrongType(path, "an object", v)
			return
		}
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		o.value(path, v, dst.Elem())
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			o.wrongType(path, "an object", v)
			return
		}
		o.object(path, m, dst)
	default:
		o.fail(path, "cannot be set (unsupported Go type %s)", dst.Type())
	}
}

// strings applies a JSON array of strings to a []string, replacing it.
func (o *overlay) strings(path string, v any, dst reflect.Value) {
	items, ok := v.([]any)
	if !ok {
		o.wrongType(path, "an array of strings", v)
		return
	}
	out := make([]string, 0, len(items))
	valid := true
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			o.wrongType(fmt.Sprintf("%s[%d]", path, i), "a string", item)
			valid = false
			continue
		}
		out = append(out, s)
	}
	if valid {
		dst.Set(reflect.ValueOf(out))
	}
}

// fieldsByKey maps the json names of a struct's fields to their indexes.
func fieldsByKey(t reflect.Type) map[string]int {
	fields := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	return fields
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonKind names the JSON type of a decoded value for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// plainJSON turns the json.Numbers of a decoded value into float64, as
// encoding/json would have decoded them, so that code reading blobstore
// options sees the usual types.
func plainJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return f
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, child := range v {
			out[key] = plainJSON(child)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = plainJSON(child)
		}
		return out
	}
	return v
}

// syntaxError reports JSON that does not parse, with where.
type syntaxError struct {
	line, column int
	msg          string
}

func (e *syntaxError) Error() string {
	if e.line == 0 {
		return e.msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.column, e.msg)
}

// decodeObject parses data as exactly one JSON object, keeping numbers as
// json.Number so that integers are checked exactly.
func decodeObject(data []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &syntaxError{msg: "it is empty"}
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var decoded any
	if err := decoder.Decode(&decoded); err != nil {
		return nil, positioned(data, err, decoder.InputOffset())
	}
	end := int(decoder.InputOffset())
	if err := decoder.Decode(new(any)); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, positioned(data, err, decoder.InputOffset())
		}
		next := end + len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
		line, column := position(data, next+1)
		return nil, &syntaxError{line: line, column: column, msg: "unexpected data after the top-level value"}
	}
	obj, ok := decoded.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the top level must be a JSON object, got %s", jsonKind(decoded))
	}
	return obj, nil
}

// positioned turns a decoder error into a syntaxError at the right line and
// column. A SyntaxError's Offset counts the bytes read up to and including
// the offending one.
func positioned(data []byte, err error, inputOffset int64) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		line, column := position(data, int(syntax.Offset))
		return &syntaxError{line: line, column: column, msg: syntax.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, column := position(data, len(data)+1)
		return &syntaxError{line: line, column: column, msg: "unexpected end of JSON input"}
	}
	line, column := position(data, int(inputOffset)+1)
	return &syntaxError{line: line, column: column, msg: err.Error()}
}

// position converts the 1-based byte position n of data into a 1-based line
// and column.
func position(data []byte, n int) (line, column int) {
	n = max(1, min(n, len(data)+1))
	before := data[:n-1]
	line = 1 + bytes.Count(before, []byte("\n"))
	column = n - bytes.LastIndexByte(before, '\n') - 1
	return line, column
}
