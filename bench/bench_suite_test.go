// Package bench holds the figures `make bench` reports: timings and call counts, never asserted in
// `make test` (a slow machine must not fail the tests), printed for the issues' notes.
package bench_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var cpiBinary string

func TestBench(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "bench")
}

var _ = BeforeSuite(func() {
	var err error
	cpiBinary, err = gexec.Build("github.com/cloudfoundry-community/bosh-cloudstack-cpi/cmd/cloudstack-cpi")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
})
