package redact

import "strings"

// maxKeyLength bounds what is taken for a JSON key, so a long quoted string
// followed by a colon costs no more than a short one.
const maxKeyLength = 128

// maskJSONPairs masks the string, number and boolean values of sensitive keys
// in JSON text. It also finds them inside JSON that was escaped into a JSON
// string, once or more (`\"password\":\"x\"`, `\\\"password\\\":...`): a
// quote escaped d times is written as 2^d-1 backslashes and a '"'.
// Object and array values are left alone; their own sensitive pairs are
// masked one by one.
//
// A regular expression cannot do this (RE2 has no back-references to match
// the closing quote of the same depth), hence the small scanner.
func maskJSONPairs(s string) string {
	if !strings.Contains(s, ":") || !strings.Contains(s, `"`) {
		return s
	}
	var out strings.Builder
	copied := 0 // s[:copied] has been written to out
	for i := 0; i < len(s); {
		q := strings.IndexByte(s[i:], '"')
		if q < 0 {
			break
		}
		q += i
		p, found := parsePair(s, q)
		if !found {
			i = q + 1
			continue
		}
		if p.valueEnd > p.valueStart {
			out.WriteString(s[copied:p.valueStart])
			out.WriteString(p.masked)
			copied = p.valueEnd
			i = p.valueEnd
			continue
		}
		// Carry on right after the key, not after the value: a string value
		// may hold escaped JSON with sensitive pairs of its own.
		i = p.keyEnd
	}
	if copied == 0 {
		return s
	}
	out.WriteString(s[copied:])
	return out.String()
}

type pair struct {
	key                  string
	keyEnd               int // index just after the key's closing quote
	valueStart, valueEnd int // the scalar value to mask; empty when there is none or the key is not sensitive
	masked               string
}

// parsePair reads `"key" : value` starting at the quote s[q], at the escape
// depth given by the backslashes just before that quote. It reports false
// when s[q] does not open a key followed by a colon.
func parsePair(s string, q int) (pair, bool) {
	backslashes := countBackslashesBefore(s, q, 0)
	if (backslashes+1)&backslashes != 0 { // not 2^d-1: not a quote at any depth
		return pair{}, false
	}
	closingQuote := strings.Repeat(`\`, backslashes) + `"`

	keyStart := q + 1
	e := keyStart
	for e < len(s) && e-keyStart <= maxKeyLength && s[e] != '"' && s[e] != '\\' && s[e] >= 0x20 {
		e++
	}
	if e == keyStart || !strings.HasPrefix(s[e:], closingQuote) {
		return pair{}, false
	}
	p := pair{key: s[keyStart:e], keyEnd: e + len(closingQuote)}

	j := skipSpace(s, p.keyEnd)
	if j >= len(s) || s[j] != ':' {
		return pair{}, false
	}
	j = skipSpace(s, j+1)
	p.valueStart, p.valueEnd = j, j
	if !SensitiveKey(p.key) {
		return p, true // no need to find where the value ends
	}
	p.masked = closingQuote + Mask + closingQuote

	switch {
	case strings.HasPrefix(s[j:], closingQuote):
		p.valueEnd = stringEnd(s, j+len(closingQuote), backslashes)
		if p.valueEnd > len(s) { // unterminated: the rest is the value
			p.valueEnd = len(s)
			p.masked = closingQuote + Mask
		}
	case j < len(s) && (s[j] == '-' || isDigit(s[j])):
		p.valueEnd = j + 1
		for p.valueEnd < len(s) && strings.IndexByte("0123456789.eE+-", s[p.valueEnd]) >= 0 {
			p.valueEnd++
		}
	case strings.HasPrefix(s[j:], "true"):
		p.valueEnd = j + len("true")
	case strings.HasPrefix(s[j:], "false"):
		p.valueEnd = j + len("false")
	}
	return p, true
}

// stringEnd returns the index just after the quote that closes a string
// whose content starts at from, at the depth whose quotes are preceded by
// `backslashes` backslashes, or len(s)+1 when there is none. A quote closes
// the string when the run of k backslashes before it leaves exactly that
// many once the content's own escaped backslashes (in groups of
// 2*(backslashes+1)) are taken away.
func stringEnd(s string, from, backslashes int) int {
	group := 2 * (backslashes + 1)
	for i := from; i < len(s); {
		q := strings.IndexByte(s[i:], '"')
		if q < 0 {
			break
		}
		q += i
		if countBackslashesBefore(s, q, from)%group == backslashes {
			return q + 1
		}
		i = q + 1
	}
	return len(s) + 1
}

// countBackslashesBefore counts the run of backslashes ending just before
// s[i], not looking before s[floor].
func countBackslashesBefore(s string, i, floor int) int {
	n := 0
	for i-1-n >= floor && s[i-1-n] == '\\' {
		n++
	}
	return n
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
