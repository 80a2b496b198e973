package simulator

import (
	"net/url"
	"strings"
	"time"
)

// CallRecord is one /client/api request as the call log keeps it.
type CallRecord struct {
	Seq     int               `json:"seq"`
	Time    string            `json:"time"`
	Command string            `json:"command"`
	Params  map[string]string `json:"params"`
	// Duration is measured on the server's clock (injected latency included), in ns.
	Duration   time.Duration `json:"duration"`
	HTTPStatus int           `json:"httpstatus"`
	ErrorCode  int           `json:"errorcode,omitempty"`
	JobID      string        `json:"jobid,omitempty"`
}

// secretParams are dropped from the call log: credentials, and payloads that carry them.
var secretParams = map[string]bool{
	"apikey": true, "signature": true, "userdata": true, "password": true, "secretkey": true,
	"privatekey": true, "sessionkey": true, "expires": true, "signatureversion": true, "response": true,
}

func redactParams(params url.Values) map[string]string {
	out := map[string]string{}
	for k, vs := range params {
		lk := strings.ToLower(k)
		if k == "command" || secretParams[lk] || strings.Contains(lk, "password") || strings.Contains(lk, "secret") {
			continue
		}
		out[k] = vs[0]
	}
	return out
}
