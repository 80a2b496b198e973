package redact

import (
	"strings"
	"unicode"
)

// sensitiveNames are matched against a key's normalised form (see
// normaliseKey) as a whole or as a run of its "_"-separated parts, so
// "password", "mbus_password", "SecretAccessKey" and "blobstore_api_key" are
// all sensitive. Plain "key", "value" and "name" are not: CloudStack tags are
// {"key": ..., "value": ...} pairs and masking them would hide what is useful.
var sensitiveNames = []string{
	"password", "passwd",
	"secret", "secret_access_key", "secret_key", "secretkey", // secretkey: CloudStack's listUsers/registerUserKeys field
	"private_key", "privatekey",
	"api_key", "apikey",
	"access_key",
	"token", "sessionkey", // sessionkey: CloudStack's login session
	"certificate", "cert", "ca", "ca_cert", "cacert",
	"signature",
	"user_data", "userdata",
	"credentials",
	"json_key", // the GCS blobstore's service account key
}

// SensitiveKey reports whether values under a JSON key or parameter of this
// name are secret. The match ignores case and treats camelCase, "-", "." and
// spaces like "_", so "apiKey", "api-key" and "API_KEY" all match "api_key".
func SensitiveKey(name string) bool {
	normalised := "_" + normaliseKey(name) + "_"
	for _, sensitive := range sensitiveNames {
		if strings.Contains(normalised, "_"+sensitive+"_") {
			return true
		}
	}
	return false
}

// normaliseKey lower-cases name and turns word boundaries into "_":
// "secretAccessKey" and "secret-access-key" both become "secret_access_key".
// A run of capitals stays one word ("APIKey" becomes "apikey").
func normaliseKey(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 4)
	var previous rune
	for _, c := range name {
		switch {
		case c == '-' || c == '.' || c == ' ':
			b.WriteByte('_')
		case unicode.IsUpper(c):
			if unicode.IsLower(previous) || unicode.IsDigit(previous) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
		default:
			b.WriteRune(c)
		}
		previous = c
	}
	return b.String()
}
