package simulator

import (
	"encoding/json"
)

// Object wraps a single object under its key, as in {"keypair": {...}} or a job result
// {"affinitygroup": {...}}.
func Object(key string, v any) any { return map[string]any{key: v} }

// Success is CloudStack's SuccessResponse body.
func Success() any { return map[string]any{"success": true} }

// listBody is a list response body. CloudStack omits both count and the array when nothing
// matched ({}), and sends only count for a page past the end.
type listBody struct {
	count int
	key   string
	items []any
}

func (l listBody) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if l.count > 0 {
		m["count"] = l.count
	}
	if len(l.items) > 0 {
		m[l.key] = l.items
	}
	return json.Marshal(m)
}

// envelope renders {"<responsename>": body}.
func envelope(name string, body any) ([]byte, error) {
	return json.Marshal(map[string]any{name: body})
}

type errorBody struct {
	UUIDList    []any  `json:"uuidList"`
	ErrorCode   int    `json:"errorcode"`
	CSErrorCode int    `json:"cserrorcode,omitempty"`
	ErrorText   string `json:"errortext"`
}

func errorEnvelope(name string, e *APIError) []byte {
	b, _ := envelope(name, errorBody{UUIDList: []any{}, ErrorCode: e.Code, CSErrorCode: e.CSCode, ErrorText: e.Text})
	return b
}
