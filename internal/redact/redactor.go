// Package redact masks secrets in anything the CPI logs or puts into an error.
//
// BOSH copies the CPI's stderr and the response's log into task logs that any
// user who can read tasks can see, and the requests carry secrets in clear:
// the CloudStack keys in the context, NATS private keys, blobstore passwords and
// the hashed vcap password in create_vm's env, signatures in API URLs. Masking
// happens in two complementary ways:
//
//   - values registered with New or Add (the API keys, passwords from the
//     config) are masked wherever they appear, also URL-query-encoded and
//     JSON-escaped;
//   - secrets recognised by their shape are masked without being registered:
//     values of sensitive JSON keys (see SensitiveKey), URL userinfo passwords,
//     secret query/form parameters, PEM blocks and Authorization headers.
//
// Every masked value becomes Mask.
package redact

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// minSecretLength keeps very short values from being registered: masking
// every "abc" or "1" in a log would destroy it and protect nothing.
const minSecretLength = 4

// Redactor masks registered secret values and shape-recognised secrets.
// It is safe for concurrent use; a nil *Redactor masks only by shape.
type Redactor struct {
	mu       sync.RWMutex
	secrets  map[string]struct{}
	replacer *strings.Replacer // nil while no secret is registered
}

// New returns a Redactor that masks the given secret values (see Add).
func New(secrets ...string) *Redactor {
	r := &Redactor{secrets: map[string]struct{}{}}
	r.Add(secrets...)
	return r
}

// Add registers more secret values. Empty values, values shorter than four
// characters and values made only of white space are ignored.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = map[string]struct{}{}
	}
	added := false
	for _, s := range secrets {
		if utf8.RuneCountInString(s) < minSecretLength || strings.TrimFunc(s, unicode.IsSpace) == "" {
			continue
		}
		if _, known := r.secrets[s]; known {
			continue
		}
		r.secrets[s] = struct{}{}
		added = true
	}
	if added {
		r.replacer = buildReplacer(r.secrets)
	}
}

// String returns s with every registered secret and every shape-recognised
// secret replaced by Mask.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	if replacer := r.currentReplacer(); replacer != nil {
		s = replacer.Replace(s)
	}
	return maskShapes(s)
}

func (r *Redactor) currentReplacer() *strings.Replacer {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.replacer
}

// buildReplacer masks every encoded form of every secret. The longest forms
// come first so that, where two overlap at one position, the longer one wins
// and no tail of it is left in clear.
func buildReplacer(secrets map[string]struct{}) *strings.Replacer {
	forms := map[string]struct{}{}
	for s := range secrets {
		for _, form := range encodedForms(s) {
			forms[form] = struct{}{}
		}
	}
	olds := make([]string, 0, len(forms))
	for form := range forms {
		olds = append(olds, form)
	}
	slices.SortFunc(olds, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(olds))
	for _, old := range olds {
		pairs = append(pairs, old, Mask)
	}
	return strings.NewReplacer(pairs...)
}

var unregistered = New()

// String masks shape-recognised secrets in s, with no registered values.
func String(s string) string {
	return unregistered.String(s)
}
