package cpi_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("set_vm_metadata", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = writeConfig(GinkgoT().TempDir(), validConfig())
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateRunning), true, nil)
	})

	upserted := func() map[string]string {
		Expect(cloud.tags.UpsertCallCount()).To(Equal(1))
		_, resourceType, id, tags := cloud.tags.UpsertArgsForCall(0)
		Expect(resourceType).To(Equal(cloudstack.ResourceTypeVM))
		Expect(id).To(Equal(opsVMID))
		return tags
	}
	renamedTo := func() string {
		Expect(cloud.vms.SetDisplayNameCallCount()).To(Equal(1))
		_, id, name := cloud.vms.SetDisplayNameArgsForCall(0)
		Expect(id).To(Equal(opsVMID))
		return name
	}

	It("tags a director's VM with every key, upserted, and names it <group>/<uuid>", func() {
		// bosh-director metadata_updater.rb: deployment and instance-group tags, then the forced keys.
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"team":           "platform",
			"director":       "my-director",
			"deployment":     "cf",
			"id":             "0c7f1a2e-uuid",
			"job":            "router",
			"instance_group": "router",
			"index":          "2",
			"name":           "router/0c7f1a2e-uuid",
			"created_at":     "2024-05-01T10:11:12Z",
		}))
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Response.Result).To(BeNil())
		Expect(upserted()).To(Equal(map[string]string{
			"team": "platform", "director": "my-director", "deployment": "cf", "id": "0c7f1a2e-uuid",
			"job": "router", "instance_group": "router", "index": "2", "name": "router/0c7f1a2e-uuid",
			"created_at": "2024-05-01T10:11:12Z",
		}))
		Expect(renamedTo()).To(Equal("router/0c7f1a2e-uuid"))
		Expect(cloud.tags.DeleteCallCount()).To(BeZero(), "tags are upserted, never wiped")
	})

	It("names a create-env VM <job>/<index> when there is no name, and stringifies numbers", func() {
		// bosh-cli deployment/vm/manager.go sends no "name" in older versions; index may come as a number.
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"deployment": "bosh", "job": "bosh", "instance_group": "bosh", "index": 0,
			"director": "bosh-init", "created_at": "2024-05-01T10:11:12Z",
		}))
		Expect(out.Response.Error).To(BeNil())
		Expect(upserted()).To(HaveKeyWithValue("index", "0"))
		Expect(renamedTo()).To(Equal("bosh/0"))
	})

	It("names a compilation VM compiling/<package> when neither name nor job/index are there", func() {
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"director": "d", "deployment": "cf", "compiling": "golang-1.22",
		}))
		Expect(out.Response.Error).To(BeNil())
		Expect(renamedTo()).To(Equal("compiling/golang-1.22"))
	})

	It("prefers name over job/index and compiling, as the AWS and OpenStack CPIs do", func() {
		serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"name": "compilation-1/abc", "job": "compilation-1", "index": 0, "compiling": "ruby",
		}))
		Expect(renamedTo()).To(Equal("compilation-1/abc"))
	})

	It("stringifies numbers and booleans and drops nulls and empty values", func() {
		serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"count": 3, "ratio": 1.5, "enabled": true, "gone": nil, "blank": "",
		}))
		Expect(upserted()).To(Equal(map[string]string{"count": "3", "ratio": "1.5", "enabled": "true"}))
		Expect(cloud.vms.SetDisplayNameCallCount()).To(BeZero(), "no name, job/index or compiling: no rename")
	})

	It("cuts keys to CloudStack's 255 characters and keeps one of two keys that differ only in case", func() {
		long := strings.Repeat("k", 300)
		serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			long: "v", "Team": "a", "team": "b",
		}))
		tags := upserted()
		Expect(tags).To(HaveLen(2))
		Expect(tags).To(HaveKeyWithValue(strings.Repeat("k", 255), "v"))
		Expect(tags).To(HaveKeyWithValue("Team", "a"))
	})

	It("never lets metadata overwrite the CPI's own ownership tags", func() {
		serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"bosh_managed": "false", "Director_UUID": "someone-else", "deployment": "cf",
		}))
		Expect(upserted()).To(Equal(map[string]string{"deployment": "cf"}))
	})

	It("cleans the display name: control characters become spaces, runs shrink, length is capped", func() {
		serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{
			"name": "  web\n\tworker/\x07" + strings.Repeat("é", 300),
		}))
		name := renamedTo()
		Expect(name).To(HavePrefix("web worker/ éé"))
		Expect([]rune(name)).To(HaveLen(255))
	})

	It("does not rename a VM that already carries the display name", func() {
		vm := opsVM(cloudstack.VMStateRunning)
		vm.DisplayName = "router/0c7f"
		cloud.vms.GetReturns(vm, true, nil)
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"name": "router/0c7f"}))
		Expect(out.Response.Error).To(BeNil())
		Expect(cloud.tags.UpsertCallCount()).To(Equal(1))
		Expect(cloud.vms.SetDisplayNameCallCount()).To(BeZero())
	})

	It("calls nothing for empty metadata", func() {
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{}))
		Expect(out.Response.Error).To(BeNil())
		Expect(cloud.tags.UpsertCallCount() + cloud.vms.SetDisplayNameCallCount()).To(BeZero())
	})

	It("tags but does not rename a VM in Error, which CloudStack refuses to update", func() {
		cloud.vms.GetReturns(opsVM(cloudstack.VMStateError), true, nil)
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"name": "router/1"}))
		Expect(out.Response.Error).To(BeNil())
		Expect(cloud.tags.UpsertCallCount()).To(Equal(1))
		Expect(cloud.vms.SetDisplayNameCallCount()).To(BeZero())
	})

	It("tags an older CPI's VM found by name, by the VM's id", func() {
		cloud.vms.FindByNameReturns(opsVM(cloudstack.VMStateRunning), true, nil)
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsLegacyVMCID, map[string]any{"name": "router/1"}))
		Expect(out.Response.Error).To(BeNil())
		Expect(upserted()).To(HaveKeyWithValue("name", "router/1"))
		Expect(renamedTo()).To(Equal("router/1"))
	})

	DescribeTable("a VM that is gone is VMNotFound, and nothing is changed",
		func(cid string, prepare func()) {
			prepare()
			out := serveWith(cloud, configPath, request("set_vm_metadata", cid, map[string]any{"name": "router/1"}))
			expectOpsError(out, cpi.TypeVMNotFound, "VM '"+cid+"' not found")
			Expect(cloud.tags.UpsertCallCount() + cloud.vms.SetDisplayNameCallCount()).To(BeZero())
		},
		Entry("unknown id", opsVMID, func() { cloud.vms.GetReturns(cloudstack.VM{}, false, nil) }),
		Entry("destroyed", opsVMID, func() { cloud.vms.GetReturns(opsVM(cloudstack.VMStateDestroyed), true, nil) }),
		Entry("unknown legacy name", opsLegacyVMCID, func() { cloud.vms.FindByNameReturns(cloudstack.VM{}, false, nil) }),
	)

	It("is VMNotFound when the VM vanishes before it is tagged", func() {
		cloud.tags.UpsertReturns(&cloudstack.JobError{Operation: "createTags", JobID: "j-1", Code: 431,
			Text: "Unable to find resource by id " + opsVMID + " and type UserVm"})
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"name": "router/1"}))
		expectOpsError(out, cpi.TypeVMNotFound, "Unable to find resource by id")
		Expect(cloud.vms.SetDisplayNameCallCount()).To(BeZero())
	})

	It("is VMNotFound when the VM vanishes before it is renamed", func() {
		cloud.vms.SetDisplayNameReturns(&cloudstack.APIError{Command: "updateVirtualMachine", HTTPCode: 431,
			Text: "Invalid parameter id value=" + opsVMID + " due to incorrect long value format, or entity does not exist"})
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"name": "router/1"}))
		expectOpsError(out, cpi.TypeVMNotFound, "entity does not exist")
	})

	It("reports a tagging failure as a CloudError with CloudStack's text", func() {
		cloud.tags.UpsertReturns(&cloudstack.JobError{Operation: "createTags", JobID: "j-2", Code: 530,
			Text: "tag team already on UserVm with id " + opsVMID})
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"team": "a"}))
		expectOpsError(out, cpi.TypeCloudError, "tag team already on UserVm")
		Expect(out.Response.Error.Message).To(ContainSubstring("set_vm_metadata: tagging VM '" + opsVMID + "'"))
	})

	It("reports a rename failure as a CloudError with CloudStack's text", func() {
		cloud.vms.SetDisplayNameReturns(&cloudstack.APIError{Command: "updateVirtualMachine", HTTPCode: 530, Text: "internal error"})
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, map[string]any{"name": "router/1"}))
		expectOpsError(out, cpi.TypeCloudError, "set_vm_metadata: renaming VM '"+opsVMID+"' to 'router/1'")
		Expect(out.Response.Error.Message).To(ContainSubstring("internal error"))
	})

	It("refuses metadata that is not an object as a CpiError", func() {
		out := serveWith(cloud, configPath, request("set_vm_metadata", opsVMID, []any{"a"}))
		expectOpsError(out, cpi.TypeCpiError, "set_vm_metadata: argument 2 (metadata) must be an object, got array")
		Expect(cloud.vms.GetCallCount()).To(BeZero())
	})
})
