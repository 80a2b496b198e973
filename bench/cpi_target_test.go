package bench_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// benchTemplate is the ready template of zone1 the VM figures boot from, made a light stemcell.
const benchTemplate = "bench-stemcell"

// simTarget is a simulator on a loopback port and a cpi.json for it with the config's real defaults
// (polling included): the figures are what an operator who sets nothing gets.
type simTarget struct {
	sim        *simulator.Server
	configPath string
	stemcell   string
}

// startSimTarget starts a simulator whose async jobs all take jobDelay; tweak may add keys to the
// config's cloudstack section.
func startSimTarget(jobDelay time.Duration, tweak func(cs map[string]any)) *simTarget {
	seed := simulator.DefaultSeed()
	seed.Templates = append(seed.Templates, simulator.SeedTemplate{
		Name: benchTemplate, Zones: []string{"zone1"}, OSType: "Other PV (64-bit)", Hypervisor: "XenServer", Format: "VHD",
	})
	sim, err := simulator.New(simulator.Options{Seed: seed, JobDelay: jobDelay})
	Expect(err).NotTo(HaveOccurred())
	server := httptest.NewServer(sim)
	DeferCleanup(func() {
		server.Close()
		Expect(sim.Close()).To(Succeed())
	})
	cs := map[string]any{"endpoint": server.URL + "/client/api", "api_key": sim.APIKey(), "secret_access_key": sim.SecretKey(),
		"default_zone": "zone1", "default_offer": map[string]any{"custom_disk": "custom"}}
	if tweak != nil {
		tweak(cs)
	}
	cfg := map[string]any{"cloudstack": cs, "agent": map[string]any{"mbus": "https://mbus:p@0.0.0.0:6868"}}
	data, err := json.Marshal(cfg)
	Expect(err).NotTo(HaveOccurred())
	configPath := filepath.Join(GinkgoT().TempDir(), "cpi.json")
	Expect(os.WriteFile(configPath, data, 0o600)).To(Succeed())
	t := &simTarget{sim: sim, configPath: configPath}
	t.stemcell = t.mustCall("create_stemcell", "/nonexistent/image",
		map[string]any{"name": "bosh-cloudstack-xen-ubuntu-jammy-go_agent", "version": "1.0", "light_template": benchTemplate}).(string)
	return t
}

// cpiRequest is a director-like request of API version 2.
func cpiRequest(method string, args ...any) string {
	if args == nil {
		args = []any{}
	}
	data, err := json.Marshal(map[string]any{"method": method, "arguments": args, "api_version": 2,
		"context": map[string]any{"director_uuid": "bench-director", "request_id": "cpi-bench",
			"vm": map[string]any{"stemcell": map[string]any{"api_version": 3}}}})
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// runBinary runs one request through the CPI binary and returns its result, or its error message.
func runBinary(configPath, request string) (result any, failure string) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(cpiBinary, "-configFile", configPath)
	cmd.Stdin = strings.NewReader(request)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Sprintf("%v; stderr: %s", err, stderr.String())
	}
	var resp struct {
		Result any
		Error  *struct{ Type, Message string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		return nil, fmt.Sprintf("stdout is not a response (%v): %q", err, stdout.String())
	}
	if resp.Error != nil {
		return nil, fmt.Sprintf("%s: %s", resp.Error.Type, resp.Error.Message)
	}
	return resp.Result, ""
}

func (t *simTarget) mustCall(method string, args ...any) any {
	result, failure := runBinary(t.configPath, cpiRequest(method, args...))
	Expect(failure).To(BeEmpty(), method)
	return result
}

// callFigures is what one CPI call cost: its wall time (process start included), the CloudStack
// calls it made by command, and the simulator's own time for the async jobs it ran.
type callFigures struct {
	result  any
	wall    time.Duration
	calls   map[string]int
	total   int
	jobTime time.Duration
}

// measure runs one CPI method and reads the simulator's call log and jobs around it.
func (t *simTarget) measure(jobDelay time.Duration, method string, args ...any) callFigures {
	t.sim.ResetCalls()
	jobsBefore := len(t.sim.Jobs())
	request := cpiRequest(method, args...)
	start := time.Now()
	result, failure := runBinary(t.configPath, request)
	wall := time.Since(start)
	Expect(failure).To(BeEmpty(), method)
	f := callFigures{result: result, wall: wall, calls: map[string]int{}}
	for _, c := range t.sim.Calls() {
		f.calls[c.Command]++
		f.total++
	}
	// Every job has the same delay here, so the jobs' own time is their number times it.
	f.jobTime = time.Duration(len(t.sim.Jobs())-jobsBefore) * jobDelay
	return f
}

// reportCallFigures reports the median run (by wall time) of one CPI method: its calls in all and per
// command, the simulator's job time, the wall time and their ratio.
func reportCallFigures(method string, runs []callFigures) {
	median := reportCallTotals(method, runs)
	for _, command := range slices.Sorted(maps.Keys(median.calls)) {
		report(method+"_calls_"+command, float64(median.calls[command]))
	}
	report(method+"_job_ms", ms(median.jobTime))
	report(method+"_wall_ms", ms(median.wall))
}

// reportCallTotals reports the calls and the wall-to-job ratio of the median run, and returns it.
func reportCallTotals(method string, runs []callFigures) callFigures {
	Expect(runs).NotTo(BeEmpty())
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b callFigures) int { return cmp.Compare(a.wall, b.wall) })
	median := sorted[len(sorted)/2]
	totals := make([]int, len(runs))
	for i, r := range runs {
		totals[i] = r.total
	}
	GinkgoWriter.Printf("BENCH %s: median wall %s for %s of jobs, %d calls (every run: %v)\n",
		method, median.wall.Round(time.Millisecond), median.jobTime, median.total, totals)
	report(method+"_calls", float64(median.total))
	if median.jobTime > 0 {
		report(method+"_wall_to_job_ratio", median.wall.Seconds()/median.jobTime.Seconds())
	}
	return median
}

func itoa(i int) string { return strconv.Itoa(i) }
