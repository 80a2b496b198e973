package cpi_test

import (
	"context"
	"errors"
	"net"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// Each failure point of create_vm in turn: what was created before it is removed again, and the answer
// says whether the director may retry.
var _ = Describe("create_vm failing half-way", func() {
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
	// everything: an auto-created affinity group, a vip, a load balancer, an ephemeral disk.
	fullRequest := func() string {
		return vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance", "affinity_group": "new-group",
			"ephemeral_disk_size": 4096, "ephemeral_disk_offering": "custom", "lbs": []any{map[string]any{"name": "web"}}},
			map[string]any{"default": manualNetwork("10.0.0.10", "net-a"), "public": map[string]any{"type": "vip", "ip": "203.0.113.7"}}, boshEnv())
	}
	run := func() served {
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), fullRequest())
		Expect(out.Response.Error).NotTo(BeNil(), "expected a failure, got %s", out.Stdout)
		Expect(out.Response.Result).To(BeNil())
		return out
	}
	vmName := func() string {
		_, spec, _ := cloud.vms.DeployArgsForCall(0)
		return spec.Name
	}
	jobFailure := func(code int, text string) error {
		return &cloudstack.CreateError{Kind: "VM", ID: newVMID, Err: &cloudstack.JobError{Operation: "deployVirtualMachine", Code: code, Text: text}}
	}

	It("stops before the deploy when the affinity group cannot be created", func() {
		cloud.affinityGroups.CreateReturns(cloudstack.AffinityGroup{}, false, &cloudstack.APIError{Command: "createAffinityGroup", HTTPCode: 530, Text: "groups are broken"})
		cloud.affinityGroups.CreateStub = nil
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("creating affinity group 'new-group' (cloud_properties.affinity_group): CloudStack API createAffinityGroup failed with error 530: groups are broken"))
		Expect(calls.all()).To(BeEmpty())
	})

	It("answers a retryable failure when copying the template to the zone times out, having created nothing", func() {
		cloud.templates.ListInZonesStub = func(context.Context, string) ([]cloudstack.Template, error) {
			return []cloudstack.Template{{ID: templateID, ZoneID: "aaaaaaaa-0000-4000-8000-0000000000ff", IsReady: true}}, nil
		}
		cloud.templates.CopyReturns(&cloudstack.TimeoutError{Operation: "copyTemplate", JobID: "job-9", Waited: time.Hour})
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeVMCreationFailed))
		Expect(out.Response.Error.OkToRetry).To(BeTrue())
		Expect(out.Response.Error.Message).To(ContainSubstring("making stemcell '" + templateID + "' available in zone 'zone1'"))
		Expect(calls.all()).To(BeEmpty())
	})

	It("removes the VM when CloudStack did not give its NICs the MACs the agent was told", func() {
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy %s", spec.Name)
			for i := range spec.NICs {
				spec.NICs[i].MAC = "" // a CloudStack that ignores iptonetworklist's mac picks its own
			}
			return deployedVM(spec), nil
		}
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 3, smallVM(), map[string]any{
			"a": manualNetwork("10.0.0.10", "net-a"), "b": map[string]any{"type": "dynamic", "cloud_properties": map[string]any{"name": "net-b"}},
		}, nil))
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("this CloudStack ignores iptonetworklist's mac"))
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true"))
	})

	It("stops before the deploy when the registry refuses the settings", func() {
		cfg["registry"] = map[string]any{"endpoint": newVMRegistry().server.URL, "username": "admin", "password": "not-the-registry-pw"}
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 1, smallVM(),
			map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("storing the agent settings of VM"))
		Expect(out.Response.Error.Message).To(ContainSubstring("HTTP 401"))
		Expect(out.Stdout).NotTo(ContainSubstring("not-the-registry-pw"))
		Expect(cloud.vms.DeployCallCount()).To(BeZero())
	})

	It("removes the VM, NAT and disk when the load balancer rule to create cannot be", func() {
		cloud.loadBalancers.FindByNameReturns(cloudstack.LBRule{}, false, nil)
		cloud.loadBalancers.FindByNameStub = nil
		cloud.loadBalancers.CreateReturns(cloudstack.LBRule{}, false, &cloudstack.APIError{Command: "createLoadBalancerRule", HTTPCode: 431, Text: "port 80 is taken"})
		cloud.loadBalancers.CreateStub = nil
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 3, map[string]any{"compute_offering": "Small Instance",
			"lbs": []any{map[string]any{"name": "api", "public_ip": "203.0.113.7", "public_port": 80, "private_port": 8080}}},
			map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
		Expect(out.Response.Error.Message).To(ContainSubstring("creating load balancer rule 'api' (cloud_properties.lbs[0])"))
		Expect(out.Response.Error.Message).To(ContainSubstring("port 80 is taken"))
		Expect(cloud.loadBalancers.RemoveCallCount()).To(BeZero(), "the VM was never assigned")
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true"))
	})

	It("removes nothing when CloudStack refuses the deploy call itself, and says why", func() {
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy %s", spec.Name)
			return cloudstack.VM{}, &cloudstack.APIError{Command: "deployVirtualMachine", HTTPCode: 431, Text: "Unable to deploy: address 10.0.0.10 is in use"}
		}
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.OkToRetry).To(BeFalse())
		Expect(out.Response.Error.Message).To(ContainSubstring("address 10.0.0.10 is in use"))
		Expect(cloud.vms.FindByNameCallCount()).To(BeZero(), "a refused call made nothing to look for")
		Expect(calls.all()).To(Equal([]string{
			"create affinity group new-group (host anti-affinity)", "deploy " + vmName(),
			"delete affinity group if empty " + affinityID,
		}))
	})

	It("answers a retryable VMCreationFailed for a deploy that found no capacity, after expunging the VM in Error", func() {
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy %s", spec.Name)
			return cloudstack.VM{}, jobFailure(533, "Unable to create a deployment for VM[User|i-2-683-VM]")
		}
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeVMCreationFailed))
		Expect(out.Response.Error.OkToRetry).To(BeTrue())
		Expect(out.Response.Error.Message).To(ContainSubstring("Unable to create a deployment for VM[User|i-2-683-VM]"))
		Expect(calls.all()).To(Equal([]string{
			"create affinity group new-group (host anti-affinity)", "deploy " + vmName(),
			"destroy " + newVMID + " expunge=true", "delete volume " + deployDataDiskID,
			"delete affinity group if empty " + affinityID,
		}))
	})

	It("answers a retryable VMCreationFailed for a deploy that timed out, and removes the VM", func() {
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy %s", spec.Name)
			return cloudstack.VM{}, &cloudstack.CreateError{Kind: "VM", ID: newVMID,
				Err: &cloudstack.TimeoutError{Operation: "deployVirtualMachine", JobID: "job-1", Waited: time.Hour}}
		}
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeVMCreationFailed))
		Expect(out.Response.Error.OkToRetry).To(BeTrue())
		Expect(out.Response.Error.Message).To(ContainSubstring("gave up waiting"))
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true"))
	})

	It("finds a VM whose deploy answer was lost by its name, and removes it", func() {
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy %s", spec.Name)
			return cloudstack.VM{}, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		}
		cloud.vms.FindByNameReturns(cloudstack.VM{ID: newVMID, State: "Starting"}, true, nil)
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		_, name := cloud.vms.FindByNameArgsForCall(0)
		Expect(name).To(Equal(vmName()))
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true"))
	})

	It("names a VM it could not look for after a lost answer, so the operator can", func() {
		cloud.vms.DeployReturns(cloudstack.VM{}, errors.New("connection refused"))
		cloud.vms.FindByNameReturns(cloudstack.VM{}, false, errors.New("connection refused"))
		out := run()
		Expect(out.Response.Error.Message).To(ContainSubstring("cleanup could not remove VM named " + vmName() + ", if CloudStack made it"))
	})

	It("removes the VM and its ephemeral disk when tagging fails", func() {
		cloud.tags.CreateReturns(&cloudstack.APIError{Command: "createTags", HTTPCode: 530, Text: "tags are broken"})
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("tagging VM " + newVMID))
		Expect(out.Response.Error.Message).To(ContainSubstring("tags are broken"))
		Expect(calls.all()).To(Equal([]string{
			"create affinity group new-group (host anti-affinity)", "deploy " + vmName(),
			"destroy " + newVMID + " expunge=true", "delete volume " + deployDataDiskID,
			"delete affinity group if empty " + affinityID,
		}))
	})

	It("removes a separate ephemeral volume CloudStack made but did not finish", func() {
		cs()["ephemeral_disk_mode"] = "volume"
		cloud.volumes.CreateStub = func(_ context.Context, spec cloudstack.VolumeSpec, _ time.Duration) (cloudstack.Volume, error) {
			calls.add("create volume %s", spec.Name)
			return cloudstack.Volume{}, &cloudstack.CreateError{Kind: "volume", ID: volumeDiskID,
				Err: &cloudstack.JobError{Operation: "createVolume", Code: 535, Text: "no storage pool"}}
		}
		cloud.volumes.ListByVMReturns(nil, nil)
		cloud.volumes.ListByVMStub = nil
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeVMCreationFailed))
		Expect(out.Response.Error.OkToRetry).To(BeTrue())
		Expect(calls.all()).To(ContainElements("destroy "+newVMID+" expunge=true", "delete volume "+volumeDiskID))
		Expect(cloud.vms.StartCallCount()).To(BeZero())
	})

	It("removes the VM when starting it in volume mode finds no capacity", func() {
		cs()["ephemeral_disk_mode"] = "volume"
		cloud.vms.StartReturns(&cloudstack.JobError{Operation: "startVirtualMachine", Code: 533, Text: "no host"})
		cloud.vms.StartStub = nil
		cloud.volumes.ListByVMReturns([]cloudstack.Volume{{ID: volumeDiskID, VMID: newVMID}}, nil)
		cloud.volumes.ListByVMStub = nil
		out := run()
		Expect(out.Response.Error.OkToRetry).To(BeTrue())
		Expect(calls.all()).To(ContainElements("destroy "+newVMID+" expunge=true", "delete volume "+volumeDiskID))
		Expect(calls.all()).To(HaveEach(Not(HavePrefix("delete volume " + deployDataDiskID))))
	})

	It("undoes the static NAT attempt and removes the VM when static NAT fails", func() {
		cloud.publicIPs.EnableStaticNATReturns(&cloudstack.APIError{Command: "enableStaticNat", HTTPCode: 431, Text: "ip is in use"})
		cloud.publicIPs.EnableStaticNATStub = nil
		out := run()
		Expect(out.Response.Error.Message).To(ContainSubstring("ip is in use"))
		Expect(calls.all()[len(calls.all())-4:]).To(Equal([]string{
			"disable static NAT " + publicIPID, "destroy " + newVMID + " expunge=true",
			"delete volume " + deployDataDiskID, "delete affinity group if empty " + affinityID,
		}))
	})

	It("takes the VM off the rule, undoes the NAT, removes the VM, its disk and the new group when the load balancer fails", func() {
		cloud.loadBalancers.AssignStub = func(_ context.Context, ruleID string, vmIDs []string, _ time.Duration) error {
			calls.add("assign %s %v", ruleID, vmIDs)
			return &cloudstack.JobError{Operation: "assignToLoadBalancerRule", Code: 530, Text: "rule is being deleted"}
		}
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(calls.all()).To(Equal([]string{
			"create affinity group new-group (host anti-affinity)", "deploy " + vmName(), "tag UserVm " + newVMID,
			"tag Volume " + deployDataDiskID, "enable static NAT " + publicIPID + " " + newVMID, "assign " + lbRuleID + " [" + newVMID + "]",
			"remove " + lbRuleID + " [" + newVMID + "]", "disable static NAT " + publicIPID, "destroy " + newVMID + " expunge=true",
			"delete volume " + deployDataDiskID, "delete affinity group if empty " + affinityID,
		}))
	})

	It("destroys without expunge and detaches the disks when CloudStack refuses this account expunging", func() {
		cloud.tags.CreateReturns(errors.New("tags are broken"))
		cloud.tags.CreateStub = nil
		cloud.vms.DestroyStub = func(_ context.Context, id string, expunge bool, _ time.Duration, _ ...string) error {
			calls.add("destroy %s expunge=%t", id, expunge)
			if expunge {
				return &cloudstack.JobError{Operation: "destroyVirtualMachine", Code: 530, Text: "Parameter expunge can be passed by Admin only"}
			}
			return nil
		}
		run()
		Expect(calls.all()[2:5]).To(Equal([]string{"destroy " + newVMID + " expunge=true", "destroy " + newVMID + " expunge=false",
			"detach " + deployDataDiskID}))
		Expect(calls.all()).To(ContainElement("delete volume " + deployDataDiskID))
	})

	It("names what its cleanup could not remove", func() {
		cloud.tags.CreateReturns(errors.New("tags are broken"))
		cloud.tags.CreateStub = nil
		cloud.vms.DestroyReturns(errors.New("management server down"))
		cloud.vms.DestroyStub = nil
		out := run()
		Expect(out.Response.Error.Message).To(ContainSubstring("cleanup could not remove VM " + newVMID))
	})

	It("names the VM's data disks when it cannot list them, as the expunge leaves them detached", func() {
		cloud.tags.UpsertReturns(errors.New("tags are broken"))
		cloud.tags.UpsertStub = nil
		cloud.volumes.ListByVMStub = nil
		cloud.volumes.ListByVMReturns(nil, errors.New("listVolumes: context deadline exceeded"))
		out := run()
		Expect(out.Response.Error.Message).To(ContainSubstring("cleanup could not remove the data disks of VM " + newVMID))
		Expect(out.Response.Error.Message).To(ContainSubstring("remove by hand"))
	})

	It("removes the registry settings it stored when the deploy fails", func() {
		registry := newVMRegistry()
		cfg["registry"] = map[string]any{"endpoint": registry.server.URL, "username": "admin", "password": "registry-pw"}
		cloud.vms.DeployReturns(cloudstack.VM{}, &cloudstack.APIError{Command: "deployVirtualMachine", HTTPCode: 431, Text: "bad"})
		cloud.vms.DeployStub = nil
		out := serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 1, smallVM(),
			map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, nil))
		Expect(out.Response.Error).NotTo(BeNil())
		Expect(registry.requests()).To(Equal([]string{"PUT /instances/" + vmName() + "/settings", "DELETE /instances/" + vmName() + "/settings"}))
	})
})
