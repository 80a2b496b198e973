package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// MergeContext overlays the CPI-config properties that the director merges
// into a request's context onto c, and validates the result.
//
// The director puts a CPI config's properties at the top level of the
// context, beside director_uuid, request_id and vm. Top-level keys that are
// keys of the cloudstack section (endpoint, api_key, default_zone, timeout,
// ...) overlay that section. Objects under "cloudstack", "agent" and
// "registry" overlay those sections (the cloudstack object first, then the
// top-level keys). Every other key is ignored. Scalars and arrays replace
// what c has, objects are overlaid key by key, except blobstore options,
// which replace c's as a whole; null changes nothing.
//
// Type errors name the context key ("context.api_key: must be a string, got
// number") and return the zero Config. A merged config that does not
// validate is returned beside the error. An empty or null context returns c
// unchanged. c itself is never modified.
func (c Config) MergeContext(ctx json.RawMessage) (Config, error) {
	trimmed := bytes.TrimSpace(ctx)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return c, nil
	}
	obj, err := decodeObject(ctx)
	if err != nil {
		var syntax *syntaxError
		if errors.As(err, &syntax) {
			return Config{}, fmt.Errorf("context is not valid JSON: %w", err)
		}
		return Config{}, fmt.Errorf("context: %w", err)
	}

	merged := c.clone()
	var o overlay
	for _, section := range []struct {
		key string
		dst any
	}{
		{"cloudstack", &merged.CloudStack},
		{"agent", &merged.Agent},
		{"registry", &merged.Registry},
	} {
		if value, present := obj[section.key]; present {
			o.value("context."+section.key, value, reflect.ValueOf(section.dst).Elem())
		}
	}
	o.object("context", cloudStackKeys(obj), reflect.ValueOf(&merged.CloudStack).Elem())
	if len(o.errs) > 0 {
		return Config{}, errors.Join(o.errs...)
	}

	merged.Warnings = append(merged.Warnings, o.warnings...)
	merged.normalise()
	if err := merged.Validate(); err != nil {
		return merged, fmt.Errorf("config merged with the request context: %w", err)
	}
	return merged, nil
}

// cloudStackKeys picks the top-level context keys that name a key of the
// cloudstack section (or an older name of one).
func cloudStackKeys(obj map[string]any) map[string]any {
	t := reflect.TypeFor[CloudStack]()
	fields := fieldsByKey(t)
	aliases := keyAliases[t]
	picked := map[string]any{}
	for key, value := range obj {
		_, isField := fields[key]
		_, isAlias := aliases[key]
		if isField || isAlias {
			picked[key] = value
		}
	}
	return picked
}
