package cpi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Ids of the fake cloud the VM method tests run against (zoneID and templateID are stemcell_test.go's).
const (
	vmOfferingID     = "cccccccc-0000-4000-8000-000000000001"
	netAID           = "dddddddd-0000-4000-8000-00000000000a"
	netBID           = "dddddddd-0000-4000-8000-00000000000b"
	newVMID          = "eeeeeeee-0000-4000-8000-000000000001"
	diskOfferingID   = "ffffffff-0000-4000-8000-000000000001"
	customDiskID     = "ffffffff-0000-4000-8000-000000000002"
	deployDataDiskID = "99999999-0000-4000-8000-000000000001"
	volumeDiskID     = "99999999-0000-4000-8000-000000000002"
	persistentDiskID = "99999999-0000-4000-8000-000000000003"
	publicIPID       = "77777777-0000-4000-8000-000000000001"
	lbRuleID         = "66666666-0000-4000-8000-000000000001"
	affinityID       = "55555555-0000-4000-8000-000000000001"
	sgID             = "44444444-0000-4000-8000-000000000001"
)

// callLog records, in order, the calls that create or remove something, across all fakes.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *callLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf(format, args...))
}

func (l *callLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...)
}

// vmCloud is a fake CloudStack on which create_vm and delete_vm succeed: zone1 (XenServer), a ready
// template, a fixed offering, networks net-a (10.0.0.0/24) and net-b (10.0.1.0/24), a key pair, disk
// offerings "ephemeral" (fixed 10 GiB) and "custom", the public IP 203.0.113.7, the rule "web", the
// affinity group "anti". Every call that changes something is logged in order.
func vmCloud() (*fakeCloud, *callLog) {
	cloud, log := newFakeCloud(), &callLog{}
	cloud.zones.FindStub = func(_ context.Context, ref string) (cloudstack.Zone, bool, error) {
		if ref == "zone1" || ref == zoneID {
			return cloudstack.Zone{ID: zoneID, Name: "zone1", NetworkType: "Advanced"}, true, nil
		}
		return cloudstack.Zone{}, false, nil
	}
	cloud.templates.ListInZonesStub = func(_ context.Context, id string) ([]cloudstack.Template, error) {
		if id != templateID {
			return nil, nil
		}
		return []cloudstack.Template{{ID: templateID, ZoneID: zoneID, IsReady: true, Hypervisor: "XenServer"}}, nil
	}
	cloud.offerings.FindServiceStub = func(_ context.Context, ref, _ string) (cloudstack.ServiceOffering, bool, error) {
		switch ref {
		case "Small Instance", vmOfferingID:
			return cloudstack.ServiceOffering{ID: vmOfferingID, Name: "Small Instance", CPUNumber: 1, CPUSpeed: 500, Memory: 512}, true, nil
		case "Custom":
			return cloudstack.ServiceOffering{ID: vmOfferingID, Name: "Custom", IsCustomized: true}, true, nil
		}
		return cloudstack.ServiceOffering{}, false, nil
	}
	cloud.offerings.FindDiskStub = func(_ context.Context, ref, _ string) (cloudstack.DiskOffering, bool, error) {
		switch ref {
		case "ephemeral":
			return cloudstack.DiskOffering{ID: diskOfferingID, Name: "ephemeral", DiskSizeGiB: 10}, true, nil
		case "custom":
			return cloudstack.DiskOffering{ID: customDiskID, Name: "custom", IsCustomized: true}, true, nil
		}
		return cloudstack.DiskOffering{}, false, nil
	}
	cloud.networks.FindStub = func(_ context.Context, ref, _ string) (cloudstack.Network, bool, error) {
		switch ref {
		case "net-a", netAID:
			return cloudstack.Network{ID: netAID, Name: "net-a", ZoneID: zoneID, CIDR: "10.0.0.0/24", Gateway: "10.0.0.1", Netmask: "255.255.255.0"}, true, nil
		case "net-b", netBID:
			return cloudstack.Network{ID: netBID, Name: "net-b", ZoneID: zoneID, CIDR: "10.0.1.0/24", Gateway: "10.0.1.1", Netmask: "255.255.255.0"}, true, nil
		}
		return cloudstack.Network{}, false, nil
	}
	cloud.sshKeyPairs.FindStub = func(_ context.Context, name string) (cloudstack.SSHKeyPair, bool, error) {
		return cloudstack.SSHKeyPair{Name: name}, name == "bosh", nil
	}
	cloud.publicIPs.FindByAddressStub = func(_ context.Context, address, _ string) (cloudstack.PublicIP, bool, error) {
		if address == "203.0.113.7" {
			return cloudstack.PublicIP{ID: publicIPID, Address: address, ZoneID: zoneID, NetworkID: netAID}, true, nil
		}
		return cloudstack.PublicIP{}, false, nil
	}
	cloud.loadBalancers.FindByNameStub = func(_ context.Context, name, _ string) (cloudstack.LBRule, bool, error) {
		if name == "web" {
			return cloudstack.LBRule{ID: lbRuleID, Name: "web", NetworkID: netAID}, true, nil
		}
		return cloudstack.LBRule{}, false, nil
	}
	cloud.affinityGroups.FindStub = func(_ context.Context, ref string) (cloudstack.AffinityGroup, bool, error) {
		if ref == "anti" || ref == affinityID {
			return cloudstack.AffinityGroup{ID: affinityID, Name: "anti", Type: "host anti-affinity"}, true, nil
		}
		return cloudstack.AffinityGroup{}, false, nil
	}
	cloud.affinityGroups.ListTypesReturns([]string{"host anti-affinity", "host affinity"}, nil)
	cloud.securityGroups.FindStub = func(_ context.Context, ref string) (cloudstack.SecurityGroup, bool, error) {
		return cloudstack.SecurityGroup{ID: sgID, Name: ref}, ref == "web-sg", nil
	}

	cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
		log.add("deploy %s", spec.Name)
		return deployedVM(spec), nil
	}
	cloud.vms.StartStub = func(_ context.Context, id string, _ time.Duration) error { log.add("start %s", id); return nil }
	cloud.vms.StopStub = func(_ context.Context, id string, forced bool, _ time.Duration) error {
		log.add("stop %s forced=%t", id, forced)
		return nil
	}
	cloud.vms.DestroyStub = func(_ context.Context, id string, expunge bool, _ time.Duration, volumeIDs ...string) error {
		log.add("%s", destroyCall(id, expunge, volumeIDs))
		return nil
	}
	cloud.volumes.ListByVMStub = func(_ context.Context, vmID, _ string) ([]cloudstack.Volume, error) {
		return []cloudstack.Volume{{ID: deployDataDiskID, Name: "DATA-1", Type: "DATADISK", VMID: vmID, DeviceID: 1}}, nil
	}
	cloud.volumes.CreateStub = func(_ context.Context, spec cloudstack.VolumeSpec, _ time.Duration) (cloudstack.Volume, error) {
		log.add("create volume %s", spec.Name)
		return cloudstack.Volume{ID: volumeDiskID, Name: spec.Name, Type: "DATADISK", VMID: spec.VMID, DeviceID: 1}, nil
	}
	cloud.volumes.DetachStub = func(_ context.Context, id string, _ time.Duration) (cloudstack.Volume, error) {
		log.add("detach %s", id)
		return cloudstack.Volume{ID: id}, nil
	}
	cloud.volumes.DeleteStub = func(_ context.Context, id string) error { log.add("delete volume %s", id); return nil }
	cloud.tags.CreateStub = func(_ context.Context, kind, id string, _ map[string]string) error {
		log.add("tag %s %s", kind, id)
		return nil
	}
	cloud.publicIPs.EnableStaticNATStub = func(_ context.Context, ipID, vmID, _ string) error {
		log.add("enable static NAT %s %s", ipID, vmID)
		return nil
	}
	cloud.publicIPs.DisableStaticNATStub = func(_ context.Context, ipID string, _ time.Duration) error {
		log.add("disable static NAT %s", ipID)
		return nil
	}
	cloud.loadBalancers.AssignStub = func(_ context.Context, ruleID string, vmIDs []string, _ time.Duration) error {
		log.add("assign %s %v", ruleID, vmIDs)
		return nil
	}
	cloud.loadBalancers.RemoveStub = func(_ context.Context, ruleID string, vmIDs []string, _ time.Duration) error {
		log.add("remove %s %v", ruleID, vmIDs)
		return nil
	}
	cloud.loadBalancers.CreateStub = func(_ context.Context, spec cloudstack.LBSpec, _ time.Duration) (cloudstack.LBRule, bool, error) {
		log.add("create rule %s", spec.Name)
		return cloudstack.LBRule{ID: lbRuleID, Name: spec.Name}, true, nil
	}
	cloud.affinityGroups.CreateStub = func(_ context.Context, name, groupType, _ string, _ time.Duration) (cloudstack.AffinityGroup, bool, error) {
		log.add("create affinity group %s (%s)", name, groupType)
		return cloudstack.AffinityGroup{ID: affinityID, Name: name, Type: groupType}, true, nil
	}
	cloud.affinityGroups.DeleteIfEmptyStub = func(_ context.Context, id string, _ time.Duration) (bool, error) {
		log.add("delete affinity group if empty %s", id)
		return true, nil
	}
	cloud.affinityGroups.DeleteStub = func(_ context.Context, id string, _ time.Duration) error {
		log.add("delete affinity group %s", id)
		return nil
	}
	return cloud, log
}

// deployedVM is the VM CloudStack makes of spec: NICs on the networks asked for, the static address or
// one CloudStack picks, the MAC asked for or one CloudStack picks.
func deployedVM(spec cloudstack.DeploySpec) cloudstack.VM {
	vm := cloudstack.VM{ID: newVMID, Name: spec.Name, DisplayName: spec.DisplayName, ZoneID: spec.ZoneID, State: cloudstack.VMStateRunning,
		Hypervisor: "XenServer", TemplateID: spec.TemplateID, ServiceOfferingID: spec.ServiceOfferingID}
	if spec.LeaveStopped {
		vm.State = cloudstack.VMStateStopped
	}
	for i, nic := range spec.NICs {
		subnet := map[string]string{netAID: "10.0.0", netBID: "10.0.1"}[nic.NetworkID]
		ip := nic.IP
		if ip == "" {
			ip = fmt.Sprintf("%s.%d", subnet, 100+i)
		}
		mac := nic.MAC
		if mac == "" {
			mac = fmt.Sprintf("02:00:00:00:00:%02x", i+1)
		}
		vm.NICs = append(vm.NICs, cloudstack.NIC{ID: fmt.Sprintf("nic-%d", i), NetworkID: nic.NetworkID, IP: ip,
			Netmask: "255.255.255.0", Gateway: subnet + ".1", MAC: mac, IsDefault: i == 0, DeviceID: fmt.Sprint(i)})
	}
	return vm
}

// vmRequest is a create_vm request of a CPI API version, from a stemcell of stemcellAPI (0: not said).
func vmRequest(apiVersion, stemcellAPI int, props, networks map[string]any, env map[string]any) string {
	return vmMethodRequest(apiVersion, stemcellAPI, "create_vm", "agent-007", templateID, props, networks, []any{}, env)
}

func vmMethodRequest(apiVersion, stemcellAPI int, method string, args ...any) string {
	context := map[string]any{"director_uuid": "dir-uuid", "request_id": "cpi-123456"}
	if stemcellAPI > 0 {
		context["vm"] = map[string]any{"stemcell": map[string]any{"api_version": stemcellAPI}}
	}
	data, err := json.Marshal(map[string]any{"method": method, "arguments": args, "context": context, "api_version": apiVersion})
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

func smallVM() map[string]any { return map[string]any{"compute_offering": "Small Instance"} }

func manualNetwork(ip string, cloudNetwork string) map[string]any {
	return map[string]any{"type": "manual", "ip": ip, "netmask": "255.255.255.0", "gateway": ip[:strings.LastIndex(ip, ".")+1] + "1",
		"dns": []string{"10.0.0.2"}, "default": []string{"dns", "gateway"}, "cloud_properties": map[string]any{"name": cloudNetwork}}
}

func boshEnv() map[string]any {
	return map[string]any{"bosh": map[string]any{
		"group":    "my-director-cf-router",
		"groups":   []string{"my-director", "cf", "router", "my-director-cf", "cf-router", "my-director-cf-router"},
		"password": "$6$secret-hash",
		"mbus":     map[string]any{"cert": map[string]any{"ca": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}},
	}}
}

// userData decodes the user-data of the n-th deploy call.
func userData(cloud *fakeCloud, n int) map[string]any {
	_, spec, _ := cloud.vms.DeployArgsForCall(n)
	raw, err := base64.StdEncoding.DecodeString(spec.UserData)
	Expect(err).NotTo(HaveOccurred())
	var doc map[string]any
	Expect(json.Unmarshal(raw, &doc)).To(Succeed())
	return doc
}

// expectNothingCreated checks that no call that makes something was made.
func expectNothingCreated(cloud *fakeCloud) {
	Expect(cloud.vms.DeployCallCount()).To(BeZero(), "deployVirtualMachine")
	Expect(cloud.affinityGroups.CreateCallCount()).To(BeZero(), "createAffinityGroup")
	Expect(cloud.volumes.CreateCallCount()).To(BeZero(), "createVolume")
	Expect(cloud.publicIPs.EnableStaticNATCallCount()).To(BeZero(), "enableStaticNat")
	Expect(cloud.loadBalancers.CreateCallCount()).To(BeZero(), "createLoadBalancerRule")
	Expect(cloud.loadBalancers.AssignCallCount()).To(BeZero(), "assignToLoadBalancerRule")
	Expect(cloud.tags.CreateCallCount()).To(BeZero(), "createTags")
	Expect(cloud.templates.CopyCallCount()).To(BeZero(), "copyTemplate")
}

// destroyCall is how the call log shows a destroy: "destroy <id> expunge=<bool>[ deleting <volume ids>]".
func destroyCall(id string, expunge bool, volumeIDs []string) string {
	call := fmt.Sprintf("destroy %s expunge=%t", id, expunge)
	if len(volumeIDs) > 0 {
		call += fmt.Sprintf(" deleting %v", volumeIDs)
	}
	return call
}
