package redact_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/internal/redact"
)

const pemKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9\nq1w2e3r4t5y6u7i8o9p0==\n-----END RSA PRIVATE KEY-----"

var _ = Describe("String", func() {
	DescribeTable("masks secrets recognised by their shape",
		func(input, expected string) {
			Expect(redact.String(input)).To(Equal(expected))
		},

		// JSON pairs with a sensitive key
		Entry("a password string", `{"password":"hunter2"}`, `{"password":"[REDACTED]"}`),
		Entry("any case, spaces around the colon", `{"Password" :  "hunter2", "a": 1}`, `{"Password" :  "[REDACTED]", "a": 1}`),
		Entry("a number value", `{"api_key": 123456}`, `{"api_key": "[REDACTED]"}`),
		Entry("a negative decimal value", `{"secret":-12.5e3,"b":2}`, `{"secret":"[REDACTED]","b":2}`),
		Entry("a boolean value", `{"token":true,"ok":false}`, `{"token":"[REDACTED]","ok":false}`),
		Entry("an escaped quote inside the value", `{"password":"a\"b","x":"y"}`, `{"password":"[REDACTED]","x":"y"}`),
		Entry("a trailing backslash inside the value", `{"password":"a\\","x":"y"}`, `{"password":"[REDACTED]","x":"y"}`),
		Entry("a sensitive key as a _-separated part", `{"mbus_password":"p1","blobstore_secret":"p2"}`, `{"mbus_password":"[REDACTED]","blobstore_secret":"[REDACTED]"}`),
		Entry("camelCase keys", `{"secretAccessKey":"s","apiKey":"k","privateKey":"p"}`, `{"secretAccessKey":"[REDACTED]","apiKey":"[REDACTED]","privateKey":"[REDACTED]"}`),
		Entry("CloudStack's run-together names", `{"apikey":"k","secretkey":"s","privatekey":"p","userdata":"u"}`, `{"apikey":"[REDACTED]","secretkey":"[REDACTED]","privatekey":"[REDACTED]","userdata":"[REDACTED]"}`),
		Entry("certificate keys", `{"ca":"c1","cert":"c2","certificate":"c3","ca_cert":"c4","private_key":"c5"}`,
			`{"ca":"[REDACTED]","cert":"[REDACTED]","certificate":"[REDACTED]","ca_cert":"[REDACTED]","private_key":"[REDACTED]"}`),
		Entry("the rest of the list", `{"passwd":"1","secret_key":"2","access_key":"3","signature":"4","user_data":"5","credentials":"6","secret_access_key":"7"}`,
			`{"passwd":"[REDACTED]","secret_key":"[REDACTED]","access_key":"[REDACTED]","signature":"[REDACTED]","user_data":"[REDACTED]","credentials":"[REDACTED]","secret_access_key":"[REDACTED]"}`),
		Entry("pretty-printed JSON", "{\n  \"password\": \"hunter2\",\n  \"user\": \"admin\"\n}", "{\n  \"password\": \"[REDACTED]\",\n  \"user\": \"admin\"\n}"),
		Entry("JSON escaped into a JSON string", `{"request":"{\"password\":\"x\",\"name\":\"n\"}"}`, `{"request":"{\"password\":\"[REDACTED]\",\"name\":\"n\"}"}`),
		Entry("an escaped quote inside an escaped value", `"{\"password\":\"a\\\"b\",\"n\":1}"`, `"{\"password\":\"[REDACTED]\",\"n\":1}"`),
		Entry("an escaped number value", `"{\"api_key\":42}"`, `"{\"api_key\":\"[REDACTED]\"}"`),
		Entry("JSON escaped twice", `"{\"a\":\"{\\\"private_key\\\":\\\"zz\\\"}\"}"`, `"{\"a\":\"{\\\"private_key\\\":\\\"[REDACTED]\\\"}\"}"`),
		Entry("an unterminated value up to the end", `{"password":"abc`, `{"password":"[REDACTED]`),
		Entry("nested pairs of an object value", `{"credentials_holder":{"user":"u","password":"p"}}`, `{"credentials_holder":{"user":"u","password":"[REDACTED]"}}`),

		// URL userinfo
		Entry("an https URL password", "https://user:pass@host/path", "https://user:[REDACTED]@host/path"),
		Entry("a nats URL password", "nats://nats:n4ts-pw@10.0.0.6:4222", "nats://nats:[REDACTED]@10.0.0.6:4222"),
		Entry("a password with an @", `"mbus":"https://mbus:p@ss@0.0.0.0:6868"`, `"mbus":"https://mbus:[REDACTED]@0.0.0.0:6868"`),
		Entry("a URL in escaped JSON", `{\"mbus\":\"https://mbus:pw@1.2.3.4:6868\"}`, `{\"mbus\":\"https://mbus:[REDACTED]@1.2.3.4:6868\"}`),

		// query and form parameters
		Entry("a signed CloudStack query", "command=deployVirtualMachine&apiKey=AbC-123&userdata=dGVzdA%3D%3D&signature=Zm9v%2Bbar%3D",
			"command=deployVirtualMachine&apiKey=[REDACTED]&userdata=[REDACTED]&signature=[REDACTED]"),
		Entry("parameters in any case", "GET /client/api?APIKEY=k&SecretKey=s&Password=p", "GET /client/api?APIKEY=[REDACTED]&SecretKey=[REDACTED]&Password=[REDACTED]"),
		Entry("a parameter at the start of the text", "password=hunter2", "password=[REDACTED]"),
		Entry("a parameter after a space", "login with password=hunter2 now", "login with password=[REDACTED] now"),

		// PEM blocks
		Entry("a PEM block over real newlines", "key:\n"+pemKey+"\nend", "key:\n[REDACTED]\nend"),
		Entry("a PEM block with \\n escapes in a JSON string", `{"trusted_certs":"-----BEGIN CERTIFICATE-----\nMIIB\nxyz\n-----END CERTIFICATE-----\n"}`, `{"trusted_certs":"[REDACTED]\n"}`),
		Entry("two PEM blocks", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE----- and -----BEGIN EC PRIVATE KEY-----\nB\n-----END EC PRIVATE KEY-----", "[REDACTED] and [REDACTED]"),
		Entry("a PEM block without its END, to the end", "x -----BEGIN PRIVATE KEY-----\nMIIE\nabc", "x [REDACTED]"),

		// Authorization headers
		Entry("a Basic header", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"),
		Entry("a Bearer header", "authorization: bearer abc.def.ghi\nnext", "authorization: bearer [REDACTED]\nnext"),
		Entry("a header in JSON", `{"Authorization":"Bearer abc"}`, `{"Authorization":"Bearer [REDACTED]"}`),
		Entry("a Go http.Header", "map[Authorization:[Basic abc] Accept:[*/*]]", "map[Authorization:[Basic [REDACTED]] Accept:[*/*]]"),
		Entry("a Proxy-Authorization header", "Proxy-Authorization: Basic abc", "Proxy-Authorization: Basic [REDACTED]"),
		Entry("a header name in capitals", "AUTHORIZATION: BASIC abc", "AUTHORIZATION: BASIC [REDACTED]"),
	)

	DescribeTable("masks nothing else",
		func(input string) {
			Expect(redact.String(input)).To(Equal(input))
		},
		Entry("a CloudStack tag", `{"key":"director","value":"bosh-director-1"}`),
		Entry("names and key names", `{"name":"web/0","key_name":"bosh-key","keypair":"bosh"}`),
		Entry("a VM UUID", `{"vm_cid":"5f0b3a1e-9c1d-4b2e-8f7a-1234567890ab","director_uuid":"6a6c5a2e-0000-4000-8000-000000000001"}`),
		Entry("a disk offering", `{"disk_offering":"custom","disk_size":10240}`),
		Entry("a request without secrets", `{"method":"create_disk","arguments":[10240,{},"vm-1"],"context":{"request_id":"cpi-482913"}}`),
		Entry("a null secret", `{"password":null}`),
		Entry("an unsigned API URL", "https://cloud.example/client/api?command=listZones&response=json&name=zone1"),
		Entry("a URL with a port and no userinfo", "https://cloud.example:8443/client/api"),
		Entry("a URL with an @ in its path", "https://cloud.example/users/@me"),
		Entry("a parameter that merely ends in a secret name", "myapikey=visible&nosignature=visible"),
		Entry("an empty parameter", "password=&user=bob"),
		Entry("prose about secrets", "the password is required: set cloudstack.api_key"),
		Entry("an authorization error message", "authorization failed for user bob"),
		Entry("a public key", `{"public_key":"ssh-rsa AAAAB3Nza bosh"}`),
		Entry("empty text", ""),
	)

	It("changes nothing when applied twice", func() {
		inputs := []string{
			`{"password":"x","Authorization":"Bearer y"}`, "https://u:p@h", "apikey=k&signature=s",
			pemKey, "Authorization: Basic abc", `"{\"token\":\"t\"}"`,
		}
		for _, input := range inputs {
			once := redact.String(input)
			Expect(redact.String(once)).To(Equal(once), input)
		}
	})
})

var _ = Describe("a Redactor with registered secrets", func() {
	const secret = `S3cr"et <&> /x y+z\`

	DescribeTable("masks every form of the value",
		func(input, expected string) {
			Expect(redact.New(secret).String(input)).To(Equal(expected))
		},
		Entry("as is", "before "+secret+" after", "before [REDACTED] after"),
		Entry("query-escaped", `q=S3cr%22et+%3C%26%3E+%2Fx+y%2Bz%5C&x=1`, "q=[REDACTED]&x=1"),
		Entry("query-escaped with %20 for spaces", `S3cr%22et%20%3C%26%3E%20%2Fx%20y%2Bz%5C`, "[REDACTED]"),
		Entry("query-escaped in lower-case hex", `S3cr%22et%20%3c%26%3e%20%2fx%20y%2bz%5c`, "[REDACTED]"),
		Entry("JSON-escaped", `{"note":"S3cr\"et \u003c\u0026\u003e /x y+z\\"}`, `{"note":"[REDACTED]"}`),
		Entry("JSON-escaped without HTML escapes", `{"note":"S3cr\"et <&> /x y+z\\"}`, `{"note":"[REDACTED]"}`),
		Entry("JSON-escaped with escaped slashes", `{"note":"S3cr\"et <&> \/x y+z\\"}`, `{"note":"[REDACTED]"}`),
		Entry("JSON-escaped twice", `"{\"note\":\"S3cr\\\"et <&> /x y+z\\\\\"}"`, `"{\"note\":\"[REDACTED]\"}"`),
	)

	It("masks a value registered after the first use", func() {
		r := redact.New()
		Expect(r.String("the key is abcdef")).To(Equal("the key is abcdef"))
		r.Add("abcdef")
		Expect(r.String("the key is abcdef")).To(Equal("the key is [REDACTED]"))
	})

	It("prefers the longer of two overlapping secrets", func() {
		r := redact.New("abcd", "abcdefgh")
		Expect(r.String("xabcdefghx abcdx")).To(Equal("x[REDACTED]x [REDACTED]x"))
	})

	It("ignores empty, short and blank values", func() {
		r := redact.New("", "a", "abc", "    ", "\t\n  ")
		Expect(r.String("a abc    b\t\n  c")).To(Equal("a abc    b\t\n  c"))
	})

	It("counts characters, not bytes, for the minimum length", func() {
		Expect(redact.New("äöü").String("xäöüx")).To(Equal("xäöüx"))
		Expect(redact.New("äöüß").String("xäöüßx")).To(Equal("x[REDACTED]x"))
	})

	It("works as a nil Redactor, by shape only", func() {
		var r *redact.Redactor
		r.Add("abcdef")
		Expect(r.String(`abcdef {"password":"p"}`)).To(Equal(`abcdef {"password":"[REDACTED]"}`))
	})
})

var _ = Describe("SensitiveKey", func() {
	DescribeTable("decides on the whole key or a run of its parts",
		func(key string, sensitive bool) {
			Expect(redact.SensitiveKey(key)).To(Equal(sensitive))
		},
		Entry(nil, "password", true),
		Entry(nil, "PASSWORD", true),
		Entry(nil, "mbus_password", true),
		Entry(nil, "password_hash", true),
		Entry(nil, "secret_access_key", true),
		Entry(nil, "SecretAccessKey", true),
		Entry(nil, "aws-secret-access-key", true),
		Entry(nil, "my_api_key", true),
		Entry(nil, "APIKey", true),
		Entry(nil, "ca", true),
		Entry(nil, "CACert", true),
		Entry(nil, "x-auth-token", true),
		Entry(nil, "json_key", true),
		Entry(nil, "key", false),
		Entry(nil, "value", false),
		Entry(nil, "name", false),
		Entry(nil, "key_name", false),
		Entry(nil, "keypair", false),
		Entry(nil, "public_key", false),
		Entry(nil, "cpu", false),
		Entry(nil, "cache", false),
		Entry(nil, "disk_offering", false),
		Entry(nil, "trusted_certs", false),
		Entry(nil, "director_uuid", false),
	)
})
