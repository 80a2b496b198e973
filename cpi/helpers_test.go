package cpi_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

const (
	testAPIKey    = "AKIA-test-api-key-0123456789"
	testSecretKey = "very-secret-key-9876543210"
	testMbusPass  = "mbus-password-42"
)

// validConfig is a complete cpi.json with recognisable secrets, so tests can grep for them.
func validConfig() map[string]any {
	return map[string]any{
		"cloudstack": map[string]any{
			"endpoint":          "https://cloud.example/client/api",
			"api_key":           testAPIKey,
			"secret_access_key": testSecretKey,
			"default_zone":      "zone1",
		},
		"agent": map[string]any{
			"mbus": "https://mbus:" + testMbusPass + "@0.0.0.0:6868",
			"ntp":  []string{"0.pool.ntp.org"},
		},
	}
}

func writeConfig(dir string, cfg any) string {
	path := filepath.Join(dir, "cpi.json")
	data, err := json.Marshal(cfg)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
	return path
}

type served struct {
	Response cpi.Response
	Stdout   string
	Stderr   string
}

// serve runs one request through cpi.Serve exactly as main does and decodes the single response.
func serve(configPath, request string) served {
	return serveWith(nil, configPath, request)
}

// serveWith is serve with a fake CloudStack (nil: the real client, which no test lets reach a network).
func serveWith(cloud *fakeCloud, configPath, request string) served {
	var stdout, stderr bytes.Buffer
	opts := cpi.ServeOptions{
		ConfigPath: configPath,
		Stdin:      strings.NewReader(request),
		Stdout:     &stdout,
		Stderr:     &stderr,
	}
	if cloud != nil {
		opts.NewCloud = cloud.factory()
	}
	err := cpi.Serve(opts)
	Expect(err).NotTo(HaveOccurred())
	out := served{Stdout: stdout.String(), Stderr: stderr.String()}
	Expect(json.Unmarshal(stdout.Bytes(), &out.Response)).To(Succeed(), "stdout must be one JSON response: %q", out.Stdout)
	return out
}

func request(method string, args ...any) string {
	return requestV(2, method, args...)
}

// requestV is a request of a given CPI API version.
func requestV(apiVersion int, method string, args ...any) string {
	if args == nil {
		args = []any{}
	}
	data, err := json.Marshal(map[string]any{
		"method":      method,
		"arguments":   args,
		"context":     map[string]any{"director_uuid": "dir-uuid", "request_id": "cpi-123456"},
		"api_version": apiVersion,
	})
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
