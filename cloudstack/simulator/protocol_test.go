package simulator_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the wire protocol", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	expires := func() time.Time { return s.Clock.Now().Add(15 * time.Minute) }

	It("serves GET and form-encoded POST alike, as JSON", func() {
		get := s.send(http.MethodGet, signedParams("listZones", nil, expires()))
		post := s.send(http.MethodPost, signedParams("listZones", nil, expires()))
		Expect(get.Status).To(Equal(200))
		Expect(post.Status).To(Equal(200))
		Expect(get.inner()["count"]).To(BeNumerically("==", 2))
		Expect(post.Raw).To(Equal(get.Raw))

		resp, err := http.Get(s.Endpoint + "?" + encodeLikeCSGo(signedParams("listZones", nil, expires())))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/json; charset=UTF-8"))
		Expect(resp.Cookies()).To(BeEmpty(), "a session cookie would switch cloudstack-go to the session path")
	})

	It("answers 401 without cserrorcode for a bad, missing or foreign signature", func() {
		bad := signedParams("listZones", nil, expires())
		bad.Set("signature", "AAAA"+bad.Get("signature")[4:])
		missing := signedParams("listZones", nil, expires())
		missing.Del("signature")
		foreignKey := signedParams("listZones", nil, expires())
		foreignKey.Set("apiKey", "someone-else")
		noKey := signedParams("listZones", nil, expires())
		noKey.Del("apiKey")
		for _, v := range []url.Values{bad, missing, foreignKey, noKey} {
			r := s.send(http.MethodGet, v)
			Expect(r.Status).To(Equal(401))
			Expect(r.Body).To(HaveKey("listzonesresponse"))
			Expect(r.inner()).To(Equal(map[string]any{"uuidList": []any{}, "errorcode": float64(401),
				"errortext": "unable to verify user credentials and/or request signature"}))
		}
	})

	It("rejects an expired request and accepts the +0000 form of expires", func() {
		r := s.send(http.MethodGet, signedParams("listZones", nil, s.Clock.Now().Add(-time.Second)))
		Expect(r.Status).To(Equal(401))

		v := url.Values{"apiKey": {testAPIKey}, "command": {"listZones"}, "response": {"json"},
			"signatureversion": {"3"}, "expires": {s.Clock.Now().Add(time.Minute).Format("2006-01-02T15:04:05-0700")}}
		v.Set("signature", sign(v))
		Expect(s.send(http.MethodGet, v).Status).To(Equal(200))

		noExpires := url.Values{"apiKey": {testAPIKey}, "command": {"listZones"}, "response": {"json"}, "signatureversion": {"3"}}
		noExpires.Set("signature", sign(noExpires))
		Expect(s.send(http.MethodGet, noExpires).Status).To(Equal(401))
	})

	It("ignores expires without signatureversion=3, as CloudStack does", func() {
		v := url.Values{"apiKey": {testAPIKey}, "command": {"listZones"}, "response": {"json"},
			"expires": {"2000-01-01T00:00:00Z"}}
		v.Set("signature", sign(v))
		Expect(s.send(http.MethodGet, v).Status).To(Equal(200))
	})

	It("signs spaces as %20 and accepts a + in the URL, which decodes to a space", func() {
		params := signedParams("listOsTypes", map[string]string{"description": "Ubuntu 22.04"}, expires())
		withPlus := strings.ReplaceAll(encodeLikeCSGo(params), "%20", "+")
		r := getRaw(s.Endpoint + "?" + withPlus)
		Expect(r.Status).To(Equal(200), r.Raw)
		Expect(r.inner()["count"]).To(BeNumerically("==", 1))

		// A client that signs the +-encoded form (not Java's %20) is refused.
		v := url.Values{"apiKey": {testAPIKey}, "command": {"listOsTypes"}, "response": {"json"},
			"description": {"Ubuntu 22.04"}, "signatureversion": {"3"}, "expires": {expires().UTC().Format(time.RFC3339)}}
		plusSigned := strings.ToLower(strings.ReplaceAll(encodeLikeCSGo(v), "%20", "+"))
		mac := hmac.New(sha1.New, []byte(testSecretKey))
		mac.Write([]byte(plusSigned))
		v.Set("signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		Expect(s.send(http.MethodGet, v).Status).To(Equal(401))
	})

	It("answers a signed request for an unknown or missing command with 432 under errorresponse", func() {
		r := s.call("fooBar", nil)
		Expect(r.Status).To(Equal(432))
		Expect(r.Body).To(HaveKey("errorresponse"))
		Expect(r.inner()["errorcode"]).To(BeEquivalentTo(432))
		Expect(r.inner()["errortext"]).To(Equal("The given command does not exist or it is not available for user"))

		noCommand := url.Values{"apiKey": {testAPIKey}, "response": {"json"}}
		noCommand.Set("signature", sign(noCommand))
		Expect(s.send(http.MethodGet, noCommand).Status).To(Equal(432))
	})

	It("answers an unsigned request for an unknown command with 401", func() {
		v := url.Values{"apiKey": {testAPIKey}, "command": {"fooBar"}, "response": {"json"}, "signature": {"bogus"}}
		r := s.send(http.MethodGet, v)
		Expect(r.Status).To(Equal(401))
		Expect(r.Body).To(HaveKey("errorresponse"))
	})

	It("matches command names exactly", func() {
		Expect(s.call("listzones", nil).Status).To(Equal(432))
	})

	It("reports a missing parameter and an unknown id with CloudStack's 431 texts", func() {
		body := s.apiError("createAffinityGroup", map[string]string{"type": "host affinity"}, 431)
		Expect(body["errortext"]).To(Equal("Unable to execute API command createaffinitygroup due to missing parameter name"))
		Expect(body["cserrorcode"]).To(BeNumerically("==", 9999))

		unknown := "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a"
		body = s.apiError("listZones", map[string]string{"id": unknown}, 431)
		Expect(body["errortext"]).To(Equal("Unable to execute API command listzones due to invalid value. Invalid parameter id value=" +
			unknown + " due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class."))

		body = s.apiError("listZones", map[string]string{"id": "not-a-uuid"}, 431)
		Expect(body["errortext"]).To(ContainSubstring("Invalid parameter id value=not-a-uuid"))
	})

	It("ignores unknown parameters", func() {
		Expect(s.ok("listZones", map[string]string{"nosuchparameter": "x"})["count"]).To(BeNumerically("==", 2))
	})

	It("never serves the admin endpoints on the API path, nor the API on the admin path", func() {
		r := s.call("inventory", nil)
		Expect(r.Status).To(Equal(432))
		resp, err := http.Get(s.HTTP.URL + "/admin/client/api?command=listZones")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(404))
	})
})

func sign(v url.Values) string {
	mac := hmac.New(sha1.New, []byte(testSecretKey))
	mac.Write([]byte(strings.ToLower(encodeLikeCSGo(v))))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func getRaw(u string) apiResult {
	resp, err := http.Get(u)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	r := apiResult{Status: resp.StatusCode, Raw: string(b)}
	Expect(jsonUnmarshal(b, &r.Body)).To(Succeed(), string(b))
	return r
}
