package cloudstack_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

const oneZone = `{"count":1,"zone":[{"id":"1d8d87d4-1425-459c-8d81-c6f57dca2bd2","name":"zone1","networktype":"Advanced","securitygroupsenabled":false,"allocationstate":"Enabled","localstorageenabled":false,"dhcpprovider":"VirtualRouter","tags":[]}]}`

var _ = Describe("the HTTP transport", func() {
	Describe("TLS", func() {
		var (
			server *httptest.Server
			caPEM  string
		)

		BeforeEach(func() {
			api := newScriptedAPI()
			api.ok("listZones", oneZone)
			server = httptest.NewUnstartedServer(api)
			server.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
			server.StartTLS()
			DeferCleanup(server.Close)
			caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}))
		})

		clientWith := func(edit func(*cloudstack.Options)) *cloudstack.Client {
			opts := cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey}
			edit(&opts)
			c, err := cloudstack.New(opts)
			Expect(err).NotTo(HaveOccurred())
			return c
		}

		It("verifies the server's certificate by default", func() {
			_, err := clientWith(func(*cloudstack.Options) {}).Zones().List(context.Background())
			Expect(err).To(MatchError(ContainSubstring("certificate")))
			Expect(err.Error()).To(ContainSubstring("listZones"))
		})

		It("trusts a private CA given as PEM", func() {
			zones, err := clientWith(func(o *cloudstack.Options) { o.CACert = caPEM }).Zones().List(context.Background())
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(1))
		})

		It("skips verification only when asked to", func() {
			zones, err := clientWith(func(o *cloudstack.Options) { o.SkipSSLValidation = true }).Zones().List(context.Background())
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(1))
		})

		It("applies the same rules to the upload client", func() {
			opts := cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey}
			_, err := opts.HTTPClient(0).Get(server.URL + "/client/api?command=listZones")
			Expect(err).To(MatchError(ContainSubstring("certificate")))

			opts.CACert = caPEM
			resp, err := opts.HTTPClient(0).Get(server.URL + "/client/api?command=listZones")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
			Expect(resp.StatusCode).To(Equal(200))

			opts.CACert = ""
			opts.SkipSSLValidation = true
			resp, err = opts.HTTPClient(0).Get(server.URL + "/client/api?command=listZones")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
		})

		It("uploads over HTTP/1.1 only, so the X-signature headers keep their case, with the same TLS rules", func() {
			h2 := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(r.Proto))
			}))
			h2.EnableHTTP2 = true
			h2.StartTLS()
			DeferCleanup(h2.Close)

			opts := cloudstack.Options{SkipSSLValidation: true}
			resp, err := opts.UploadHTTPClient().Get(h2.URL)
			Expect(err).NotTo(HaveOccurred())
			proto, _ := io.ReadAll(resp.Body)
			Expect(resp.Body.Close()).To(Succeed())
			Expect(string(proto)).To(Equal("HTTP/1.1"))
			Expect(opts.UploadHTTPClient().Timeout).To(BeZero())

			resp, err = opts.HTTPClient(0).Get(h2.URL)
			Expect(err).NotTo(HaveOccurred())
			proto, _ = io.ReadAll(resp.Body)
			Expect(resp.Body.Close()).To(Succeed())
			Expect(string(proto)).To(Equal("HTTP/2.0"), "the server does speak HTTP/2, so the check above means something")

			_, err = cloudstack.Options{}.UploadHTTPClient().Get(h2.URL)
			Expect(err).To(MatchError(ContainSubstring("certificate")))
		})

		It("has no overall timeout on the upload client unless one is given", func() {
			opts := cloudstack.Options{}
			Expect(opts.HTTPClient(0).Timeout).To(BeZero())
			Expect(opts.HTTPClient(time.Minute).Timeout).To(Equal(time.Minute))
		})
	})

	It("sends requests through the proxy named in the environment", func() {
		var (
			mu   sync.Mutex
			seen []*url.URL
		)
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.URL)
			mu.Unlock()
			_, _ = w.Write([]byte(envelope("listZones", oneZone)))
		}))
		DeferCleanup(proxy.Close)
		for _, name := range []string{"HTTP_PROXY", "http_proxy"} {
			GinkgoT().Setenv(name, proxy.URL)
		}
		for _, name := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
			GinkgoT().Setenv(name, "")
		}

		// A name, not 127.0.0.1: Go never proxies loopback addresses.
		c, err := cloudstack.New(cloudstack.Options{Endpoint: "http://cloudstack.invalid/client/api", APIKey: testAPIKey, SecretKey: testSecretKey})
		Expect(err).NotTo(HaveOccurred())
		zones, err := c.Zones().List(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(zones).To(HaveLen(1))

		mu.Lock()
		defer mu.Unlock()
		Expect(seen).To(HaveLen(1))
		Expect(seen[0].Host).To(Equal("cloudstack.invalid"))
		Expect(seen[0].Query().Get("command")).To(Equal("listZones"))
	})

	Describe("with a scripted API", func() {
		var env *testEnv

		BeforeEach(func() { env = newTestEnv() })

		It("counts calls per command", func() {
			env.api.ok("listZones", oneZone)
			env.api.ok("listServiceOfferings", `{}`)
			_, err := env.client.Zones().List(context.Background())
			Expect(err).NotTo(HaveOccurred())
			_, err = env.client.Zones().List(context.Background())
			Expect(err).NotTo(HaveOccurred())
			_, err = env.client.Offerings().ListService(context.Background(), "")
			Expect(err).NotTo(HaveOccurred())

			Expect(env.client.Calls()).To(Equal(map[string]int{"listZones": 2, "listServiceOfferings": 1}))
			Expect(env.client.TotalCalls()).To(Equal(3))
		})

		It("counts POSTed commands, whose names travel in the body, and still sends the body", func() {
			env.api.ok("listTags", `{}`)
			env.api.ok("createTags", `{"jobid":"job-1"}`)
			env.api.jobsSucceed()
			Expect(env.client.Tags().Upsert(context.Background(), "UserVm", "vm-1", map[string]string{"director": "bosh"})).To(Succeed())

			Expect(env.client.Calls()).To(Equal(map[string]int{"listTags": 1, "createTags": 1, "queryAsyncJobResult": 1}))
			created := env.api.calls("createTags")
			Expect(created).To(HaveLen(1))
			Expect(created[0].Get("tags[0].key")).To(Equal("director"))
		})

		It("logs every call at debug without keys or signatures", func() {
			env.api.ok("listZones", oneZone)
			env.api.ok("listTags", `{}`)
			env.api.ok("createTags", `{"jobid":"job-1"}`)
			env.api.jobsSucceed()
			_, _, err := env.client.Zones().Find(context.Background(), "zone1")
			Expect(err).NotTo(HaveOccurred())
			Expect(env.client.Tags().Upsert(context.Background(), "UserVm", "vm-1", map[string]string{"director": "bosh"})).To(Succeed())

			logs := env.log.all()
			Expect(logs).To(ContainSubstring("GET listZones name=zone1"))
			Expect(logs).To(ContainSubstring("POST createTags"))
			Expect(logs).To(ContainSubstring("-> 200"))
			Expect(logs).NotTo(ContainSubstring(testAPIKey))
			Expect(logs).NotTo(ContainSubstring(testSecretKey))
			for _, req := range env.api.requests {
				Expect(req.Params.Get("signature")).NotTo(BeEmpty())
				Expect(logs).NotTo(ContainSubstring(req.Params.Get("signature")))
			}
		})

		It("reports a non-JSON error answer as an HTTPStatusError", func() {
			env.api.on("listZones", func(url.Values) (int, string) {
				return 502, "<html><body>502 Bad Gateway</body></html>"
			})
			_, err := env.client.Zones().List(context.Background())
			var statusErr *cloudstack.HTTPStatusError
			Expect(errors.As(err, &statusErr)).To(BeTrue())
			Expect(statusErr.Command).To(Equal("listZones"))
			Expect(statusErr.StatusCode).To(Equal(502))
			Expect(err.Error()).To(ContainSubstring("502 Bad Gateway"))
			Expect(cloudstack.IsTransient(err)).To(BeTrue())
		})

		It("scrubs the request's secrets from an error page that echoes the URL", func() {
			env.api.on("listZones", func(p url.Values) (int, string) {
				return 502, "<html>Bad gateway for /client/api?apiKey=" + url.QueryEscape(p.Get("apiKey")) +
					"&signature=" + url.QueryEscape(p.Get("signature")) + "</html>"
			})
			_, err := env.client.Zones().List(context.Background())
			Expect(err).To(MatchError(ContainSubstring("Bad gateway for /client/api?apiKey=[REDACTED]&signature=[REDACTED]")))
			Expect(err.Error()).NotTo(ContainSubstring(testAPIKey))
		})

		It("reports CloudStack's JSON error answers as APIErrors", func() {
			env.api.on("listZones", func(url.Values) (int, string) {
				return apiError("listZones", 429, 9999, "The given user has reached his/her account api limit, please retry after [218] ms.")
			})
			_, err := env.client.Zones().List(context.Background())
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(*apiErr).To(Equal(cloudstack.APIError{Command: "listZones", HTTPCode: 429, CSCode: 9999,
				Text: "The given user has reached his/her account api limit, please retry after [218] ms."}))
			Expect(cloudstack.IsTransient(err)).To(BeTrue())
		})

		It("reports a bad signature as an auth error", func() {
			_, err := env.client.Zones().List(context.Background()) // unscripted: 401 errorresponse
			Expect(cloudstack.IsAuth(err)).To(BeTrue())
			Expect(err.Error()).NotTo(ContainSubstring(testAPIKey))
		})

		It("never sends back cookies the server sets", func() {
			var cookies []string
			// Two pages, so that one operation sends two requests.
			env.api.on("listZones", func(p url.Values) (int, string) {
				return 200, envelope("listZones", listBody("zone", 2, zoneJSON(zone1ID+p.Get("page"), "zone"+p.Get("page"))))
			})
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				cookies = append(cookies, r.Header.Get("Cookie"))
				http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "abc"})
				env.api.ServeHTTP(w, r)
			}))
			DeferCleanup(server.Close)
			c, err := cloudstack.New(cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey})
			Expect(err).NotTo(HaveOccurred())
			zones, err := c.Zones().List(context.Background())
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(2))
			Expect(cookies).To(Equal([]string{"", ""}))
		})
	})

	Describe("bounds on a request", func() {
		var (
			arrived chan struct{}
			server  *httptest.Server
		)

		BeforeEach(func() {
			arrived = make(chan struct{}, 1)
			server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				<-r.Context().Done() // answers only once the client gave up
			}))
			DeferCleanup(server.Close)
		})

		It("gives up when the caller's context is cancelled", func() {
			c, err := cloudstack.New(cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey})
			Expect(err).NotTo(HaveOccurred())
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-arrived
				cancel()
			}()
			_, err = c.Zones().List(ctx)
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(cloudstack.IsTransient(err)).To(BeFalse())
		})

		It("gives up after the per-request timeout", func() {
			c, err := cloudstack.New(cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey,
				HTTPTimeout: 20 * time.Millisecond})
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Zones().List(context.Background())
			Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue())
			Expect(cloudstack.IsTransient(err)).To(BeTrue())
		})
	})

	It("keeps secrets out of logged parameters", func() {
		line := cloudstack.DescribeParams(url.Values{
			"command": {"deployVirtualMachine"}, "apiKey": {testAPIKey}, "signature": {"c2ln"},
			"userdata": {"c2VjcmV0LXNldHRpbmdz"}, "details[0].password": {"hunter2"}, "name": {"vm-1"},
			"url": {"https://bosh:s3cr3t@images.example/root.vhd.bz2"},
		})
		Expect(line).To(ContainSubstring("url=https://bosh:xxxxx@images.example/root.vhd.bz2"))
		Expect(line).To(ContainSubstring("name=vm-1"))
		Expect(line).To(ContainSubstring("userdata=[REDACTED]"))
		for _, secret := range []string{testAPIKey, "c2ln", "c2VjcmV0LXNldHRpbmdz", "hunter2", "s3cr3t", "deployVirtualMachine"} {
			Expect(line).NotTo(ContainSubstring(secret))
		}
	})
})

var _ = Describe("Options", func() {
	valid := func() cloudstack.Options {
		return cloudstack.Options{Endpoint: "https://cloud.example/client/api", APIKey: "k", SecretKey: "s"}
	}

	It("accepts a minimal set", func() {
		Expect(valid().Validate()).To(Succeed())
	})

	DescribeTable("names what is wrong",
		func(edit func(*cloudstack.Options), message string) {
			opts := valid()
			edit(&opts)
			Expect(opts.Validate()).To(MatchError(ContainSubstring(message)))
			_, err := cloudstack.New(opts)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("no endpoint", func(o *cloudstack.Options) { o.Endpoint = "" }, "endpoint is empty"),
		Entry("not a URL", func(o *cloudstack.Options) { o.Endpoint = "cloud.example" }, "not an http(s) URL"),
		Entry("credentials in the URL", func(o *cloudstack.Options) { o.Endpoint = "https://u:p@cloud.example/client/api" }, "credentials"),
		Entry("no API key", func(o *cloudstack.Options) { o.APIKey = " " }, "API key is empty"),
		Entry("no secret key", func(o *cloudstack.Options) { o.SecretKey = "" }, "secret key is empty"),
		Entry("a CA that is not PEM", func(o *cloudstack.Options) { o.CACert = "not a certificate" }, "no PEM certificate"),
		Entry("a negative timeout", func(o *cloudstack.Options) { o.HTTPTimeout = -time.Second }, "HTTP timeout must not be negative"),
		Entry("max interval below initial", func(o *cloudstack.Options) {
			o.PollInitialInterval = 10 * time.Second
			o.PollMaxInterval = time.Second
		}, "shorter than the initial interval"),
	)

	It("keeps secrets out of its messages", func() {
		opts := valid()
		for _, endpoint := range []string{
			"https://" + testSecretKey + "@cloud.example/client/api",
			"ftp://user:" + testSecretKey + "@cloud.example/client/api",
			"\x00" + testSecretKey,
		} {
			opts.Endpoint = endpoint
			err := opts.Validate()
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).NotTo(ContainSubstring(testSecretKey))
		}
	})
})
