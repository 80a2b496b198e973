package integration_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/gomega"
)

// cpiRun is one run of the binary: its decoded response and raw streams.
type cpiRun struct {
	ExitCode int
	Stdout   string
	Stderr   string
	Response struct {
		Result any `json:"result"`
		Error  *struct {
			Type      string `json:"type"`
			Message   string `json:"message"`
			OkToRetry *bool  `json:"ok_to_retry"`
		} `json:"error"`
		Log *string `json:"log"`
	}
}

// runCPI runs the binary with the given flags and stdin, and checks what BOSH requires of every run:
// exit 0 and exactly one JSON object on stdout with the three keys the director's schema demands.
func runCPI(stdin string, flags ...string) cpiRun {
	cmd := exec.Command(cpiBinary, flags...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	run := cpiRun{Stdout: stdout.String(), Stderr: stderr.String()}
	if exitErr, ok := err.(*exec.ExitError); ok {
		run.ExitCode = exitErr.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(run.ExitCode).To(Equal(0), "stderr: %s", run.Stderr)

	dec := json.NewDecoder(strings.NewReader(run.Stdout))
	Expect(dec.Decode(&run.Response)).To(Succeed(), "stdout is not one JSON object: %q", run.Stdout)
	Expect(dec.More()).To(BeFalse(), "stdout holds more than one JSON value: %q", run.Stdout)
	Expect(run.Response.Log).NotTo(BeNil(), "response lacks the required log key")
	if run.Response.Error != nil {
		Expect(run.Response.Error.OkToRetry).NotTo(BeNil(), "error lacks ok_to_retry")
	}
	return run
}

func writeJSONFile(dir, name string, v any) string {
	data, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(dir, name)
	Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
	return path
}

func requestJSON(method string, args []any, context map[string]any, apiVersion int) string {
	if args == nil {
		args = []any{}
	}
	req := map[string]any{"method": method, "arguments": args, "context": context}
	if apiVersion > 0 {
		req["api_version"] = apiVersion
	}
	data, err := json.Marshal(req)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
