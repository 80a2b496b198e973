package cloudstack

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

const redacted = "[REDACTED]"

// Parameters that only add noise to a log line: the signing envelope and the
// command, which the line names separately.
var envelopeParams = map[string]bool{
	"apikey": true, "signature": true, "signatureversion": true,
	"expires": true, "response": true, "command": true,
}

// isSecretParam names the parameters whose values must never reach a log or
// an error message: keys, passwords, and user-data (it carries the agent
// settings, with their mbus and blobstore credentials).
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	if n == "userdata" || n == "sessionkey" || n == "privatekey" {
		return true
	}
	for _, word := range []string{"password", "secret", "token", "apikey", "signature"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// describeParams renders request parameters for a debug line, sorted, with
// the signing envelope dropped and secrets replaced.
func describeParams(params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if !envelopeParams[strings.ToLower(name)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		value := strings.Join(params[name], ",")
		switch {
		case isSecretParam(name):
			value = fmt.Sprintf("%s(%d bytes)", redacted, len(value))
		case strings.Contains(value, "://") && strings.Contains(value, "@"):
			value = withoutUserinfo(value)
		case len(value) > 120:
			value = value[:120] + "..."
		}
		parts = append(parts, name+"="+value)
	}
	return strings.Join(parts, " ")
}

// withoutUserinfo masks the password of a URL-valued parameter, such as a
// registerTemplate url of the form https://user:password@host/image.
func withoutUserinfo(value string) string {
	u, err := url.Parse(value)
	if err != nil {
		return redacted
	}
	return u.Redacted()
}
