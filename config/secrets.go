package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Secrets returns every secret value the config holds, for the log
// redactor: the CloudStack API and secret keys, the registry password, the
// passwords in URLs (agent.mbus, registry.endpoint, cloudstack.endpoint,
// cloudstack.stemcell.url), every value under a sensitive blobstore option
// (password, secret_access_key, json_key, ...), and private keys pasted into
// cloudstack.ca_cert. The certificates of ca_cert are public and not listed.
// The result is sorted, without duplicates or empty values.
func (c Config) Secrets() []string {
	var secrets []string
	add := func(values ...string) {
		for _, v := range values {
			if strings.TrimSpace(v) != "" {
				secrets = append(secrets, v)
			}
		}
	}
	add(c.CloudStack.APIKey, c.CloudStack.SecretAccessKey, c.Registry.Password)
	for _, raw := range []string{c.Agent.Mbus, c.Registry.Endpoint, c.CloudStack.Endpoint, c.CloudStack.Stemcell.URL} {
		add(urlPassword(raw))
	}
	if c.Agent.Blobstore != nil {
		add(sensitiveValues(c.Agent.Blobstore.Options, false)...)
	}
	add(privateKeyBlock.FindAllString(c.CloudStack.CACert, -1)...)
	slices.Sort(secrets)
	return slices.Compact(secrets)
}

func urlPassword(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		return ""
	}
	password, _ := u.User.Password()
	return password
}

var privateKeyBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----`)

// sensitiveValues collects the leaves of a decoded JSON value that sit under
// a sensitive key; under is true once such a key has been passed.
func sensitiveValues(v any, under bool) []string {
	var found []string
	switch v := v.(type) {
	case map[string]any:
		for key, child := range v {
			found = append(found, sensitiveValues(child, under || sensitiveKey(key))...)
		}
	case []any:
		for _, child := range v {
			found = append(found, sensitiveValues(child, under)...)
		}
	case string:
		if under {
			found = append(found, v)
		}
	case float64, json.Number, bool:
		if under {
			found = append(found, fmt.Sprint(v))
		}
	}
	return found
}

// sensitiveNames mirrors internal/redact's list: config is a leaf package
// and cannot import it. A key is sensitive when its lower-cased,
// "_"-separated form is, or contains as a run of parts, one of these.
var sensitiveNames = []string{
	"password", "passwd", "secret", "secret_access_key", "secret_key", "secretkey",
	"private_key", "privatekey", "api_key", "apikey", "access_key", "token", "sessionkey",
	"certificate", "cert", "ca", "ca_cert", "cacert", "signature", "user_data", "userdata",
	"credentials", "json_key",
}

func sensitiveKey(key string) bool {
	normalised := "_" + strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(strings.ToLower(key)) + "_"
	for _, name := range sensitiveNames {
		if strings.Contains(normalised, "_"+name+"_") {
			return true
		}
	}
	return false
}
