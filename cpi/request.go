package cpi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Response is the one JSON object the CPI writes on stdout. The director's schema requires all three
// keys, `log` as a string and, in an error, `ok_to_retry` as a boolean.
type Response struct {
	Result any            `json:"result"`
	Error  *ResponseError `json:"error"`
	Log    string         `json:"log"`
}

// ResponseError is the error part of a Response.
type ResponseError struct {
	Type      string `json:"type"`
	Message   string `json:"message"`
	OkToRetry bool   `json:"ok_to_retry"`
}

// Call is one decoded request: everything a method needs to know about how it was called.
type Call struct {
	Method string
	// APIVersion is the CPI API version of the request's top-level api_version. BOSH omits it on the
	// director's first info call and the CLI sends 1 for info, so absent means 1.
	APIVersion int
	// StemcellAPIVersion comes from context.vm.stemcell.api_version; 0 when the caller did not say
	// (the director sends it only for VM-related methods).
	StemcellAPIVersion int
	DirectorUUID       string
	RequestID          string
	// Context is the raw request context: CPI-config properties travel in it.
	Context json.RawMessage
	Args    Args
	rawArgs []json.RawMessage
}

// maxRequestBytes bounds what is read from stdin. BOSH's largest requests (create_vm with a big env of
// certificates) are a few megabytes; anything beyond this is not a CPI request.
const maxRequestBytes = 64 << 20

type wireRequest struct {
	Method     *string         `json:"method"`
	Arguments  json.RawMessage `json:"arguments"`
	Context    json.RawMessage `json:"context"`
	APIVersion json.RawMessage `json:"api_version"`
}

type wireContext struct {
	DirectorUUID string `json:"director_uuid"`
	RequestID    string `json:"request_id"`
	VM           struct {
		Stemcell struct {
			APIVersion json.RawMessage `json:"api_version"`
		} `json:"stemcell"`
	} `json:"vm"`
}

// readCall reads and decodes one request. Every failure is a CpiError that says what was wrong, since the
// only reader is a person looking at a failed task.
func readCall(in io.Reader) (Call, error) {
	data, err := io.ReadAll(io.LimitReader(in, maxRequestBytes+1))
	if err != nil {
		return Call{}, NewCpiError(err, "reading the request from stdin")
	}
	if len(data) > maxRequestBytes {
		return Call{}, NewCpiError(nil, "request on stdin is larger than %d MiB", maxRequestBytes>>20)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Call{}, NewCpiError(nil, "empty request on stdin: expected one JSON object with method, arguments and context")
	}
	if !json.Valid(trimmed) {
		var syntaxErr *json.SyntaxError
		err := json.Unmarshal(trimmed, new(any))
		if errors.As(err, &syntaxErr) {
			return Call{}, NewCpiError(nil, "request on stdin is not valid JSON: %s (at byte %d)", syntaxErr.Error(), syntaxErr.Offset)
		}
		return Call{}, NewCpiError(err, "request on stdin is not valid JSON")
	}
	if trimmed[0] != '{' {
		return Call{}, NewCpiError(nil, "request on stdin must be a JSON object, got %s", jsonType(trimmed))
	}
	var req wireRequest
	if err := json.Unmarshal(trimmed, &req); err != nil {
		return Call{}, NewCpiError(nil, "request: %s", describeDecodeError(err))
	}
	if req.Method == nil {
		return Call{}, NewCpiError(nil, `request has no "method"`)
	}
	if *req.Method == "" {
		return Call{}, NewCpiError(nil, `request "method" is empty`)
	}
	call := Call{Method: *req.Method, APIVersion: 1}

	if req.Arguments == nil {
		return call, NewCpiError(nil, `%s: request has no "arguments" array`, call.Method)
	}
	if jsonType(req.Arguments) != "array" {
		return call, NewCpiError(nil, `%s: request "arguments" must be an array, got %s`, call.Method, jsonType(req.Arguments))
	}
	if err := json.Unmarshal(req.Arguments, &call.rawArgs); err != nil {
		return call, NewCpiError(err, "%s: decoding arguments", call.Method)
	}

	if req.APIVersion != nil && !isNull(req.APIVersion) {
		v, err := wholeNumber(req.APIVersion)
		if err != nil {
			return call, NewCpiError(nil, `%s: request "api_version" must be an integer, got %s`, call.Method, jsonType(req.APIVersion))
		}
		call.APIVersion = v
	}

	if req.Context != nil && !isNull(req.Context) {
		if jsonType(req.Context) != "object" {
			return call, NewCpiError(nil, `%s: request "context" must be an object, got %s`, call.Method, jsonType(req.Context))
		}
		call.Context = req.Context
		var ctx wireContext
		if err := json.Unmarshal(req.Context, &ctx); err != nil {
			return call, NewCpiError(nil, "%s: context: %s", call.Method, describeDecodeError(err))
		}
		call.DirectorUUID, call.RequestID = ctx.DirectorUUID, ctx.RequestID
		if raw := ctx.VM.Stemcell.APIVersion; raw != nil && !isNull(raw) {
			v, err := wholeNumber(raw)
			if err != nil {
				return call, NewCpiError(nil, "%s: context.vm.stemcell.api_version must be an integer, got %s", call.Method, jsonType(raw))
			}
			call.StemcellAPIVersion = v
		}
	}
	return call, nil
}

func wholeNumber(raw json.RawMessage) (int, error) {
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("not an integer")
	}
	return n, nil
}
