package cloudstack

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New for zero-valued Options fields.
const (
	DefaultHTTPTimeout         = 60 * time.Second
	DefaultPollInitialInterval = 200 * time.Millisecond
	DefaultPollMaxInterval     = 5 * time.Second
	DefaultJobTimeout          = 10 * time.Minute
)

// Options configure a Client. The cpi package fills them from its config; this
// package knows nothing of that config's names.
type Options struct {
	// Endpoint is the full API URL, e.g. https://cloud.example/client/api.
	Endpoint  string
	APIKey    string
	SecretKey string

	// CACert is a PEM bundle trusted in addition to the system pool.
	CACert string
	// SkipSSLValidation turns certificate verification off. Never the default.
	SkipSSLValidation bool

	// HTTPTimeout bounds each API request (default 60 s).
	HTTPTimeout time.Duration

	// The job poller waits PollInitialInterval before its first poll, then
	// 1.5 times longer each time, up to PollMaxInterval (defaults 200 ms, 5 s).
	PollInitialInterval time.Duration
	PollMaxInterval     time.Duration

	// JobTimeout bounds async jobs of methods that take no timeout of their
	// own, such as tag changes (default 10 min).
	JobTimeout time.Duration

	// Logger receives debug lines for every call and progress of long waits.
	// Nil means silent.
	Logger Logger
	// Clock is for tests; nil means the real clock.
	Clock Clock
}

// Validate reports the first problem that would make the client unusable.
func (o Options) Validate() error {
	if strings.TrimSpace(o.Endpoint) == "" {
		return errors.New("CloudStack endpoint is empty: give the full API URL, e.g. https://cloud.example/client/api")
	}
	u, err := url.Parse(o.Endpoint)
	if err != nil {
		return errors.New("CloudStack endpoint is not a URL, e.g. https://cloud.example/client/api")
	}
	if u.User != nil {
		return errors.New("CloudStack endpoint must not carry credentials in the URL; use the API key and secret key")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("CloudStack endpoint %q is not an http(s) URL, e.g. https://cloud.example/client/api", u.Redacted())
	}
	if strings.TrimSpace(o.APIKey) == "" {
		return errors.New("CloudStack API key is empty")
	}
	if strings.TrimSpace(o.SecretKey) == "" {
		return errors.New("CloudStack secret key is empty")
	}
	if o.CACert != "" {
		if _, err := parseCACert(o.CACert); err != nil {
			return err
		}
	}
	for name, d := range map[string]time.Duration{
		"HTTP timeout":          o.HTTPTimeout,
		"poll initial interval": o.PollInitialInterval,
		"poll max interval":     o.PollMaxInterval,
		"job timeout":           o.JobTimeout,
	} {
		if d < 0 {
			return fmt.Errorf("CloudStack %s must not be negative, got %s", name, d)
		}
	}
	withDefaults := o.withDefaults()
	if withDefaults.PollMaxInterval < withDefaults.PollInitialInterval {
		return fmt.Errorf("CloudStack poll max interval (%s) is shorter than the initial interval (%s)",
			withDefaults.PollMaxInterval, withDefaults.PollInitialInterval)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.HTTPTimeout == 0 {
		o.HTTPTimeout = DefaultHTTPTimeout
	}
	if o.PollInitialInterval == 0 {
		o.PollInitialInterval = DefaultPollInitialInterval
	}
	if o.PollMaxInterval == 0 {
		o.PollMaxInterval = DefaultPollMaxInterval
	}
	if o.JobTimeout == 0 {
		o.JobTimeout = DefaultJobTimeout
	}
	if o.Logger == nil {
		o.Logger = silentLogger{}
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	return o
}

// parseCACert returns the certificates of a PEM bundle, or an error when the
// bundle holds none: a typo there must not silently fall back to the system pool.
func parseCACert(pem string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pem)) {
		return nil, errors.New("CloudStack CA certificate holds no PEM certificate")
	}
	return pool, nil
}
