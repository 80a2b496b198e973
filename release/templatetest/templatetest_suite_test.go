package templatetest_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestTemplates(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "release templates")
}

var (
	cpiBinary string
	rubyPath  string
	rubyErr   error
)

var _ = SynchronizedBeforeSuite(func() []byte {
	path, err := gexec.Build("github.com/cloudfoundry-community/bosh-cloudstack-cpi/cmd/cloudstack-cpi")
	Expect(err).NotTo(HaveOccurred())
	return []byte(path)
}, func(path []byte) {
	cpiBinary = string(path)
	rubyPath, rubyErr = exec.LookPath("ruby")
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	gexec.CleanupBuildArtifacts()
})

// repoRoot is the repository's top directory, found from this file's path.
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	Expect(ok).To(BeTrue())
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func jobDir() string   { return filepath.Join(repoRoot(), "release", "jobs", "cloudstack_cpi") }
func specPath() string { return filepath.Join(jobDir(), "spec") }
func templatePath(name string) string {
	return filepath.Join(jobDir(), "templates", name)
}
