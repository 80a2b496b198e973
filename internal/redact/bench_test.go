package redact_test

import (
	"strings"
	"testing"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// A typical debug line: a CPI request with env and context.
func BenchmarkStringLogLine(b *testing.B) {
	r := redact.New("K3y-0001-abcdef", "S3cret-0001-abcdef", "MbusPassw0rd")
	line := `2026/11/22 01:35:55 [cpi.CreateVM] DEBUG - Request: {"method":"create_vm","arguments":["agent-1","tpl-1",` +
		`{"compute_offering":"Small"},{"default":{"ip":"10.0.0.5"}},[],{"bosh":{"password":"$6$x"}}],` +
		`"context":{"director_uuid":"6a6c5a2e-0000","request_id":"cpi-1","api_key":"K3y-0001-abcdef"}}` + "\n"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		r.String(line)
	}
}

// A large single-line JSON document, the size of generous agent settings.
func BenchmarkStringLargeJSON(b *testing.B) {
	r := redact.New("K3y-0001-abcdef", "S3cret-0001-abcdef", "MbusPassw0rd")
	doc := strings.Repeat(`{"name":"web","password":"x","tags":{"key":"director"},"url":"https://u:p@h/x?apikey=1&b=2"},`, 400)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		r.String(doc)
	}
}
