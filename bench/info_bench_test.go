package bench_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gmeasure"
)

var _ = Describe("info", func() {
	It("answers in a few milliseconds, process start included", func() {
		dir := GinkgoT().TempDir()
		config := `{"cloudstack":{"endpoint":"https://cloud.invalid/client/api","api_key":"k","secret_access_key":"s","default_zone":"z"},
		            "agent":{"mbus":"https://mbus:p@0.0.0.0:6868"}}`
		configPath := filepath.Join(dir, "cpi.json")
		Expect(os.WriteFile(configPath, []byte(config), 0o600)).To(Succeed())
		request := `{"method":"info","arguments":[],"context":{"director_uuid":"d","request_id":"cpi-1"},"api_version":1}`

		experiment := gmeasure.NewExperiment("info through the binary")
		AddReportEntry(experiment.Name, experiment)
		experiment.Sample(func(int) {
			var stdout bytes.Buffer
			cmd := exec.Command(cpiBinary, "-configFile", configPath)
			cmd.Stdin = strings.NewReader(request)
			cmd.Stdout = &stdout
			experiment.MeasureDuration("info", func() { Expect(cmd.Run()).To(Succeed()) })
			var resp struct{ Error any }
			Expect(json.Unmarshal(stdout.Bytes(), &resp)).To(Succeed())
			Expect(resp.Error).To(BeNil())
		}, gmeasure.SamplingConfig{N: 200, Duration: time.Minute})

		stats := experiment.GetStats("info")
		GinkgoWriter.Printf("BENCH info: median %s, p95-ish max %s over %d runs\n",
			stats.DurationFor(gmeasure.StatMedian), stats.DurationFor(gmeasure.StatMax), stats.N)
		report("info_median_ms", ms(stats.DurationFor(gmeasure.StatMedian)))
		report("info_mean_ms", ms(stats.DurationFor(gmeasure.StatMean)))
		report("info_max_ms", ms(stats.DurationFor(gmeasure.StatMax)))
	})
})

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
