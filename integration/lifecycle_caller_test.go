package integration_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The lifecycle specs call the CPI the way BOSH's two callers do. bosh-cli's own client (the `cloud`
// package of github.com/cloudfoundry/bosh-cli/v7 v7.9.13, which `create-env` runs) was the first choice,
// but it cannot be built in this module: it imports bosh-cli's installation and release packages, and
// release/resource calls fileutil.Compressor.CompressFilesInDir with the one argument of the
// bosh-utils v0.0.555 it was written against, while this module pins bosh-utils v0.0.642, whose method
// takes two. So the requests are written here as that client and the director write them (read from
// bosh-cli cloud/cloud.go and cloud/cpi_cmd_runner.go, and bosh's external_cpi.rb), and both run the
// release's bin/cpi wrapper, never the binary directly.

// callerKind is who calls the CPI.
type callerKind int

const (
	// director: the BOSH director, which sends a request_id, the negotiated api_version (none at all
	// when it predates CPI API v2) and context.vm.stemcell only for the methods that concern a VM.
	director callerKind = iota
	// createEnv: `bosh create-env` (bosh-cli's cloud package): no request_id, context.vm.stemcell on
	// every call, and `info` (sent as API version 1) before each method, whose answer it caps at 2.
	createEnv
)

func (k callerKind) String() string {
	if k == createEnv {
		return "create-env"
	}
	return "director"
}

// cpiJob is an installed cloudstack_cpi job, laid out as BOSH lays out jobs and packages:
// <root>/jobs/cloudstack_cpi/{bin/cpi,config/cpi.json} and <root>/packages/cloudstack_cpi/bin/.
type cpiJob struct {
	jobsDir     string
	packagesDir string
}

// cpiWrapper is bin/cpi as a release renders it: the director and create-env run this script, which
// execs the binary with the rendered config.
const cpiWrapper = `#!/bin/sh
exec "${BOSH_PACKAGES_DIR:-/var/vcap/packages}/cloudstack_cpi/bin/cloudstack-cpi" \
  -configFile "${BOSH_JOBS_DIR:-/var/vcap/jobs}/cloudstack_cpi/config/cpi.json"
`

// installCPIJob installs the built binary and the given cpi.json as a job in a temporary directory.
func installCPIJob(configPath string) cpiJob {
	root := GinkgoT().TempDir()
	job := cpiJob{jobsDir: filepath.Join(root, "jobs"), packagesDir: filepath.Join(root, "packages")}
	binDir := filepath.Join(job.packagesDir, "cloudstack_cpi", "bin")
	jobDir := filepath.Join(job.jobsDir, "cloudstack_cpi")
	for _, dir := range []string{binDir, filepath.Join(jobDir, "bin"), filepath.Join(jobDir, "config")} {
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	}
	Expect(os.Symlink(cpiBinary, filepath.Join(binDir, "cloudstack-cpi"))).To(Succeed())
	config, err := os.ReadFile(configPath)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(jobDir, "config", "cpi.json"), config, 0o600)).To(Succeed())
	Expect(os.WriteFile(job.executable(), []byte(cpiWrapper), 0o755)).To(Succeed())
	return job
}

func (j cpiJob) executable() string { return filepath.Join(j.jobsDir, "cloudstack_cpi", "bin", "cpi") }

// environment is the process environment each caller gives bin/cpi. The director wipes everything but
// PATH, TMPDIR and HOME (unsetenv_others); create-env adds BOSH_PACKAGES_DIR and BOSH_JOBS_DIR to its
// own. The director's real jobs live under /var/vcap, where the wrapper looks by default; here it is
// told where the temporary installation is. Proxy settings pass through, as a release's wrapper
// exports them from job properties, so the suite also runs behind a proxy against a real cloud.
func (j cpiJob) environment(kind callerKind) []string {
	dirs := []string{"BOSH_PACKAGES_DIR=" + j.packagesDir, "BOSH_JOBS_DIR=" + j.jobsDir}
	if kind == createEnv {
		return append(os.Environ(), dirs...)
	}
	env := append([]string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR=" + os.TempDir(), "HOME=" + os.Getenv("HOME")}, dirs...)
	for _, name := range []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"} {
		if value, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+value)
		}
	}
	return env
}

// boshCaller sends requests to an installed CPI job as one of BOSH's callers does.
type boshCaller struct {
	kind         callerKind
	job          cpiJob
	directorUUID string
	// cpiAPI is the version the director negotiated (1: a director from before CPI API v2, which sends
	// no api_version at all). create-env ignores it and negotiates through info.
	cpiAPI      int
	stemcellAPI int
	// infoFirst has every method preceded by info, as both callers do; the fault soak leaves it out
	// to spend its time on the methods that touch the cloud.
	infoFirst bool
	requests  int
}

// stemcellMethods are the methods for which the director sends context.vm.stemcell (external_cpi.rb:
// the cloud factory is given the VM's stemcell API version for these).
var stemcellMethods = map[string]bool{"create_vm": true, "delete_vm": true, "attach_disk": true, "detach_disk": true}

// call runs one method and returns its run. The response's shape is checked as BOSH checks it.
func (c *boshCaller) call(method string, args ...any) cpiRun {
	apiVersion := c.cpiAPI
	if c.kind == createEnv {
		apiVersion = 0 // learnt from info below
	}
	if c.infoFirst || c.kind == createEnv {
		info := c.send("info", nil, c.infoAPIVersion())
		Expect(info.Response.Error).To(BeNil(), "info before %s: %s", method, info.Stdout)
		if c.kind == createEnv {
			// bosh-cli cloud.infoParser: api_version defaults to 1 and is capped at 2.
			apiVersion = 1
			if v, ok := info.Response.Result.(map[string]any)["api_version"].(float64); ok {
				apiVersion = min(int(v), 2)
			}
		}
	}
	return c.send(method, args, apiVersion)
}

// infoAPIVersion is what info is sent with: create-env sends 1; the director sends none the first
// time, then the negotiated version (what a running director sends for every later call).
func (c *boshCaller) infoAPIVersion() int {
	if c.kind == createEnv {
		return 1
	}
	if c.cpiAPI < 2 {
		return 0
	}
	return c.cpiAPI
}

// apiVersionUsed is the CPI API version the methods run with: what create-env negotiates (2 with
// this CPI), or the director's.
func (c *boshCaller) apiVersionUsed() int {
	if c.kind == createEnv {
		return 2
	}
	return c.cpiAPI
}

func (c *boshCaller) send(method string, args []any, apiVersion int) cpiRun {
	if args == nil {
		args = []any{}
	}
	c.requests++
	request := map[string]any{"method": method, "arguments": args, "context": c.context(method)}
	if apiVersion > 1 || (apiVersion == 1 && c.kind == createEnv) {
		request["api_version"] = apiVersion
	}
	stdin, err := json.Marshal(request)
	Expect(err).NotTo(HaveOccurred())
	return runCPIJob(c.job, c.kind, stdin)
}

func (c *boshCaller) context(method string) map[string]any {
	stemcell := map[string]any{}
	if c.stemcellAPI > 0 {
		stemcell["api_version"] = c.stemcellAPI
	}
	if c.kind == createEnv {
		return map[string]any{"director_uuid": c.directorUUID, "vm": map[string]any{"stemcell": stemcell}}
	}
	ctx := map[string]any{"director_uuid": c.directorUUID, "request_id": fmt.Sprintf("cpi-%06d", 100000+c.requests)}
	if stemcellMethods[method] {
		ctx["vm"] = map[string]any{"stemcell": stemcell}
	}
	return ctx
}

// runCPIJob runs bin/cpi with stdin and checks what both callers require of every run, as runCPI
// does for the bare binary: exit 0 (create-env fails on anything else), one JSON object on stdout with
// the director's three keys, and an error type among the ten the director knows, retryable only when
// it is VMCreationFailed.
func runCPIJob(job cpiJob, kind callerKind, stdin []byte) cpiRun {
	cmd := exec.Command(job.executable())
	cmd.Env = job.environment(kind)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	run := cpiRun{Stdout: stdout.String(), Stderr: stderr.String()}
	if exitErr, ok := err.(*exec.ExitError); ok {
		run.ExitCode = exitErr.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(run.ExitCode).To(Equal(0), "request %s\nstderr: %s", stdin, run.Stderr)

	dec := json.NewDecoder(strings.NewReader(run.Stdout))
	Expect(dec.Decode(&run.Response)).To(Succeed(), "stdout is not one JSON object: %q", run.Stdout)
	Expect(dec.More()).To(BeFalse(), "stdout holds more than one JSON value: %q", run.Stdout)
	Expect(run.Response.Log).NotTo(BeNil(), "response lacks the required log key")
	if e := run.Response.Error; e != nil {
		Expect(e.OkToRetry).NotTo(BeNil(), "error lacks ok_to_retry")
		Expect(knownErrorTypes).To(ContainElement(e.Type), "the director knows no error type %q", e.Type)
		if *e.OkToRetry {
			Expect(e.Type).To(Equal("Bosh::Clouds::VMCreationFailed"), "only VMCreationFailed may be retried: %s", run.Stdout)
		}
		Expect(run.Response.Result).To(BeNil(), "an error response carries no result: %s", run.Stdout)
	}
	return run
}

// knownErrorTypes are KNOWN_RPC_ERRORS of the director's external_cpi.rb.
var knownErrorTypes = []string{"Bosh::Clouds::CpiError", "Bosh::Clouds::NotSupported", "Bosh::Clouds::NotImplemented",
	"Bosh::Clouds::CloudError", "Bosh::Clouds::VMNotFound", "Bosh::Clouds::NetworkNotFound", "Bosh::Clouds::NoDiskSpace",
	"Bosh::Clouds::DiskNotAttached", "Bosh::Clouds::DiskNotFound", "Bosh::Clouds::VMCreationFailed"}
