package registry_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// directorNetworks is create_vm's networks argument as the director sends
// it for a VM on a manual network (default), a dynamic one and a vip.
const directorNetworks = `{
  "default": {"type": "manual", "ip": "10.0.16.10", "prefix": "32", "netmask": "255.255.255.0",
              "gateway": "10.0.16.1", "dns": ["10.0.16.1", "8.8.8.8"], "default": ["dns", "gateway"],
              "cloud_properties": {"name": "bosh-net", "security_groups": ["bosh"]}, "nic_group": "1"},
  "backend": {"type": "dynamic", "prefix": "32", "dns": ["10.1.0.1"], "cloud_properties": {"name": "backend-net"}},
  "public":  {"type": "vip", "ip": "203.0.113.7", "prefix": "32", "cloud_properties": {}}
}`

var _ = Describe("DecodeNetworks", func() {
	It("reads manual, dynamic and vip networks, cloud_properties kept as sent", func() {
		networks, err := registry.DecodeNetworks(json.RawMessage(directorNetworks))
		Expect(err).NotTo(HaveOccurred())
		Expect(networks).To(HaveLen(3))

		manual := networks["default"]
		Expect(manual.Type).To(Equal("manual"))
		Expect(manual.IP).To(Equal("10.0.16.10"))
		Expect(manual.Netmask).To(Equal("255.255.255.0"))
		Expect(manual.Gateway).To(Equal("10.0.16.1"))
		Expect(manual.Prefix).To(Equal("32"))
		Expect(manual.DNS).To(Equal([]string{"10.0.16.1", "8.8.8.8"}))
		Expect(manual.Default).To(Equal([]string{"dns", "gateway"}))
		Expect(manual.NICGroup).To(Equal("1"))
		Expect(manual.CloudProperties).To(MatchJSON(`{"name": "bosh-net", "security_groups": ["bosh"]}`))

		Expect(networks["backend"].Type).To(Equal("dynamic"))
		Expect(networks["backend"].IP).To(BeEmpty())
		Expect(networks["public"].Type).To(Equal("vip"))
		Expect(networks["public"].IP).To(Equal("203.0.113.7"))
	})

	It("takes numbers for prefix and nic_group, null for gateway, and no type as manual", func() {
		networks, err := registry.DecodeNetworks(json.RawMessage(
			`{"n": {"ip": "10.0.0.5", "gateway": null, "netmask": null, "prefix": 24, "nic_group": 2}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(networks["n"]).To(Equal(registry.Network{Type: "manual", IP: "10.0.0.5", Prefix: "24", NICGroup: "2"}))
	})

	DescribeTable("refuses what the agent could not use, naming the network and key",
		func(raw, message string) {
			_, err := registry.DecodeNetworks(json.RawMessage(raw))
			Expect(err).To(MatchError(message))
		},
		Entry("not an object", `["default"]`, "networks must be an object of network name to network settings: an array"),
		Entry("null", `null`, "networks must be an object of network name to network settings: null"),
		Entry("broken JSON", `{"a":`, "networks must be an object of network name to network settings: invalid JSON"),
		Entry("a network that is a string", `{"a": "10.0.0.1"}`, "networks.a must be an object, got a string"),
		Entry("an unknown type", `{"a": {"type": "bridged"}}`, `networks.a.type must be manual, dynamic or vip, got "bridged"`),
		Entry("a prefix of the wrong kind", `{"a": {"type": "manual", "prefix": [24]}}`, "networks.a.prefix must be a string or a number, got an array"),
		Entry("cloud_properties not an object", `{"a": {"type": "manual", "cloud_properties": "net1"}}`, "networks.a.cloud_properties must be an object, got a string"),
		Entry("an ip that is a number", `{"a": {"type": "manual", "ip": 10}}`, "networks.a.ip must be a string, got a JSON number"),
		Entry("dns not a list", `{"a": {"type": "manual", "dns": "8.8.8.8"}}`, "networks.a.dns must be a list of strings, got a JSON string"),
	)
})

var _ = Describe("Networks", func() {
	It("orders NICs with the default gateway's network first, then by name, without vips", func() {
		networks := registry.Networks{
			"alpha":   {Type: "manual", Default: []string{"dns"}},
			"zulu":    {Type: "manual", Default: []string{"gateway"}},
			"bravo":   {Type: "dynamic"},
			"elastic": {Type: "vip"},
		}
		Expect(networks.NICOrder()).To(Equal([]string{"zulu", "alpha", "bravo"}))
	})

	It("finds the nameservers of the default dns network, or of the only one", func() {
		networks := registry.Networks{
			"a": {Type: "manual", DNS: []string{"1.1.1.1"}},
			"b": {Type: "manual", DNS: []string{"9.9.9.9"}, Default: []string{"dns", "gateway"}},
		}
		Expect(networks.Nameservers()).To(Equal([]string{"9.9.9.9"}))
		Expect(registry.Networks{"only": {Type: "dynamic", DNS: []string{"8.8.8.8"}}, "v": {Type: "vip"}}.Nameservers()).
			To(Equal([]string{"8.8.8.8"}))
		Expect(registry.Networks{"a": {Type: "manual", DNS: []string{"1.1.1.1"}}, "b": {Type: "manual"}}.Nameservers()).To(BeNil())
	})
})
