package cpi_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// Bad input is refused with a message naming the property and the value, before anything is created.
var _ = Describe("create_vm with bad input", func() {
	var cloud *fakeCloud

	BeforeEach(func() {
		cloud, _ = vmCloud()
	})

	manual := func() map[string]any { return map[string]any{"default": manualNetwork("10.0.0.10", "net-a")} }
	props := func(extra map[string]any) map[string]any {
		p := smallVM()
		for k, v := range extra {
			p[k] = v
		}
		return p
	}

	DescribeTable("answers an error and creates nothing",
		func(typ string, message string, request func() string) {
			out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), validConfig()), request())
			Expect(out.Response.Error).NotTo(BeNil(), "expected an error, got %s", out.Stdout)
			Expect(out.Response.Error.Type).To(Equal(typ))
			Expect(out.Response.Error.Message).To(ContainSubstring(message))
			Expect(out.Response.Error.OkToRetry).To(BeFalse())
			expectNothingCreated(cloud)
		},
		Entry("an unknown stemcell", cpi.TypeCloudError, "stemcell 'bbbbbbbb-0000-4000-8000-0000000000ff' does not exist", func() string {
			return vmMethodRequest(2, 3, "create_vm", "agent", "bbbbbbbb-0000-4000-8000-0000000000ff", smallVM(), manual(), []any{}, nil)
		}),
		Entry("an unknown older-CPI stemcell name", cpi.TypeCloudError, "stemcell 'cpitemplate-gone' does not exist", func() string {
			return vmMethodRequest(2, 3, "create_vm", "agent", "cpitemplate-gone", smallVM(), manual(), []any{}, nil)
		}),
		Entry("no compute offering", cpi.TypeCloudError, "cloud_properties.compute_offering is required", func() string {
			return vmRequest(2, 3, map[string]any{}, manual(), nil)
		}),
		Entry("an unknown compute offering", cpi.TypeCloudError, "compute offering 'Huge' (cloud_properties.compute_offering) does not exist in zone 'zone1'", func() string {
			return vmRequest(2, 3, map[string]any{"compute_offering": "Huge"}, manual(), nil)
		}),
		Entry("a customized offering without sizes", cpi.TypeCloudError, "compute offering 'Custom' is customized: cloud_properties must give cpu, ram (MiB), cpu_speed (MHz)", func() string {
			return vmRequest(2, 3, map[string]any{"compute_offering": "Custom"}, manual(), nil)
		}),
		Entry("an unknown zone", cpi.TypeCloudError, "zone 'zone9' (cloud_properties.zone) does not exist", func() string {
			return vmRequest(2, 3, props(map[string]any{"zone": "zone9"}), manual(), nil)
		}),
		Entry("an unknown network", cpi.TypeNetworkNotFound, "network 'net-z' (networks.default.cloud_properties.name) does not exist in zone 'zone1'", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": manualNetwork("10.0.0.10", "net-z")}, nil)
		}),
		Entry("a network without a CloudStack name", cpi.TypeCloudError, "networks.default.cloud_properties.name is required", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": map[string]any{"type": "dynamic"}}, nil)
		}),
		Entry("a manual IP outside the network", cpi.TypeCloudError, "networks.default.ip 10.9.9.9 is outside CloudStack network 'net-a' (10.0.0.0/24)", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": manualNetwork("10.9.9.9", "net-a")}, nil)
		}),
		Entry("a manual network without an IP", cpi.TypeCloudError, "networks.default is a manual network without an ip", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": map[string]any{"type": "manual", "cloud_properties": map[string]any{"name": "net-a"}}}, nil)
		}),
		Entry("two vip networks", cpi.TypeCloudError, "networks 'vip1', 'vip2' are all of type vip", func() string {
			n := manual()
			n["vip1"] = map[string]any{"type": "vip", "ip": "203.0.113.7"}
			n["vip2"] = map[string]any{"type": "vip", "ip": "203.0.113.8"}
			return vmRequest(2, 3, smallVM(), n, nil)
		}),
		Entry("no manual or dynamic network", cpi.TypeCloudError, "networks has no manual or dynamic network", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"vip": map[string]any{"type": "vip", "ip": "203.0.113.7"}}, nil)
		}),
		Entry("no networks at all", cpi.TypeCloudError, "networks has no manual or dynamic network", func() string {
			return vmRequest(2, 3, smallVM(), nil, nil)
		}),
		Entry("two networks on one CloudStack network", cpi.TypeCloudError, "both use CloudStack network 'net-a'", func() string {
			n := manual()
			n["other"] = map[string]any{"type": "dynamic", "cloud_properties": map[string]any{"name": "net-a"}}
			return vmRequest(2, 3, smallVM(), n, nil)
		}),
		Entry("a vip address the account does not hold", cpi.TypeCloudError, "public IP 198.51.100.1 (vip network public) is not allocated to the account", func() string {
			n := manual()
			n["public"] = map[string]any{"type": "vip", "ip": "198.51.100.1"}
			return vmRequest(2, 3, smallVM(), n, nil)
		}),
		Entry("an unknown key pair", cpi.TypeCloudError, "SSH key pair 'nobody' (cloud_properties.key_name) does not exist", func() string {
			return vmRequest(2, 3, props(map[string]any{"key_name": "nobody"}), manual(), nil)
		}),
		Entry("an unknown security group", cpi.TypeCloudError, "security group 'nope' (cloud_properties.security_groups) does not exist", func() string {
			cloud.zones.FindStub = nil
			cloud.zones.FindReturns(cloudstack.Zone{ID: zoneID, Name: "zone1", SecurityGroupsEnabled: true}, true, nil)
			return vmRequest(2, 3, props(map[string]any{"security_groups": []string{"nope"}}), manual(), nil)
		}),
		Entry("an unknown affinity group type", cpi.TypeCloudError, "cloud_properties.affinity_group_type 'rack affinity' is not an affinity group type", func() string {
			return vmRequest(2, 3, props(map[string]any{"affinity_group": "new", "affinity_group_type": "rack affinity"}), manual(), nil)
		}),
		Entry("an existing affinity group of another type", cpi.TypeCloudError, "affinity group 'anti' (cloud_properties.affinity_group) exists with type 'host anti-affinity', not 'host affinity'", func() string {
			return vmRequest(2, 3, props(map[string]any{"affinity_group": "anti", "affinity_group_type": "host affinity"}), manual(), nil)
		}),
		Entry("an unknown load balancer rule", cpi.TypeCloudError, "load balancer rule 'nope' (cloud_properties.lbs[0].name) does not exist in zone 'zone1'", func() string {
			return vmRequest(2, 3, props(map[string]any{"lbs": []any{map[string]any{"name": "nope"}}}), manual(), nil)
		}),
		Entry("a load balancer rule without a name", cpi.TypeCloudError, "cloud_properties.lbs[0].name is required", func() string {
			return vmRequest(2, 3, props(map[string]any{"lbs": []any{map[string]any{"public_ip": "203.0.113.7"}}}), manual(), nil)
		}),
		Entry("a rule to create without ports", cpi.TypeCloudError, "private_port must be between 1 and 65535 to create the rule, got 0", func() string {
			return vmRequest(2, 3, props(map[string]any{"lbs": []any{map[string]any{"name": "api", "public_ip": "203.0.113.7", "public_port": 80}}}), manual(), nil)
		}),
		Entry("an unknown ephemeral disk offering", cpi.TypeCloudError, "disk offering 'tiny' (cloud_properties.ephemeral_disk_offering) does not exist in zone 'zone1'", func() string {
			return vmRequest(2, 3, props(map[string]any{"ephemeral_disk_size": 1024, "ephemeral_disk_offering": "tiny"}), manual(), nil)
		}),
		Entry("an ephemeral disk larger than its fixed offering", cpi.TypeCloudError, "disk offering 'ephemeral' (cloud_properties.ephemeral_disk_offering) gives 10 GiB, less than the 20480 MiB", func() string {
			return vmRequest(2, 3, props(map[string]any{"ephemeral_disk_size": 20480, "ephemeral_disk_offering": "ephemeral"}), manual(), nil)
		}),
		Entry("an ephemeral disk size without any offering", cpi.TypeCloudError, "asks for a 1024 MiB ephemeral disk but no disk offering is named", func() string {
			return vmRequest(2, 3, props(map[string]any{"ephemeral_disk_size": 1024}), manual(), nil)
		}),
		Entry("a route on a network the VM does not have", cpi.TypeCloudError, "cloud_properties.routes.elsewhere names no manual or dynamic network", func() string {
			return vmRequest(2, 3, props(map[string]any{"routes": map[string]any{"elsewhere": []any{map[string]any{"cidr": "10.8.0.0/16"}}}}), manual(), nil)
		}),
		Entry("a route that is no CIDR", cpi.TypeCloudError, "cloud_properties.routes.default[0].cidr must be an IPv4 CIDR", func() string {
			return vmRequest(2, 3, props(map[string]any{"routes": map[string]any{"default": []any{map[string]any{"cidr": "10.8.0.0"}}}}), manual(), nil)
		}),
		Entry("malformed cloud_properties", cpi.TypeCpiError, "create_vm: argument 3 (cloud_properties): cpu must be an integer, got string", func() string {
			return vmRequest(2, 3, props(map[string]any{"cpu": "two"}), manual(), nil)
		}),
		Entry("malformed network cloud_properties", cpi.TypeCpiError, "networks.default.cloud_properties: name must be a string, got number", func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": map[string]any{"type": "dynamic", "cloud_properties": map[string]any{"name": 7}}}, nil)
		}),
		Entry("a network of an unknown type", cpi.TypeCpiError, `networks.default.type must be manual, dynamic or vip, got "bridged"`, func() string {
			return vmRequest(2, 3, smallVM(), map[string]any{"default": map[string]any{"type": "bridged"}}, nil)
		}),
		Entry("negative sizes", cpi.TypeCloudError, "cloud_properties.root_disk_size must not be negative, got -1", func() string {
			return vmRequest(2, 3, props(map[string]any{"root_disk_size": -1}), manual(), nil)
		}),
		Entry("agent settings too large for the user-data", cpi.TypeCloudError, "more than cloudstack.user_data_max_bytes (32768)", func() string {
			return vmRequest(2, 3, smallVM(), manual(), map[string]any{"bosh": map[string]any{"blob": strings.Repeat("x", 40000)}})
		}),
	)
})
