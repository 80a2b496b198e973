package redact_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

// createVMEnv has the shape of the env BOSH passes to create_vm.
const createVMEnv = `{
  "bosh": {
    "group": "cf-diego-cell",
    "groups": ["cf", "diego-cell"],
    "password": "$6$4gDD3aV0rdqlrKC$2axHCxGKIObs6tAmMTqYCspcdvQXh3JJcvWOY2WGb4SrdXtnCyNaWlrf3WEqvYR2MYizEGp3kMmbpwBC6jsHt0",
    "mbus": {
      "cert": {
        "ca": "-----BEGIN CERTIFICATE-----\nMIIDca\n-----END CERTIFICATE-----\n",
        "certificate": "-----BEGIN CERTIFICATE-----\nMIIDcert\n-----END CERTIFICATE-----\n",
        "private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEkey\n-----END RSA PRIVATE KEY-----\n"
      }
    },
    "blobstores": [
      {"provider": "s3", "options": {"bucket_name": "blobs", "password": "p", "secret_access_key": "s", "port": 443}}
    ],
    "remove_dev_tools": true,
    "note": "reach the agent at https://mbus:m8usPW@10.0.0.5:6868"
  },
  "tags": [{"key": "director", "value": "bosh-1"}]
}`

var _ = Describe("Value", func() {
	var env map[string]any

	BeforeEach(func() {
		Expect(json.Unmarshal([]byte(createVMEnv), &env)).To(Succeed())
	})

	It("masks sensitive keys at any depth, whatever their value's type", func() {
		masked := redact.New().Value(env)

		Expect(masked).To(Equal(map[string]any{
			"bosh": map[string]any{
				"group":    "cf-diego-cell",
				"groups":   []any{"cf", "diego-cell"},
				"password": "[REDACTED]",
				"mbus": map[string]any{
					"cert": "[REDACTED]", // an object under a sensitive key goes whole
				},
				"blobstores": []any{
					map[string]any{"provider": "s3", "options": map[string]any{
						"bucket_name": "blobs", "password": "[REDACTED]", "secret_access_key": "[REDACTED]", "port": float64(443),
					}},
				},
				"remove_dev_tools": true,
				"note":             "reach the agent at https://mbus:[REDACTED]@10.0.0.5:6868",
			},
			"tags": []any{map[string]any{"key": "director", "value": "bosh-1"}},
		}))
	})

	It("leaves its argument untouched", func() {
		redact.New().Value(env)

		var original map[string]any
		Expect(json.Unmarshal([]byte(createVMEnv), &original)).To(Succeed())
		Expect(env).To(Equal(original))
	})

	It("passes every string through String, registered secrets included", func() {
		r := redact.New("bucket-secret-name")
		masked := r.Value([]any{"in bucket-secret-name here", map[string]any{"b": "bucket-secret-name"}, nil, 1.5, false})
		Expect(masked).To(Equal([]any{"in [REDACTED] here", map[string]any{"b": "[REDACTED]"}, nil, 1.5, false}))
	})

	It("keeps json.Number values, unless they hold a secret", func() {
		r := redact.New("271828")
		Expect(r.Value(map[string]any{"a": json.Number("42"), "b": json.Number("271828")})).
			To(Equal(map[string]any{"a": json.Number("42"), "b": "[REDACTED]"}))
	})

	It("redacts other Go types through their JSON form", func() {
		type settings struct {
			Mbus     string            `json:"mbus"`
			Password string            `json:"password"`
			Tags     map[string]string `json:"tags"`
		}
		masked := redact.New().Value(settings{Mbus: "https://a:b@h", Password: "pw", Tags: map[string]string{"key": "k"}})
		Expect(masked).To(Equal(map[string]any{"mbus": "https://a:[REDACTED]@h", "password": "[REDACTED]", "tags": map[string]any{"key": "k"}}))
	})

	It("describes a value JSON cannot encode as masked text", func() {
		Expect(redact.New().Value(make(chan int))).To(BeAssignableToTypeOf(""))
	})
})
