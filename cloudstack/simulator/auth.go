package simulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"time"
)

const authFailureText = "unable to verify user credentials and/or request signature"

// verifySignature checks a request the way ApiServer.verifyRequest does: every parameter
// but "signature", names sorted case-sensitively, values encoded like Java's URLEncoder
// with spaces as %20, the whole string lower-cased, HMAC-SHA1 with the secret key, base64.
// With signatureversion=3, "expires" is required and must not be in the past.
func verifySignature(params url.Values, apiKey, secretKey string, now time.Time) bool {
	var gotKey, signature, version, expires string
	names := make([]string, 0, len(params))
	for name, vs := range params {
		switch strings.ToLower(name) {
		case "signature":
			signature = vs[0]
			continue
		case "apikey":
			gotKey = vs[0]
		case "signatureversion":
			version = vs[0]
		case "expires":
			expires = vs[0]
		}
		names = append(names, name)
	}
	if gotKey == "" || signature == "" || subtle.ConstantTimeCompare([]byte(gotKey), []byte(apiKey)) != 1 {
		return false
	}
	if version == "3" {
		deadline, ok := parseExpires(expires)
		if !ok || deadline.Before(now) {
			return false
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+"="+javaURLEncode(params[name][0]))
	}
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(strings.ToLower(strings.Join(parts, "&"))))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return subtle.ConstantTimeCompare([]byte(want), []byte(signature)) == 1
}

// SignParams signs params for the given keys as a CloudStack client must (the inverse of
// verifySignature): it returns the signature to send as the "signature" parameter.
func SignParams(params url.Values, secretKey string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if strings.ToLower(name) != "signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+"="+javaURLEncode(params[name][0]))
	}
	mac := hmac.New(sha1.New, []byte(secretKey))
	mac.Write([]byte(strings.ToLower(strings.Join(parts, "&"))))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// javaURLEncode is URLEncoder.encode(v, "UTF-8").replaceAll("\\+", "%20"): letters,
// digits and . - * _ stay, everything else (including ~) is %XX.
func javaURLEncode(v string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteString("%20")
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// parseExpires accepts the forms DateUtil.parseTZDateString does.
func parseExpires(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.000-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
