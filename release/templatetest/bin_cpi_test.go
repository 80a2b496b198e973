package templatetest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// installation lays the rendered job and a CPI executable out as bosh create-env does under its
// installation directory: <packages>/cloudstack_cpi/bin/cloudstack-cpi and <jobs>/cloudstack_cpi/...
type installation struct {
	packagesDir, jobsDir, logDir string
}

func install(properties map[string]any, executable string) installation {
	root := GinkgoT().TempDir()
	inst := installation{
		packagesDir: filepath.Join(root, "packages"),
		jobsDir:     filepath.Join(root, "jobs"),
		logDir:      filepath.Join(root, "log", "cloudstack_cpi"),
	}
	job := filepath.Join(inst.jobsDir, "cloudstack_cpi")
	for _, dir := range []string{filepath.Join(inst.packagesDir, "cloudstack_cpi", "bin"), filepath.Join(job, "bin"),
		filepath.Join(job, "config")} {
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	}
	Expect(os.Symlink(executable, filepath.Join(inst.packagesDir, "cloudstack_cpi", "bin", "cloudstack-cpi"))).To(Succeed())
	Expect(os.WriteFile(filepath.Join(job, "bin", "cpi"), []byte(mustRender("cpi.erb", properties)), 0o755)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(job, "config", "cpi.json"), []byte(mustRender("cpi.json.erb", properties)), 0o600)).To(Succeed())
	return inst
}

// run runs the job's bin/cpi as bosh create-env does, in an environment holding only PATH and the
// BOSH_* directories (the director passes even less), with request on stdin.
func (inst installation) run(request string) (stdout, stderr string, exitCode int) {
	cmd := exec.Command(filepath.Join(inst.jobsDir, "cloudstack_cpi", "bin", "cpi"))
	cmd.Env = []string{
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"BOSH_PACKAGES_DIR=" + inst.packagesDir,
		"BOSH_JOBS_DIR=" + inst.jobsDir,
		"CLOUDSTACK_CPI_LOG_DIR=" + inst.logDir,
	}
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(request), &out, &errOut
	err := cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), exitErr.ExitCode()
	}
	Expect(err).NotTo(HaveOccurred())
	return out.String(), errOut.String(), 0
}

const infoRequest = `{"method": "info", "arguments": [], "context": {"director_uuid": "d-1", "request_id": "cpi-123456"}, "api_version": 1}`

type infoResponse struct {
	Result struct {
		APIVersion      int      `json:"api_version"`
		StemcellFormats []string `json:"stemcell_formats"`
	} `json:"result"`
	Error any    `json:"error"`
	Log   string `json:"log"`
}

var _ = Describe("bin/cpi", func() {
	It("answers info through the real binary with the rendered config", func() {
		properties := withProperty(requiredProperties(), "cloudstack.stemcell.formats",
			[]string{"cloudstack-vhdx", "openstack-qcow2"})
		inst := install(properties, cpiBinary)

		stdout, stderr, exitCode := inst.run(infoRequest)
		Expect(exitCode).To(Equal(0), stderr)
		var response infoResponse
		Expect(json.Unmarshal([]byte(stdout), &response)).To(Succeed(), stdout)
		Expect(response.Error).To(BeNil())
		Expect(response.Result.APIVersion).To(Equal(3))
		Expect(response.Result.StemcellFormats).To(Equal([]string{"cloudstack-vhdx", "openstack-qcow2"}))
		Expect(stderr).To(ContainSubstring("cpi-123456"), "without its log directory, stderr is left alone")
	})

	It("appends stderr to the job's log directory when there is one, and the log still reaches the response", func() {
		inst := install(requiredProperties(), cpiBinary)
		Expect(os.MkdirAll(inst.logDir, 0o755)).To(Succeed())

		for _, requestID := range []string{"cpi-000001", "cpi-000002"} {
			stdout, stderr, exitCode := inst.run(strings.Replace(infoRequest, "cpi-123456", requestID, 1))
			Expect(exitCode).To(Equal(0))
			Expect(stderr).To(BeEmpty())
			var response infoResponse
			Expect(json.Unmarshal([]byte(stdout), &response)).To(Succeed(), stdout)
			Expect(response.Log).To(ContainSubstring(requestID))
		}
		logged, err := os.ReadFile(filepath.Join(inst.logDir, "cpi.stderr.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(logged)).To(SatisfyAll(ContainSubstring("cpi-000001"), ContainSubstring("cpi-000002")))
	})

	// A stand-in for the binary shows what bin/cpi hands it: arguments and environment.
	envDumper := func() string {
		path := filepath.Join(GinkgoT().TempDir(), "dump-env")
		script := "#!/bin/sh\nprintf 'arg=%s\\n' \"$@\"\nenv\n"
		Expect(os.WriteFile(path, []byte(script), 0o755)).To(Succeed())
		return path
	}

	It("execs the binary with -configFile naming the job's rendered config", func() {
		inst := install(requiredProperties(), envDumper())
		stdout, _, exitCode := inst.run("")
		Expect(exitCode).To(Equal(0))
		Expect(stdout).To(ContainSubstring("arg=-configFile\narg=" + filepath.Join(inst.jobsDir, "cloudstack_cpi", "config", "cpi.json") + "\n"))
	})

	It("exports the proxies env.* names, in both cases, exactly as given", func() {
		properties := withProperty(requiredProperties(), "env", map[string]any{
			"http_proxy":  "http://proxy.example.com:3128",
			"https_proxy": "http://user:pa'ss$word@proxy.example.com:3128",
			"no_proxy":    "127.0.0.1,.internal",
		})
		inst := install(properties, envDumper())
		stdout, _, exitCode := inst.run("")
		Expect(exitCode).To(Equal(0))
		lines := strings.Split(stdout, "\n")
		Expect(lines).To(ContainElements(
			"http_proxy=http://proxy.example.com:3128", "HTTP_PROXY=http://proxy.example.com:3128",
			"https_proxy=http://user:pa'ss$word@proxy.example.com:3128", "HTTPS_PROXY=http://user:pa'ss$word@proxy.example.com:3128",
			"no_proxy=127.0.0.1,.internal", "NO_PROXY=127.0.0.1,.internal",
		))
	})

	It("exports no proxy when env.* is not set", func() {
		inst := install(requiredProperties(), envDumper())
		stdout, _, _ := inst.run("")
		Expect(strings.ToLower(stdout)).NotTo(ContainSubstring("proxy="))
	})
})
