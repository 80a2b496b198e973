package redact

import (
	"encoding/json"
	"fmt"
)

// Value returns a deep copy of a decoded JSON value (map[string]any, []any,
// string, float64, json.Number, bool, nil) in which the value of every
// sensitive key (see SensitiveKey) is Mask whatever its type, so a whole
// `"cert": {...}` object goes, and every string is passed through String.
// v itself is never modified.
//
// Other types (structs, typed maps and slices) are first turned into their
// JSON form, so nothing reaches a log unredacted because of its Go type.
func (r *Redactor) Value(v any) any {
	switch v := v.(type) {
	case nil, bool, float64, float32, int, int64, int32, uint, uint64, uint32:
		return v
	case string:
		return r.String(v)
	case json.Number:
		masked := r.String(string(v))
		if masked != string(v) {
			return masked // a json.Number holding Mask would not marshal
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, child := range v {
			if SensitiveKey(key) {
				out[key] = Mask
				continue
			}
			out[key] = r.Value(child)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = r.Value(child)
		}
		return out
	default:
		return r.Value(asJSONValue(v))
	}
}

// asJSONValue turns any Go value into its decoded-JSON form. A value that
// cannot be marshalled is described as text instead, which String then
// masks like any other.
func asJSONValue(v any) any {
	encoded, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	var decoded any
	if err := json.Unmarshal(encoded, &decoded); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return decoded
}
