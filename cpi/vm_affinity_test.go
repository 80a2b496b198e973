package cpi_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// The director runs create_vm and delete_vm of one instance group side by side: the delete_vm of the
// automatic anti-affinity group's last VM deletes the group, maybe just after a create_vm looked it up.
var _ = Describe("create_vm when its automatic anti-affinity group is deleted before the deploy", func() {
	const recreatedGroupID = "55555555-0000-4000-8000-000000000002"
	var (
		cloud *fakeCloud
		calls *callLog
		cfg   map[string]any
	)
	goneGroup := &cloudstack.APIError{Command: "deployVirtualMachine", HTTPCode: 431,
		Text: "Unable to execute API command deployvirtualmachine due to invalid value. Invalid parameter affinitygroupids value=" + affinityID}

	BeforeEach(func() {
		cloud, calls = vmCloud()
		cfg = validConfig()
		cfg["cloudstack"].(map[string]any)["enable_auto_anti_affinity"] = true
		groups := []cloudstack.AffinityGroup{{ID: affinityID}, {ID: recreatedGroupID}}
		cloud.affinityGroups.CreateStub = func(_ context.Context, name, groupType, _ string, _ time.Duration) (cloudstack.AffinityGroup, bool, error) {
			n := cloud.affinityGroups.CreateCallCount() - 1
			calls.add("find or create affinity group %s", name)
			return cloudstack.AffinityGroup{ID: groups[n].ID, Name: name, Type: groupType}, n == 1, nil
		}
		cloud.affinityGroups.FindStub = func(_ context.Context, id string) (cloudstack.AffinityGroup, bool, error) {
			return cloudstack.AffinityGroup{}, false, nil // deleted by the other process's delete_vm
		}
		cloud.vms.DeployStub = func(_ context.Context, spec cloudstack.DeploySpec, _ time.Duration) (cloudstack.VM, error) {
			calls.add("deploy into %v", spec.AffinityGroupIDs)
			if spec.AffinityGroupIDs[0] == affinityID {
				return cloudstack.VM{}, goneGroup
			}
			return deployedVM(spec), nil
		}
	})

	run := func() served {
		return serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), vmRequest(2, 3, smallVM(), map[string]any{"default": manualNetwork("10.0.0.10", "net-a")}, boshEnv()))
	}

	It("gets the group again and deploys once more", func() {
		out := run()
		Expect(out.Response.Error).To(BeNil(), out.Stdout)
		Expect(calls.all()).To(Equal([]string{
			"find or create affinity group bosh-aa-dir-uuid-my-director-cf-router", "deploy into [" + affinityID + "]",
			"find or create affinity group bosh-aa-dir-uuid-my-director-cf-router", "deploy into [" + recreatedGroupID + "]",
			"tag UserVm " + newVMID,
		}))
		_, looked := cloud.affinityGroups.FindArgsForCall(0)
		Expect(looked).To(Equal(affinityID))
		Expect(out.Stderr).To(ContainSubstring("was deleted while VM"))
	})

	It("answers CloudStack's refusal, deploying once, when the group is still there", func() {
		cloud.affinityGroups.FindStub = nil
		cloud.affinityGroups.FindReturns(cloudstack.AffinityGroup{ID: affinityID}, true, nil)
		out := run()
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("Invalid parameter affinitygroupids"))
		Expect(cloud.vms.DeployCallCount()).To(Equal(1))
	})

	It("does not deploy again after a failed deploy job, which may have made the VM", func() {
		cloud.vms.DeployStub = nil
		cloud.vms.DeployReturns(cloudstack.VM{}, &cloudstack.JobError{Operation: "deployVirtualMachine", Code: 530, Text: "no host"})
		out := run()
		Expect(out.Response.Error).NotTo(BeNil())
		Expect(cloud.vms.DeployCallCount()).To(Equal(1))
		Expect(cloud.affinityGroups.FindCallCount()).To(BeZero(), "the look only happens when CloudStack refused the call")
	})

	It("looks at nothing when the deploy succeeds", func() {
		cloud.affinityGroups.CreateStub = nil
		cloud.affinityGroups.CreateReturns(cloudstack.AffinityGroup{ID: recreatedGroupID}, false, nil)
		Expect(run().Response.Error).To(BeNil())
		Expect(cloud.affinityGroups.FindCallCount()).To(BeZero())
		Expect(cloud.vms.DeployCallCount()).To(Equal(1))
	})
})
