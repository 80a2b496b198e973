// Command cloudstack-simulator runs the bundled CloudStack API simulator.
//
// It prints "endpoint: URL", "api_key: K" and "secret_key: S" on lines of their own once it
// listens, serves until SIGINT/SIGTERM, then saves its state when -state is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type durationMap map[string]time.Duration

func (m durationMap) String() string { return fmt.Sprint(map[string]time.Duration(m)) }

// Set reads "command=duration".
func (m durationMap) Set(v string) error {
	cmd, d, ok := strings.Cut(v, "=")
	if !ok || cmd == "" {
		return fmt.Errorf("want command=duration, got %q", v)
	}
	dur, err := time.ParseDuration(d)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	m[cmd] = dur
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cloudstack-simulator:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cloudstack-simulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	apiKey := fs.String("api-key", "", "API key to accept (random when empty)")
	secretKey := fs.String("secret-key", "", "secret key requests are signed with (random when empty)")
	seedPath := fs.String("seed", "", "seed file (JSON, see cloudstack/simulator/README.md); default: the built-in cloud")
	statePath := fs.String("state", "", "state file: loaded at start if present, saved on shutdown")
	jobDelay := fs.Duration("job-delay", 0, "how long async jobs stay pending")
	jobDelays := durationMap{}
	fs.Var(jobDelays, "command-job-delay", "per-command job delay, command=duration (repeatable)")
	latency := durationMap{}
	fs.Var(latency, "latency", "per-command latency, command=duration, * for all (repeatable)")
	var faults stringList
	fs.Var(&faults, "fault", "fault rule command:nth:kind:errorcode[:message], kind http|job, nth 0 = every call (repeatable)")
	throttle := fs.String("throttle", "", "throttle as max/interval, e.g. 25/1s (HTTP 429 beyond)")
	var capacity stringList
	fs.Var(&capacity, "capacity", "capacity pool units left, pool=n (e.g. vm=10) (repeatable)")
	installDelay := fs.Duration("template-install-delay", 0, "how long an uploaded or downloaded template stays \"Installing Template\" before it is ready")
	uploadBaseURL := fs.String("upload-base-url", "", "scheme://host[:port] of template upload URLs (default: the host clients use for the API)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	opts := simulator.Options{APIKey: *apiKey, SecretKey: *secretKey, JobDelay: *jobDelay, JobDelays: jobDelays, StatePath: *statePath,
		Templates: simulator.TemplateOptions{InstallDelay: *installDelay, UploadBaseURL: *uploadBaseURL}}
	if err := opts.Templates.Validate(); err != nil {
		return err
	}
	if *seedPath != "" {
		seed, err := simulator.LoadSeedFile(*seedPath)
		if err != nil {
			return err
		}
		opts.Seed = seed
	}
	if err := faultOptions(&opts.Faults, faults, latency, *throttle, capacity); err != nil {
		return err
	}
	srv, err := simulator.New(opts)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *listen, err)
	}
	httpServer := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}
	fmt.Fprintf(stdout, "endpoint: http://%s/client/api\napi_key: %s\nsecret_key: %s\n", ln.Addr(), srv.APIKey(), srv.SecretKey())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "cloudstack-simulator: shutdown:", err)
	}
	if *statePath != "" {
		if err := srv.SaveState(""); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "cloudstack-simulator: state saved to", *statePath)
	}
	return nil
}

func faultOptions(cfg *simulator.FaultConfig, rules []string, latency durationMap, throttle string, capacity []string) error {
	for _, r := range rules {
		rule, err := simulator.ParseFaultRule(r)
		if err != nil {
			return err
		}
		cfg.Rules = append(cfg.Rules, rule)
	}
	for cmd, d := range latency {
		if cfg.Latency == nil {
			cfg.Latency = map[string]simulator.Duration{}
		}
		cfg.Latency[cmd] = simulator.Duration(d)
	}
	if throttle != "" {
		maxText, intervalText, ok := strings.Cut(throttle, "/")
		var max int
		_, err := fmt.Sscanf(maxText, "%d", &max)
		interval, err2 := time.ParseDuration(intervalText)
		if !ok || err != nil || err2 != nil {
			return fmt.Errorf("-throttle %q: want max/interval, e.g. 25/1s", throttle)
		}
		cfg.Throttle = &simulator.Throttle{Max: max, Interval: simulator.Duration(interval)}
	}
	for _, c := range capacity {
		pool, nText, ok := strings.Cut(c, "=")
		var n int
		if _, err := fmt.Sscanf(nText, "%d", &n); !ok || err != nil {
			return fmt.Errorf("-capacity %q: want pool=n, e.g. vm=10", c)
		}
		if cfg.Capacity == nil {
			cfg.Capacity = map[string]int{}
		}
		cfg.Capacity[pool] = n
	}
	return cfg.Validate()
}
