package cpi_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// vmRow is the VM delete_vm finds: created by create_vm, in one automatic anti-affinity group.
func vmRow(state string) cloudstack.VM {
	return cloudstack.VM{ID: newVMID, Name: "vm-existing", State: state, ZoneID: zoneID, AffinityGroupIDs: []string{affinityID}}
}

var _ = Describe("delete_vm", func() {
	var (
		cloud *fakeCloud
		calls *callLog
		cfg   map[string]any
	)

	BeforeEach(func() {
		cloud, calls = vmCloud()
		cfg = validConfig()
		cloud.vms.GetReturns(vmRow("Running"), true, nil)
		cloud.volumes.ListByVMStub = func(_ context.Context, vmID, volumeType string) ([]cloudstack.Volume, error) {
			Expect(volumeType).To(Equal("DATADISK"))
			return []cloudstack.Volume{
				{ID: deployDataDiskID, Name: "DATA-7", VMID: vmID, DeviceID: 1, Tags: map[string]string{"bosh_ephemeral": "true"}},
				{ID: persistentDiskID, Name: "bosh-disk-1", VMID: vmID, DeviceID: 2},
			}, nil
		}
		cloud.publicIPs.FindStaticNATOfVMReturns([]cloudstack.PublicIP{{ID: publicIPID, Address: "203.0.113.7", VMID: newVMID}}, nil)
		cloud.loadBalancers.ListForVMReturns([]cloudstack.LBRule{{ID: lbRuleID, Name: "web"}}, nil)
		cloud.affinityGroups.FindReturns(cloudstack.AffinityGroup{ID: affinityID, Name: "bosh-aa-dir-uuid-my-director-cf-router"}, true, nil)
		cloud.affinityGroups.FindStub = nil
	})

	run := func(cid string) served {
		return serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), request("delete_vm", cid))
	}

	It("detaches the persistent disk of the stopped VM, unwires it, and destroys it with only the ephemeral disk", func() {
		out := run(newVMID)
		Expect(out.Response.Error).To(BeNil(), out.Stdout)
		Expect(out.Response.Result).To(BeNil())
		Expect(calls.all()).To(Equal([]string{
			"stop " + newVMID + " forced=true",
			"detach " + persistentDiskID,
			"disable static NAT " + publicIPID, "remove " + lbRuleID + " [" + newVMID + "]",
			"destroy " + newVMID + " expunge=true deleting [" + deployDataDiskID + "]",
			"delete affinity group " + affinityID,
		}))
		Expect(cloud.affinityGroups.FindCallCount()).To(Equal(1), "the listing that names the group tells its members too")
		Expect(cloud.affinityGroups.DeleteIfEmptyCallCount()).To(BeZero(), "it would list the group a second time")
		for _, call := range calls.all() {
			Expect(call).NotTo(ContainSubstring(persistentDiskID + "]"))
		}
	})

	It("keeps the ephemeral disk attached until the destroy, so a retry after a failed step still finds it", func() {
		cloud.publicIPs.FindStaticNATOfVMReturns(nil, errors.New("listPublicIpAddresses: error 530"))
		out := run(newVMID)
		Expect(out.Response.Error).NotTo(BeNil())
		Expect(calls.all()).NotTo(ContainElement("detach " + deployDataDiskID))
		Expect(cloud.vms.DestroyCallCount()).To(BeZero())
	})

	It("deletes an ephemeral disk CloudStack kept after the destroy (before 4.12 it ignores volumeids)", func() {
		cloud.volumes.GetReturns(cloudstack.Volume{ID: deployDataDiskID, Name: "DATA-7", State: "Ready"}, true, nil)
		out := run(newVMID)
		Expect(out.Response.Error).To(BeNil(), out.Stdout)
		Expect(calls.all()).To(ContainElement("delete volume " + deployDataDiskID))
		Expect(calls.all()).NotTo(ContainElement("detach "+deployDataDiskID), "a detached one is deleted at once")
	})

	It("succeeds for a VM that is already gone, touching nothing", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, nil)
		out := run(newVMID)
		Expect(out.Response.Error).To(BeNil())
		Expect(calls.all()).To(BeEmpty())
	})

	It("succeeds for a VM that is destroyed already", func() {
		cloud.vms.GetReturns(vmRow("Destroyed"), true, nil)
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(calls.all()).To(BeEmpty())
	})

	It("is idempotent: a second delete after the first finds nothing to do", func() {
		Expect(run(newVMID).Response.Error).To(BeNil())
		cloud.vms.GetReturns(cloudstack.VM{}, false, nil)
		before := len(calls.all())
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(calls.all()).To(HaveLen(before))
	})

	It("finds an older CPI's VM by name and knows its ephemeral disk by name", func() {
		cloud.vms.FindByNameReturns(vmRow("Stopped"), true, nil)
		cloud.volumes.ListByVMStub = nil
		cloud.volumes.ListByVMReturns([]cloudstack.Volume{{ID: deployDataDiskID, Name: "cpi-ephemeral-disk-1234", VMID: newVMID}}, nil)
		out := run("cpivm-1234")
		Expect(out.Response.Error).To(BeNil())
		_, name := cloud.vms.FindByNameArgsForCall(0)
		Expect(name).To(Equal("cpivm-1234"))
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true deleting [" + deployDataDiskID + "]"))
		Expect(calls.all()).NotTo(ContainElement(HavePrefix("stop")), "a VM without persistent disks is not stopped")
	})

	It("leaves the VM in place and says so when a persistent disk cannot be detached", func() {
		cloud.volumes.DetachStub = func(_ context.Context, id string, _ time.Duration) (cloudstack.Volume, error) {
			calls.add("detach %s", id)
			if id == persistentDiskID {
				return cloudstack.Volume{}, &cloudstack.JobError{Operation: "detachVolume", Code: 530, Text: "device busy"}
			}
			return cloudstack.Volume{ID: id}, nil
		}
		out := run(newVMID)
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("detaching persistent disk " + persistentDiskID))
		Expect(out.Response.Error.Message).To(ContainSubstring("device busy"))
		Expect(cloud.vms.DestroyCallCount()).To(BeZero())
		Expect(cloud.volumes.DeleteCallCount()).To(BeZero())
	})

	It("destroys without expunge, logging why, when CloudStack refuses this account expunging", func() {
		cloud.vms.DestroyStub = func(_ context.Context, id string, expunge bool, _ time.Duration, volumeIDs ...string) error {
			calls.add("%s", destroyCall(id, expunge, volumeIDs))
			if expunge {
				return &cloudstack.JobError{Operation: "destroyVirtualMachine", Code: 530, Text: "Parameter expunge can be passed by Admin only"}
			}
			return nil
		}
		out := run(newVMID)
		Expect(out.Response.Error).To(BeNil())
		Expect(calls.all()).To(ContainElements("destroy "+newVMID+" expunge=true deleting ["+deployDataDiskID+"]",
			"destroy "+newVMID+" expunge=false deleting ["+deployDataDiskID+"]"))
		Expect(out.Stderr).To(ContainSubstring("refuses to expunge"))
		Expect(cloud.affinityGroups.FindCallCount()+cloud.affinityGroups.DeleteCallCount()).To(BeZero(), "a destroyed VM stays in its groups")
	})

	It("does not expunge when expunge_vm is false", func() {
		cfg["cloudstack"].(map[string]any)["expunge_vm"] = false
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(calls.all()).To(ContainElement(HavePrefix("destroy " + newVMID + " expunge=false")))
		Expect(calls.all()).NotTo(ContainElement(HavePrefix("destroy " + newVMID + " expunge=true")))
	})

	It("fails on any other destroy error, with CloudStack's text", func() {
		cloud.vms.DestroyReturns(&cloudstack.JobError{Operation: "destroyVirtualMachine", Code: 530, Text: "host unreachable"})
		cloud.vms.DestroyStub = nil
		out := run(newVMID)
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("host unreachable"))
		Expect(cloud.volumes.DeleteCallCount()).To(BeZero())
	})

	It("keeps an affinity group it did not create automatically", func() {
		cloud.affinityGroups.FindReturns(cloudstack.AffinityGroup{ID: affinityID, Name: "anti"}, true, nil)
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(cloud.affinityGroups.DeleteCallCount() + cloud.affinityGroups.DeleteIfEmptyCallCount()).To(BeZero())
	})

	It("keeps the automatic group while other VMs of the instance group are in it", func() {
		cloud.affinityGroups.FindReturns(cloudstack.AffinityGroup{ID: affinityID, Name: "bosh-aa-dir-uuid-my-director-cf-router",
			VMIDs: []string{"99999999-0000-4000-8000-000000000009"}}, true, nil)
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(cloud.affinityGroups.DeleteCallCount() + cloud.affinityGroups.DeleteIfEmptyCallCount()).To(BeZero())
	})

	It("only logs an automatic group it could not delete: the VM is gone all the same", func() {
		cloud.affinityGroups.DeleteStub = nil
		cloud.affinityGroups.DeleteReturns(&cloudstack.JobError{Operation: "deleteAffinityGroup", Code: 530, Text: "group is busy"})
		out := run(newVMID)
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Stderr).To(ContainSubstring("group is busy"))
	})

	It("stops a VM caught on its way somewhere before detaching its disks", func() {
		cloud.vms.GetReturns(vmRow("Starting"), true, nil)
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(calls.all()[:2]).To(Equal([]string{"stop " + newVMID + " forced=true", "detach " + persistentDiskID}))
	})

	It("skips detaching on a VM in Error, which the destroy expunges with its disks detached", func() {
		cloud.vms.GetReturns(vmRow("Error"), true, nil)
		Expect(run(newVMID).Response.Error).To(BeNil())
		Expect(calls.all()).NotTo(ContainElement(HavePrefix("detach")))
		Expect(calls.all()).To(ContainElement("destroy " + newVMID + " expunge=true deleting [" + deployDataDiskID + "]"))
	})

	It("reports a lookup failure as a CloudError", func() {
		cloud.vms.GetReturns(cloudstack.VM{}, false, errors.New("connection refused"))
		out := run(newVMID)
		Expect(out.Response.Error.Type).To(Equal(cpi.TypeCloudError))
		Expect(out.Response.Error.Message).To(ContainSubstring("connection refused"))
	})
})
