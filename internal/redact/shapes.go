package redact

import (
	"regexp"
	"strings"
)

// maskShapes masks secrets recognised by their shape rather than their value.
// PEM blocks go first: they may contain anything, "=" and ":" included, that
// the later rules would otherwise cut into pieces.
func maskShapes(s string) string {
	s = maskPEMBlocks(s)
	s = maskJSONPairs(s)
	if strings.Contains(s, "://") {
		s = urlUserinfoPassword.ReplaceAllString(s, "${1}:"+Mask+"@")
	}
	if strings.Contains(s, "=") {
		s = secretParameter.ReplaceAllString(s, "${1}${2}="+Mask)
	}
	if containsFold(s, "authorization") {
		s = authorizationHeader.ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}

// containsFold reports whether s contains the lower-case ASCII word, in any
// case. It spares most text the slower case-insensitive regular expression.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

const pemBegin = "-----BEGIN "

// pemBlock spans BEGIN to END lazily, across real newlines and across the
// literal \n escapes of a PEM inside a JSON string alike.
var pemBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]{1,64}-----.*?-----END [A-Z0-9 ]{1,64}-----`)

// maskPEMBlocks masks whole PEM blocks, and a BEGIN left without its END
// (a truncated log line) up to the end of s: a key's body is secret even
// without its last line.
func maskPEMBlocks(s string) string {
	if !strings.Contains(s, pemBegin) {
		return s
	}
	s = pemBlock.ReplaceAllLiteralString(s, Mask)
	if open := strings.Index(s, pemBegin); open >= 0 {
		s = s[:open] + Mask
	}
	return s
}

// urlUserinfoPassword matches scheme://user:password@ for any scheme. The
// password runs to the last "@" before the path, as url.Parse reads it.
var urlUserinfoPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'\\]*):([^\s/?#"'\\]+)@`)

// secretParameter matches k=v pairs of query strings and form bodies whose
// key is secret: CloudStack's apiKey, signature and userdata, and the usual
// password parameters. The key must start a parameter, so "myapikey=" does
// not match.
var secretParameter = regexp.MustCompile(`(?i)(^|[?&;,\s"'(\[{])(apikey|api_key|signature|secretkey|secret_key|secret_access_key|sessionkey|password|passwd|userdata|user_data)=([^&\s"'<>\\]+)`)

// authorizationHeader matches the credentials of an Authorization (or
// Proxy-Authorization) header as written by HTTP, by Go's %v of an
// http.Header, and as a JSON pair (escaped or not). A value that is already
// Mask matches as a whole, so that masking twice changes nothing.
var authorizationHeader = regexp.MustCompile(`(?i)(authorization\\*["']?\s*[:=]\s*\\*["'\[]?\s*(?:(?:basic|bearer|digest|token|negotiate)\s+)?)(\[REDACTED\]|[^\s"',\[\]\\]+)`)
