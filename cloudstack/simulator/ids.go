package simulator

import (
	"crypto/rand"
	"fmt"
	"time"
)

// TimeFormat is CloudStack's date format (yyyy-MM-dd'T'HH:mm:ssZ).
const TimeFormat = "2006-01-02T15:04:05-0700"

// FormatTime renders t as CloudStack does, in UTC ("+0000").
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// newUUID returns a random (version 4) UUID in CloudStack's lower-case form.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("simulator: crypto/rand failed: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewUUID is exported for families and seed tooling that need ids.
func NewUUID() string { return newUUID() }

// isUUID accepts CloudStack's 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
				return false
			}
		}
	}
	return true
}
