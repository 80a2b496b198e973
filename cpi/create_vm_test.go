package cpi_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("create_vm", func() {
	var (
		cloud *fakeCloud
		calls *callLog
		cfg   map[string]any
	)

	BeforeEach(func() {
		cloud, calls = vmCloud()
		cfg = validConfig()
	})

	cs := func() map[string]any { return cfg["cloudstack"].(map[string]any) }
	run := func(req string) served {
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), req)
		Expect(out.Response.Error).To(BeNil(), "create_vm failed: %s", out.Stdout)
		return out
	}
	deployed := func() cloudstack.DeploySpec {
		Expect(cloud.vms.DeployCallCount()).To(Equal(1))
		_, spec, _ := cloud.vms.DeployArgsForCall(0)
		return spec
	}

	Describe("one manual network", func() {
		networks := map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}

		It("deploys from the stemcell's template with the static address, and answers [cid, networks] in v2", func() {
			out := run(vmRequest(2, 3, smallVM(), networks, boshEnv()))
			spec := deployed()
			Expect(spec.Name).To(MatchRegexp(`^vm-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`))
			Expect(spec.DisplayName).To(Equal("my-director-cf-router"))
			Expect(spec.ZoneID).To(Equal(zoneID))
			Expect(spec.TemplateID).To(Equal(templateID))
			Expect(spec.ServiceOfferingID).To(Equal(vmOfferingID))
			Expect(spec.NICs).To(Equal([]cloudstack.NICSpec{{NetworkID: netAID, IP: "10.0.0.10"}}), "a single NIC needs no MAC")
			Expect(spec.KeyPair).To(BeEmpty())
			Expect(spec.DataDiskOfferingID).To(BeEmpty())
			Expect(spec.LeaveStopped).To(BeFalse())
			_, _, timeout := cloud.vms.DeployArgsForCall(0)
			Expect(timeout).To(Equal(1800 * time.Second))

			Expect(out.Response.Result).To(Equal([]any{newVMID, map[string]any{"default": map[string]any{
				"type": "manual", "ip": "10.0.0.10", "netmask": "255.255.255.0", "gateway": "10.0.0.1", "dns": []any{"10.0.0.2"},
				"default": []any{"dns", "gateway"}, "mac": "02:00:00:00:00:01", "cloud_properties": map[string]any{"name": "net-a"},
			}}}))
			Expect(calls.all()).To(Equal([]string{"deploy " + spec.Name, "tag UserVm " + newVMID}))
		})

		It("gives the agent its full settings in user-data", func() {
			run(vmRequest(2, 3, smallVM(), networks, boshEnv()))
			spec := deployed()
			settings := userData(cloud, 0)
			Expect(settings).To(HaveKeyWithValue("agent_id", "agent-007"))
			Expect(settings).To(HaveKeyWithValue("vm", map[string]any{"name": spec.Name}))
			Expect(settings).To(HaveKeyWithValue("mbus", "https://mbus:"+testMbusPass+"@0.0.0.0:6868"))
			Expect(settings).To(HaveKeyWithValue("ntp", []any{"0.pool.ntp.org"}))
			Expect(settings).To(HaveKeyWithValue("env", boshEnvJSON()))
			Expect(settings).To(HaveKeyWithValue("disks", map[string]any{"system": "/dev/xvda", "ephemeral": nil, "persistent": map[string]any{}}))
			Expect(settings).To(HaveKeyWithValue("server", map[string]any{"name": spec.Name}))
			network := settings["networks"].(map[string]any)["default"].(map[string]any)
			Expect(network).To(HaveKeyWithValue("ip", "10.0.0.10"))
			Expect(network).NotTo(HaveKey("mac"))
		})

		It("answers the bare cid in CPI API v1", func() {
			out := run(vmRequest(1, 3, smallVM(), networks, boshEnv()))
			Expect(out.Response.Result).To(Equal(newVMID))
		})

		It("answers [cid, networks] in CPI API v3", func() {
			out := run(vmRequest(3, 3, smallVM(), networks, boshEnv()))
			Expect(out.Response.Result).To(HaveLen(2))
			Expect(out.Response.Result.([]any)[0]).To(Equal(newVMID))
		})

		It("tags the VM as this director's, with its deployment and instance group, without listing the tags a new VM cannot have", func() {
			run(vmRequest(2, 3, smallVM(), networks, boshEnv()))
			Expect(cloud.tags.UpsertCallCount()).To(BeZero(), "Upsert lists the tags first: a call for nothing")
			Expect(cloud.tags.CreateCallCount()).To(Equal(1))
			_, kind, id, tags := cloud.tags.CreateArgsForCall(0)
			Expect(kind).To(Equal("UserVm"))
			Expect(id).To(Equal(newVMID))
			Expect(tags).To(Equal(map[string]string{"director_uuid": "dir-uuid", "bosh_managed": "true",
				"bosh_agent_id": "agent-007", "deployment": "cf", "instance_group": "router"}))
		})

		It("ignores a MAC the director copied from an older VM", func() {
			network := manualNetwork("10.0.0.10", "net-a")
			network["mac"] = "aa:bb:cc:dd:ee:ff"
			run(vmRequest(2, 3, smallVM(), map[string]any{"default": network}, nil))
			Expect(userData(cloud, 0)["networks"].(map[string]any)["default"]).NotTo(HaveKey("mac"))
		})
	})

	It("lets CloudStack address a dynamic network and answers the address it got", func() {
		out := run(vmRequest(2, 3, smallVM(), map[string]any{"dyn": map[string]any{"type": "dynamic", "default": []string{"dns", "gateway"},
			"cloud_properties": map[string]any{"name": "net-b"}}}, nil))
		Expect(deployed().NICs).To(Equal([]cloudstack.NICSpec{{NetworkID: netBID}}))
		result := out.Response.Result.([]any)[1].(map[string]any)["dyn"].(map[string]any)
		Expect(result).To(HaveKeyWithValue("ip", "10.0.1.100"))
		Expect(result).To(HaveKeyWithValue("netmask", "255.255.255.0"))
		Expect(result).To(HaveKeyWithValue("gateway", "10.0.1.1"))
		Expect(result).To(HaveKeyWithValue("mac", "02:00:00:00:00:01"))
	})

	It("puts the default network's NIC first and gives every NIC of a multi-NIC VM a MAC the agent is told", func() {
		second := manualNetwork("10.0.1.20", "net-b")
		delete(second, "default")
		out := run(vmRequest(2, 3, smallVM(), map[string]any{
			"a-second": second,
			"z-first":  manualNetwork("10.0.0.10", "net-a"),
		}, nil))
		nics := deployed().NICs
		Expect(nics).To(HaveLen(2))
		Expect(nics[0].NetworkID).To(Equal(netAID))
		Expect(nics[1].NetworkID).To(Equal(netBID))
		for _, nic := range nics {
			Expect(nic.MAC).To(MatchRegexp(`^1e(:[0-9a-f]{2}){5}$`))
		}
		Expect(nics[0].MAC).NotTo(Equal(nics[1].MAC))
		networks := userData(cloud, 0)["networks"].(map[string]any)
		Expect(networks["z-first"]).To(HaveKeyWithValue("mac", nics[0].MAC))
		Expect(networks["a-second"]).To(HaveKeyWithValue("mac", nics[1].MAC))
		result := out.Response.Result.([]any)[1].(map[string]any)
		Expect(result["a-second"]).To(HaveKeyWithValue("mac", nics[1].MAC))
	})

	Describe("a vip network", func() {
		networks := func() map[string]any {
			return map[string]any{"default": manualNetwork("10.0.0.10", "net-a"), "public": map[string]any{"type": "vip", "ip": "203.0.113.7"}}
		}

		It("static-NATs the public IP to the VM and answers the vip network as given", func() {
			out := run(vmRequest(2, 3, smallVM(), networks(), nil))
			Expect(deployed().NICs).To(HaveLen(1))
			Expect(cloud.publicIPs.EnableStaticNATCallCount()).To(Equal(1))
			_, ipID, vmID, networkID := cloud.publicIPs.EnableStaticNATArgsForCall(0)
			Expect([]string{ipID, vmID, networkID}).To(Equal([]string{publicIPID, newVMID, netAID}))
			Expect(out.Response.Result.([]any)[1]).To(HaveKeyWithValue("public", map[string]any{"type": "vip", "ip": "203.0.113.7"}))
			Expect(userData(cloud, 0)["networks"].(map[string]any)["default"]).NotTo(HaveKey("mac"), "a vip network is no NIC")
		})
	})

	Describe("compute", func() {
		It("sizes a customized offering's VM and rounds the root disk up to GiB", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Custom", "cpu": 2, "ram": 4096, "cpu_speed": 2000, "root_disk_size": 10500},
				map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			spec := deployed()
			Expect([]int{spec.CPUNumber, spec.MemoryMiB, spec.CPUSpeedMHz}).To(Equal([]int{2, 4096, 2000}))
			Expect(spec.RootDiskSizeGiB).To(Equal(int64(11)))
		})

		It("sends no sizes for a fixed offering", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "cpu": 2, "ram": 4096},
				map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			Expect(deployed().CPUNumber).To(BeZero())
		})

		It("uses cloud_properties.key_name, else the configured default key pair", func() {
			cs()["default_key_name"] = "bosh"
			run(vmRequest(2, 3, smallVM(), map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			Expect(deployed().KeyPair).To(Equal("bosh"))
		})

		It("copies the template to the VM's zone when it is not there yet", func() {
			otherZone := "aaaaaaaa-0000-4000-8000-000000000002"
			cloud.zones.FindReturns(cloudstack.Zone{ID: otherZone, Name: "zone2"}, true, nil)
			cloud.zones.FindStub = nil
			ready := false
			cloud.templates.ListInZonesStub = func(context.Context, string) ([]cloudstack.Template, error) {
				rows := []cloudstack.Template{{ID: templateID, ZoneID: zoneID, IsReady: true, Hypervisor: "KVM"}}
				if ready {
					rows = append(rows, cloudstack.Template{ID: templateID, ZoneID: otherZone, IsReady: true, Hypervisor: "KVM"})
				}
				return rows, nil
			}
			cloud.templates.CopyStub = func(context.Context, string, string, string, time.Duration) error { ready = true; return nil }
			cloud.templates.GetReturns(cloudstack.Template{ID: templateID, ZoneID: otherZone, IsReady: true}, true, nil)
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "zone": "zone2"},
				map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			Expect(cloud.templates.CopyCallCount()).To(Equal(1))
			_, id, from, to, _ := cloud.templates.CopyArgsForCall(0)
			Expect([]string{id, from, to}).To(Equal([]string{templateID, zoneID, otherZone}))
			Expect(deployed().ZoneID).To(Equal(otherZone))
			Expect(userData(cloud, 0)["disks"]).To(HaveKeyWithValue("system", "/dev/vda"), "the KVM template's disk names")
		})

		It("finds an older CPI's stemcell by its template name", func() {
			cloud.templates.FindByNameReturns(cloudstack.Template{ID: templateID, Name: "cpitemplate-1234"}, true, nil)
			run(vmMethodRequest(2, 3, "create_vm", "agent-007", "cpitemplate-1234", smallVM(),
				map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, []any{}, nil))
			Expect(deployed().TemplateID).To(Equal(templateID))
		})

		It("joins the security groups of the VM and its networks in a zone that has them", func() {
			cloud.zones.FindStub = nil
			cloud.zones.FindReturns(cloudstack.Zone{ID: zoneID, Name: "zone1", SecurityGroupsEnabled: true}, true, nil)
			network := manualNetwork("10.0.0.10", "net-a")
			network["cloud_properties"] = map[string]any{"name": "net-a", "security_groups": []string{"web-sg"}}
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "security_groups": []string{"web-sg"}},
				map[string]any{"default": network}, nil))
			Expect(deployed().SecurityGroupIDs).To(Equal([]string{sgID}))
		})

		It("ignores security groups in a zone without them, without looking them up", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "security_groups": []string{"no-such-sg"}},
				map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			Expect(deployed().SecurityGroupIDs).To(BeEmpty())
			Expect(cloud.securityGroups.FindCallCount()).To(BeZero())
		})

		It("gives the agent the routes of cloud_properties.routes, via the network's gateway by default", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "routes": map[string]any{
				"default": []any{map[string]any{"cidr": "172.16.0.0/12"}, map[string]any{"cidr": "192.168.10.0/24", "gateway": "10.0.0.254"}},
			}}, map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
			network := userData(cloud, 0)["networks"].(map[string]any)["default"].(map[string]any)
			Expect(network["routes"]).To(Equal([]any{
				map[string]any{"destination": "172.16.0.0", "gateway": "10.0.0.1", "netmask": "255.240.0.0"},
				map[string]any{"destination": "192.168.10.0", "gateway": "10.0.0.254", "netmask": "255.255.255.0"},
			}))
		})
	})

	Describe("the ephemeral disk", func() {
		networks := map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}

		It("is made by the deploy, from a customized offering at the size asked for, and tagged as ephemeral", func() {
			cs()["default_offer"] = map[string]any{"custom_disk": "custom"}
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 20000}, networks, nil))
			spec := deployed()
			Expect(spec.DataDiskOfferingID).To(Equal(customDiskID))
			Expect(spec.DataDiskSizeGiB).To(Equal(int64(20)))
			Expect(userData(cloud, 0)["disks"]).To(HaveKeyWithValue("ephemeral", map[string]any{"path": "/dev/xvdb", "volume_id": "1"}))
			Expect(calls.all()).To(ContainElement("tag Volume " + deployDataDiskID))
			_, _, _, tags := cloud.tags.CreateArgsForCall(1)
			Expect(tags).To(HaveKeyWithValue("bosh_ephemeral", "true"))
			Expect(cloud.tags.UpsertCallCount()).To(BeZero(), "a new volume has no tags to list")
		})

		It("takes a fixed offering as it is, and falls back to custom_disk when the default one is too small", func() {
			cs()["default_offer"] = map[string]any{"ephemeral_disk": "ephemeral", "custom_disk": "custom"}
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 8192}, networks, nil))
			Expect(deployed().DataDiskOfferingID).To(Equal(diskOfferingID))
			Expect(deployed().DataDiskSizeGiB).To(BeZero())

			cloud, calls = vmCloud()
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "disk": 30720}, networks, nil))
			Expect(deployed().DataDiskOfferingID).To(Equal(customDiskID))
			Expect(deployed().DataDiskSizeGiB).To(Equal(int64(30)))
		})

		It("is a separate volume attached before the first boot in volume mode", func() {
			cs()["ephemeral_disk_mode"] = "volume"
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 4096,
				"ephemeral_disk_offering": "custom"}, networks, nil))
			spec := deployed()
			Expect(spec.LeaveStopped).To(BeTrue())
			Expect(spec.DataDiskOfferingID).To(BeEmpty())
			_, volume, _ := cloud.volumes.CreateArgsForCall(0)
			Expect(volume).To(Equal(cloudstack.VolumeSpec{Name: spec.Name + "-ephemeral", ZoneID: zoneID, DiskOfferingID: customDiskID, SizeGiB: 4, VMID: newVMID}))
			Expect(calls.all()).To(Equal([]string{"deploy " + spec.Name, "tag UserVm " + newVMID, "create volume " + spec.Name + "-ephemeral",
				"tag Volume " + volumeDiskID, "start " + newVMID}))
		})

		It("is none in mode none: the agent partitions the root disk", func() {
			cs()["ephemeral_disk_mode"] = "none"
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "ephemeral_disk_size": 4096,
				"ephemeral_disk_offering": "custom"}, networks, nil))
			Expect(deployed().DataDiskOfferingID).To(BeEmpty())
			Expect(userData(cloud, 0)["disks"]).To(HaveKeyWithValue("ephemeral", BeNil()))
			Expect(cloud.offerings.FindDiskCallCount()).To(BeZero())
		})
	})

	Describe("affinity groups", func() {
		networks := map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}

		It("puts the VM in an existing group", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "affinity_group": "anti"}, networks, nil))
			Expect(deployed().AffinityGroupIDs).To(Equal([]string{affinityID}))
			Expect(cloud.affinityGroups.CreateCallCount()).To(BeZero())
		})

		It("creates a missing group of the type asked for", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "affinity_group": "new-group",
				"affinity_group_type": "host affinity"}, networks, nil))
			Expect(calls.all()[0]).To(Equal("create affinity group new-group (host affinity)"))
			Expect(deployed().AffinityGroupIDs).To(Equal([]string{affinityID}))
		})

		It("puts every VM of an instance group in one anti-affinity group when enable_auto_anti_affinity is on", func() {
			cs()["enable_auto_anti_affinity"] = true
			run(vmRequest(2, 3, smallVM(), networks, boshEnv()))
			Expect(calls.all()[0]).To(Equal("create affinity group bosh-aa-dir-uuid-my-director-cf-router (host anti-affinity)"))
			Expect(deployed().AffinityGroupIDs).To(Equal([]string{affinityID}))
		})
	})

	Describe("load balancers", func() {
		networks := map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}

		It("assigns the VM to an existing rule", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "lbs": []any{map[string]any{"name": "web"}}}, networks, nil))
			Expect(calls.all()).To(ContainElement("assign " + lbRuleID + " [" + newVMID + "]"))
			Expect(cloud.loadBalancers.CreateCallCount()).To(BeZero())
		})

		It("creates a missing rule the entry describes, then assigns the VM", func() {
			run(vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "lbs": []any{map[string]any{
				"name": "api", "public_ip": "203.0.113.7", "public_port": 443, "private_port": 8443, "algorithm": "leastconn"}}}, networks, nil))
			_, spec, _ := cloud.loadBalancers.CreateArgsForCall(0)
			Expect(spec.Name).To(Equal("api"))
			Expect(spec.PublicIPID).To(Equal(publicIPID))
			Expect([]int{spec.PublicPort, spec.PrivatePort}).To(Equal([]int{443, 8443}))
			Expect(spec.Algorithm).To(Equal("leastconn"))
			Expect(calls.all()[len(calls.all())-2:]).To(Equal([]string{"create rule api", "assign " + lbRuleID + " [" + newVMID + "]"}))
		})
	})

	It("keeps secrets of the env out of the log and the answer", func() {
		out := run(vmRequest(2, 3, smallVM(), map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, boshEnv()))
		Expect(out.Stdout + out.Stderr).NotTo(ContainSubstring(testMbusPass))
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Stderr).To(ContainSubstring("create_vm finished"))
	})
})

// boshEnvJSON is boshEnv as it comes back out of JSON.
func boshEnvJSON() map[string]any {
	return map[string]any{"bosh": map[string]any{
		"group":    "my-director-cf-router",
		"groups":   []any{"my-director", "cf", "router", "my-director-cf", "cf-router", "my-director-cf-router"},
		"password": "$6$secret-hash",
		"mbus":     map[string]any{"cert": map[string]any{"ca": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}},
	}}
}
