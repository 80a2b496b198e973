package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
)

// Load reads the config file at path (see Parse).
//
// Its errors name the file: "reading config file '<path>': ...",
// "config file '<path>' is not valid JSON: line L, column C: ...", or
// "config file '<path>': <dotted.key>: <problem>" (one line per problem).
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading config file '%s': %w", path, err)
	}
	cfg, err := parse(data)
	var syntax *syntaxError
	switch {
	case errors.As(err, &syntax):
		return Config{}, fmt.Errorf("config file '%s' is not valid JSON: %w", path, err)
	case err != nil:
		return cfg, fmt.Errorf("config file '%s': %w", path, err)
	}
	return cfg, nil
}

// Parse decodes a cpi.json document over Default() and validates the result.
// Unknown keys do not fail: they are listed in Config.Warnings. A value of
// the wrong type fails, naming its key. When only validation fails, the
// decoded Config is returned beside the error, so that a caller whose request
// context supplies what is missing can still MergeContext it.
func Parse(data []byte) (Config, error) {
	cfg, err := parse(data)
	var syntax *syntaxError
	if errors.As(err, &syntax) {
		return Config{}, fmt.Errorf("config is not valid JSON: %w", err)
	}
	return cfg, err
}

func parse(data []byte) (Config, error) {
	obj, err := decodeObject(data)
	if err != nil {
		return Config{}, err
	}
	cfg := Default()
	var o overlay
	o.object("", obj, reflect.ValueOf(&cfg).Elem())
	if len(o.errs) > 0 {
		return Config{}, errors.Join(o.errs...)
	}
	cfg.Warnings = o.warnings
	cfg.normalise()
	return cfg, cfg.Validate()
}
