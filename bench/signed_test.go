package bench_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// signedGet calls the CloudStack API the way every client must: sorted, lower-cased, HMAC-SHA1 signed.
func signedGet(endpoint, apiKey, secret string, params map[string]string) []byte {
	v := url.Values{}
	for k, val := range params {
		v.Set(k, val)
	}
	v.Set("apiKey", apiKey)
	v.Set("response", "json")
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+strings.ReplaceAll(url.QueryEscape(v.Get(k)), "+", "%20"))
	}
	query := strings.Join(parts, "&")
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(strings.ToLower(query)))
	resp, err := http.Get(endpoint + "?" + query + "&signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil))))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(200), string(body))
	return body
}

func firstID(body []byte, envelope, list string) string {
	var resp map[string]map[string]json.RawMessage
	Expect(json.Unmarshal(body, &resp)).To(Succeed())
	var rows []struct {
		ID string `json:"id"`
	}
	Expect(json.Unmarshal(resp[envelope][list], &rows)).To(Succeed())
	Expect(rows).NotTo(BeEmpty())
	return rows[0].ID
}

func zoneID(endpoint string, sim *simulator.Server) string {
	return firstID(signedGet(endpoint, sim.APIKey(), sim.SecretKey(), map[string]string{"command": "listZones", "name": "zone1"}),
		"listzonesresponse", "zone")
}

func osTypeID(endpoint string, sim *simulator.Server) string {
	return firstID(signedGet(endpoint, sim.APIKey(), sim.SecretKey(), map[string]string{"command": "listOsTypes", "description": "Other PV (64-bit)"}),
		"listostypesresponse", "ostype")
}
