package redact_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// The alphabets mix letters with everything that means something to one of
// the rules (quotes, backslashes, URL and JSON punctuation, PEM dashes), so
// the surroundings try hard to confuse the masking.
var (
	secretAlphabet   = []rune(`abcdefXYZ0189 "\/+&=%:@<>{}[],;?#-_.~ü€`)
	surroundAlphabet = []rune(`abcdefXYZ0189 "\/+&=%:@<>{}[],;?#-_.~ü€` + "\n\t")
	surroundPieces   = []string{
		`{"password":"`, `"}`, `\"`, `\\\"`, `":`, `"key":"`, "https://user:", "@host/", "?apikey=", "&signature=",
		"-----BEGIN RSA PRIVATE KEY-----\n", "\n-----END RSA PRIVATE KEY-----", "Authorization: Basic ", "\\n", "%20", "+",
	}
)

func randomText(rng *rand.Rand, alphabet []rune, minLen, maxLen int) string {
	n := minLen + rng.IntN(maxLen-minLen+1)
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

func randomSurrounding(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(4) {
		if rng.IntN(2) == 0 {
			b.WriteString(surroundPieces[rng.IntN(len(surroundPieces))])
		} else {
			b.WriteString(randomText(rng, surroundAlphabet, 0, 6))
		}
	}
	return b.String()
}

// encode puts text into one of the forms a secret takes in a log.
func encode(rng *rand.Rand, text string) string {
	switch rng.IntN(5) {
	case 0:
		return url.QueryEscape(text)
	case 1:
		return strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
	case 2:
		encoded, _ := json.Marshal(map[string]string{"note": text})
		return string(encoded)
	case 3:
		inner, _ := json.Marshal(map[string]string{"note": text})
		outer, _ := json.Marshal(string(inner))
		return string(outer)
	default:
		return text
	}
}

// survives reports whether secret, in any encoding, is left in output once
// the masks are taken out (a mask next to text could otherwise spell a
// secret made of mask characters).
func survives(output, secret string) bool {
	output = strings.ReplaceAll(output, redact.Mask, "\x00")
	query := url.QueryEscape(secret)
	quoted, _ := json.Marshal(secret)
	quotedTwice, _ := json.Marshal(string(quoted))
	forms := []string{
		secret, query, strings.ReplaceAll(query, "+", "%20"),
		string(quoted[1 : len(quoted)-1]), string(quotedTwice[3 : len(quotedTwice)-3]),
	}
	for _, form := range forms {
		if strings.Contains(output, form) {
			return true
		}
	}
	return false
}

var _ = Describe("a registered secret", func() {
	It("never survives String, whatever surrounds it", func() {
		rng := rand.New(rand.NewPCG(20240601, 7)) // fixed seed: the same cases on every run
		for range 20000 {
			secret := randomText(rng, secretAlphabet, 4, 20)
			if strings.TrimSpace(secret) == "" {
				continue // blank values are never registered
			}
			text := randomSurrounding(rng) + secret + randomSurrounding(rng)
			if rng.IntN(3) == 0 {
				text += randomSurrounding(rng) + secret
			}
			input := encode(rng, text)

			output := redact.New(secret).String(input)

			Expect(survives(output, secret)).To(BeFalse(), "secret %q survived in %q (input %q)", secret, output, input)
		}
	})

	It("never survives the Writer, however the text is split into writes", func() {
		rng := rand.New(rand.NewPCG(20240602, 11))
		for range 2000 {
			secret := randomText(rng, []rune("abcdefXYZ0189-_"), 4, 20)
			text := encode(rng, randomSurrounding(rng)+secret+randomSurrounding(rng)) + "\n"
			var out strings.Builder
			w := redact.New(secret).Writer(&out)
			for len(text) > 0 {
				n := 1 + rng.IntN(len(text))
				_, err := w.Write([]byte(text[:n]))
				Expect(err).NotTo(HaveOccurred())
				text = text[n:]
			}
			Expect(survives(out.String(), secret)).To(BeFalse(), "secret %q survived in %q", secret, out.String())
		}
	})
})
