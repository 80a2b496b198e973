package redact

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// encodedForms lists the ways a secret value shows up in what the CPI logs:
// as is, in a URL query or form body (CloudStack API calls are signed query
// strings, with "+" or "%20" for spaces and either case of hex digits), and
// inside JSON strings, once or twice escaped (a request logged as a JSON
// string inside another JSON document).
func encodedForms(secret string) []string {
	query := url.QueryEscape(secret)
	percentSpaces := strings.ReplaceAll(query, "+", "%20")
	forms := []string{
		secret,
		query,
		percentSpaces,
		url.PathEscape(secret),
		lowerHex(query),
		lowerHex(percentSpaces),
	}
	for _, escaped := range []string{jsonEscape(secret, true), jsonEscape(secret, false)} {
		forms = append(forms,
			escaped,
			strings.ReplaceAll(escaped, "/", `\/`),
			jsonEscape(escaped, false),
		)
	}
	return forms
}

var percentEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string {
	return percentEscape.ReplaceAllStringFunc(s, strings.ToLower)
}

// jsonEscape returns s as it appears between the quotes of a JSON string;
// escapeHTML chooses between encoding/json's two styles for <, > and &.
func jsonEscape(s string, escapeHTML bool) string {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(escapeHTML)
	if err := encoder.Encode(s); err != nil {
		return s // cannot happen for a string; the raw form is masked anyway
	}
	encoded := strings.TrimSuffix(buf.String(), "\n")
	return encoded[1 : len(encoded)-1]
}
