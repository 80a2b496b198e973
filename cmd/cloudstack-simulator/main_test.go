package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var binary string

var _ = BeforeSuite(func() {
	var err error
	binary, err = gexec.Build("github.com/cloudfoundry-community/bosh-cloudstack-cpi/cmd/cloudstack-simulator")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
})

// start runs the binary and reads the three announced lines.
func start(args ...string) (*gexec.Session, map[string]string) {
	cmd := exec.Command(binary, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })
	Eventually(session.Out, 10*time.Second).Should(gbytes.Say(`secret_key: .*\n`),
		"the simulator must print endpoint, api_key and secret_key")
	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(session.Out.Contents())), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		Expect(ok).To(BeTrue(), line)
		lines[k] = v
	}
	Expect(lines).To(HaveLen(3))
	return session, lines
}

var _ = Describe("cloudstack-simulator", func() {
	It("announces endpoint and fixed keys, serves the API and admin paths, stops on SIGTERM and saves state", func() {
		state := filepath.Join(GinkgoT().TempDir(), "state.json")
		session, lines := start("-api-key", "K", "-secret-key", "S", "-state", state, "-fault", "listZones:0:http:530")
		Expect(lines["api_key"]).To(Equal("K"))
		Expect(lines["secret_key"]).To(Equal("S"))
		Expect(lines["endpoint"]).To(MatchRegexp(`^http://127\.0\.0\.1:\d+/client/api$`))

		resp, err := http.Get(lines["endpoint"] + "?command=listZones&response=json")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(401))

		base := strings.TrimSuffix(lines["endpoint"], "/client/api")
		resp, err = http.Get(base + "/admin/faults")
		Expect(err).NotTo(HaveOccurred())
		var faults map[string]any
		Expect(json.NewDecoder(resp.Body).Decode(&faults)).To(Succeed())
		resp.Body.Close()
		Expect(faults["rules"]).To(HaveLen(1))

		session.Signal(syscall.SIGTERM)
		Eventually(session, 10*time.Second).Should(gexec.Exit(0))
		Expect(state).To(BeAnExistingFile())
		b, err := os.ReadFile(state)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring("zone1"))
	})

	It("generates random keys when none are given and stops on SIGINT", func() {
		session, lines := start()
		Expect(lines["api_key"]).NotTo(BeEmpty())
		Expect(lines["secret_key"]).NotTo(Equal(lines["api_key"]))
		session.Interrupt()
		Eventually(session, 10*time.Second).Should(gexec.Exit(0))
	})

	It("refuses bad flags with a clear message", func() {
		cmd := exec.Command(binary, "-fault", "listZones:1:sometimes:530")
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(session, 10*time.Second).Should(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(ContainSubstring(`kind must be "http" or "job"`))

		session, err = gexec.Start(exec.Command(binary, "-seed", "/nonexistent/seed.json"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(session, 10*time.Second).Should(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(ContainSubstring("reading seed"))
	})
})
