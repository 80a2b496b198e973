package cloudstack

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// HTTPClient returns a client with this package's TLS and proxy rules: the
// system trust store plus CACert, SkipSSLValidation only when asked for, and
// proxies from HTTP_PROXY/HTTPS_PROXY/NO_PROXY. A zero timeout means no
// overall bound, which the template upload needs: the SSVM answers a
// multi-gigabyte upload only after it has unpacked the image.
func (o Options) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: o.newTransport(), Timeout: timeout, Jar: noCookies{}}
}

// UploadHTTPClient is the client for template uploads to the secondary storage VM: HTTPClient's TLS and
// proxy rules, no overall timeout, and HTTP/1.1 only, because HTTP/2 sends header names in lower case and
// older storage VMs match X-signature, X-metadata and X-expires case-sensitively.
func (o Options) UploadHTTPClient() *http.Client {
	t := o.newTransport()
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	return &http.Client{Transport: t, Jar: noCookies{}}
}

func (o Options) newTransport() *http.Transport {
	return &http.Transport{
		Proxy: proxyFromEnvironment(),
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       o.tlsConfig(),
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          10,
		MaxIdleConnsPerHost:   10,
		ForceAttemptHTTP2:     true,
	}
}

func (o Options) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            o.rootCAs(),
		InsecureSkipVerify: o.SkipSSLValidation, //nolint:gosec // explicit operator opt-out
	}
}

// rootCAs is nil (Go's system pool) without CACert. With it, the bundle is
// added to a copy of the system pool; an unreadable bundle adds nothing, so
// verification fails closed (Validate reports the bundle itself).
func (o Options) rootCAs() *x509.CertPool {
	if o.CACert == "" {
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM([]byte(o.CACert))
	return pool
}

// proxyFromEnvironment reads the proxy variables when the client is built
// (http.ProxyFromEnvironment reads them once per process, which tests and
// long-lived callers cannot change afterwards).
func proxyFromEnvironment() func(*http.Request) (*url.URL, error) {
	proxyFor := httpproxy.FromEnvironment().ProxyFunc()
	return func(req *http.Request) (*url.URL, error) { return proxyFor(req.URL) }
}

// noCookies is the cookie jar cloudstack-go insists on having. It keeps
// nothing: a JSESSIONID sent back to CloudStack would switch it from checking
// our signature to session authentication.
type noCookies struct{}

func (noCookies) SetCookies(*url.URL, []*http.Cookie) {}
func (noCookies) Cookies(*url.URL) []*http.Cookie     { return nil }
