package cpi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// Env is what a method works with: the effective config (file merged with CPI-config properties from the
// request context), the logger, and the call itself.
type Env struct {
	Config config.Config
	Log    *Logger
	Call   Call

	newCloud CloudFactory
	cloud    Cloud
}

// handler runs one CPI method. Its arguments were already checked against the method's parameters.
type handler func(ctx context.Context, env *Env, args Args) (any, error)

// method is one entry of the method table.
type method struct {
	params []param
	run    handler
}

// ServeOptions are the process's inputs: the config file path and its three standard streams.
type ServeOptions struct {
	ConfigPath string
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	// NewCloud builds the CloudStack client; nil means the real one. Tests pass fakes.
	NewCloud CloudFactory
}

// Serve reads one request, runs it and writes one response. It returns an error only when the response
// could not be written; every other failure is reported inside the response, so the caller exits 0
// (bosh create-env treats a non-zero exit as a failure even when stdout holds a valid error).
func Serve(opts ServeOptions) error {
	s := &server{opts: opts, redactor: redact.New()}
	call, result, err := s.handle()
	return writeResponse(opts.Stdout, call.Method, result, err, s.logger())
}

// server is one run of the CPI process.
type server struct {
	opts     ServeOptions
	redactor *redact.Redactor
	log      *Logger // set once the config (log level) and request (request ID) are known
}

func (s *server) logger() *Logger {
	if s.log == nil {
		s.log = NewLogger("info", "cpi-local", s.opts.Stderr, s.redactor)
	}
	return s.log
}

// handle does everything but writing the response. A panic outside a method (methods have their own
// guard) still ends as a CloudError response rather than a Go trace and no answer.
func (s *server) handle() (call Call, result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.logger().Error("cpi.Serve", "panic: %v\n%s", p, debug.Stack())
			result, err = nil, NewCloudError(nil, "internal error handling the request: %v (a CPI bug; the stack trace is in the CPI log)", p)
		}
	}()

	call, callErr := readCall(s.opts.Stdin)
	requestID := call.RequestID
	if requestID == "" {
		// The CLI (create-env) sends no request_id; make one so this call's lines can still be grouped.
		requestID = fmt.Sprintf("cpi-local-%06d", rand.IntN(1000000))
	}

	cfg, cfgErr := loadConfig(s.opts.ConfigPath, call, callErr)
	if cfgErr == nil {
		s.redactor.Add(cfg.Secrets()...)
	}
	s.log = NewLogger(cfg.LogLevelOrDefault(), requestID, s.opts.Stderr, s.redactor)

	if callErr != nil || cfgErr != nil {
		s.log.Error("cpi.Serve", "%s", errors.Join(callErr, cfgErr).Error())
		if callErr != nil {
			return call, nil, callErr // a bad request is the first thing to fix; a config error is logged too
		}
		return call, nil, cfgErr
	}
	for _, w := range cfg.Warnings {
		s.log.Warn("cpi.Config", "%s", w)
	}
	result, err = dispatch(context.Background(), &Env{Config: cfg, Log: s.log, Call: call, newCloud: s.opts.NewCloud})
	return call, result, err
}

// loadConfig reads the config file and overlays the CPI-config properties the director put in the
// request context. Without a usable request there is no context to merge, but the file is still read so
// its problems are reported.
func loadConfig(path string, call Call, callErr error) (config.Config, error) {
	if path == "" {
		return config.Default(), NewCpiError(nil, "no config file given: run the CPI as 'cloudstack-cpi -configFile /path/to/cpi.json'")
	}
	cfg, err := config.Load(path)
	if err != nil {
		return config.Default(), NewCpiError(err, "loading the CPI config")
	}
	if callErr != nil || len(call.Context) == 0 {
		return cfg, nil
	}
	merged, err := cfg.MergeContext(call.Context)
	if err != nil {
		return cfg, NewCpiError(err, "merging CPI-config properties from the request context over '%s'", path)
	}
	return merged, nil
}

// dispatch finds the method, checks its arguments and runs it. A panic becomes a CloudError: the
// response must still be written, and the stack goes to the log (stderr), never to stdout.
func dispatch(ctx context.Context, env *Env) (result any, err error) {
	call := env.Call
	m, ok := methods[call.Method]
	if !ok {
		return nil, NewNotImplemented("unknown CPI method '%s' (this CPI implements: %s)", call.Method, strings.Join(methodNames(), ", "))
	}
	args, err := checkArgs(call.Method, m.params, call.rawArgs)
	if err != nil {
		return nil, err
	}
	env.Call.Args = args

	defer func() {
		if p := recover(); p != nil {
			env.Log.Error("cpi.Dispatch", "panic in %s: %v\n%s", call.Method, p, debug.Stack())
			result, err = nil, NewCloudError(nil, "internal error in %s: %v (a CPI bug; the stack trace is in the CPI log)", call.Method, p)
		}
	}()

	start := time.Now()
	env.Log.Info("cpi.Dispatch", "%s started (CPI API v%d, stemcell API v%d)", call.Method, call.APIVersion, call.StemcellAPIVersion)
	if env.Log.debugEnabled() {
		env.Log.Debug("cpi.Dispatch", "%s arguments: %s", call.Method, redactedJSON(env.Log.redactor, call.rawArgs))
	}
	result, err = m.run(ctx, env, args)
	if err != nil {
		env.Log.Error("cpi.Dispatch", "%s failed after %s: %s", call.Method, time.Since(start).Round(time.Microsecond), err.Error())
	} else {
		env.Log.Info("cpi.Dispatch", "%s finished in %s", call.Method, time.Since(start).Round(time.Microsecond))
	}
	return result, err
}

// maxLoggedArgs bounds the debug line of a request's arguments: a multi-megabyte env is not worth logging.
const maxLoggedArgs = 16 << 10

func redactedJSON(r *redact.Redactor, args []json.RawMessage) string {
	var decoded []any
	for _, raw := range args {
		var v any
		_ = json.Unmarshal(raw, &v)
		decoded = append(decoded, r.Value(v))
	}
	out, _ := json.Marshal(decoded)
	if len(out) > maxLoggedArgs {
		return string(out[:maxLoggedArgs]) + fmt.Sprintf("... (%d bytes in all)", len(out))
	}
	return string(out)
}

func writeResponse(out io.Writer, methodName string, result any, err error, log *Logger) error {
	resp := Response{Result: result}
	if err != nil {
		typ, msg, retry := classify(err)
		resp = Response{Error: &ResponseError{Type: typ, Message: log.Redact(msg), OkToRetry: retry}}
	}
	resp.Log = log.Captured()
	data, marshalErr := json.Marshal(resp)
	if marshalErr != nil {
		// A result that cannot be encoded is a CPI bug; say so in a response rather than write nothing.
		data, _ = json.Marshal(Response{Error: &ResponseError{
			Type:    TypeCloudError,
			Message: fmt.Sprintf("internal error in %s: encoding the result: %s", methodName, marshalErr),
		}, Log: resp.Log})
	}
	data = append(data, '\n')
	_, writeErr := out.Write(data)
	return writeErr
}

func methodNames() []string {
	names := make([]string, 0, len(methods))
	for name := range methods {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
