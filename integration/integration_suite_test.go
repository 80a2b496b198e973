// Package integration drives the built cloudstack-cpi binary exactly as BOSH does: one JSON request on
// stdin, one JSON response on stdout, logs on stderr, exit code checked.
package integration_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var cpiBinary string

func TestIntegration(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "integration")
}

var _ = SynchronizedBeforeSuite(func() []byte {
	path, err := gexec.Build("github.com/cloudfoundry-community/bosh-cloudstack-cpi/cmd/cloudstack-cpi")
	Expect(err).NotTo(HaveOccurred())
	return []byte(path)
}, func(path []byte) {
	cpiBinary = string(path)
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	gexec.CleanupBuildArtifacts()
})
