package integration_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// lifecycle is one run of the methods BOSH calls, in the order it calls them, against one target.
type lifecycle struct {
	t        *target
	caller   *boshCaller
	view     cloudView
	registry *boshRegistry
	ledger   *ledger
	stemcell unpackedStemcell

	stemcellCID string
	vms         []*lifecycleVM
	diskCID     string
	diskVM      *lifecycleVM
	// finished is set once the run deleted everything itself; until then the spec's cleanup deletes
	// what it made, so a failed run leaves nothing on a real cloud.
	finished bool
}

// cleanUp registers a deletion for when the spec ends before the lifecycle deleted the resource.
func (l *lifecycle) cleanUp(method string, args ...any) {
	DeferCleanup(func() {
		if !l.finished {
			l.caller.call(method, args...)
		}
	})
}

// registryMode is whether the VMs' agents read their settings from the registry: a stemcell of API
// version 1 with a registry configured (DESIGN.md, "Agent settings").
func (l *lifecycle) registryMode() bool { return l.caller.stemcellAPI < 2 }

// ok runs a method that must succeed and returns its result.
func (l *lifecycle) ok(method string, args ...any) any {
	By(method)
	run := l.caller.call(method, args...)
	Expect(run.Response.Error).To(BeNil(), "%s failed: %s\nstderr: %s", method, run.Stdout, run.Stderr)
	return run.Response.Result
}

// fails runs a method that must fail and returns the error's type.
func (l *lifecycle) fails(method string, args ...any) string {
	By(method + ", which must fail")
	run := l.caller.call(method, args...)
	Expect(run.Response.Error).NotTo(BeNil(), "%s should have failed: %s", method, run.Stdout)
	return run.Response.Error.Type
}

func (l *lifecycle) info() {
	result := l.ok("info")
	Expect(result).To(HaveKeyWithValue("api_version", BeEquivalentTo(3)))
	formats, _ := result.(map[string]any)["stemcell_formats"].([]any)
	Expect(formats).To(ContainElement(BeElementOf(anySlice(l.stemcell.manifest.StemcellFormats))),
		"the CPI takes none of the stemcell's formats %v (the director would refuse the upload)", l.stemcell.manifest.StemcellFormats)
}

func (l *lifecycle) createStemcell() {
	args := []any{l.stemcell.imagePath, l.stemcell.manifest.CloudProperties}
	tags := map[string]any{"project": "lifecycle", "owner": "integration"}
	if l.caller.apiVersionUsed() >= 3 {
		args = append(args, map[string]any{"tags": tags}) // the director's v3 third argument
	}
	cid, ok := l.ok("create_stemcell", args...).(string)
	Expect(ok).To(BeTrue(), "create_stemcell answers the cid as a string")
	l.stemcellCID = cid
	l.ledger.templates = append(l.ledger.templates, cid)
	l.cleanUp("delete_stemcell", cid)

	Expect(l.view.templateExists(cid)).To(BeTrue())
	templateTags := l.view.tags(cloudstack.ResourceTypeTemplate, cid)
	Expect(templateTags).To(HaveKeyWithValue("director_uuid", l.caller.directorUUID))
	if l.caller.apiVersionUsed() >= 3 {
		Expect(templateTags).To(And(HaveKeyWithValue("project", "lifecycle"), HaveKeyWithValue("owner", "integration")))
	} else {
		Expect(templateTags).NotTo(HaveKey("project"), "below API v3 there are no stemcell tags")
	}
}

func (l *lifecycle) createVMs() {
	l.vms = l.t.lifecycleVMs(l.view)
	for i, vm := range l.vms {
		By("create_vm with " + vm.label)
		agentID := fmt.Sprintf("agent-lifecycle-%d", i)
		run := l.caller.call("create_vm", agentID, l.stemcellCID, vm.props, vm.networks, []any{}, integrationEnv)
		Expect(run.Response.Error).To(BeNil(), "create_vm with %s: %s\nstderr: %s", vm.label, run.Stdout, run.Stderr)
		if l.caller.apiVersionUsed() < 2 {
			cid, ok := run.Response.Result.(string)
			Expect(ok).To(BeTrue(), "CPI API v1 create_vm answers the cid: %v", run.Response.Result)
			vm.cid = cid
		} else {
			result, ok := run.Response.Result.([]any)
			Expect(ok).To(BeTrue(), "CPI API v2+ create_vm answers [cid, networks]: %v", run.Response.Result)
			Expect(result).To(HaveLen(2))
			vm.cid, ok = result[0].(string)
			Expect(ok).To(BeTrue())
			Expect(result[1]).To(HaveLen(len(vm.networks)), "every network is answered")
			for name, ip := range vm.manualIPs {
				Expect(result[1]).To(HaveKeyWithValue(name, HaveKeyWithValue("ip", ip)))
			}
		}
		l.ledger.vms = append(l.ledger.vms, vm.cid)
		l.cleanUp("delete_vm", vm.cid)

		created, found := l.view.vm(vm.cid)
		Expect(found).To(BeTrue(), "VM %s", vm.cid)
		Expect(created.State).To(Equal(cloudstack.VMStateRunning))
		Expect(created.NICs).To(HaveLen(countNICs(vm.networks)))
		for _, ip := range vm.manualIPs {
			Expect(created.NICs).To(ContainElement(HaveField("IP", ip)))
		}
		Expect(l.view.tags(cloudstack.ResourceTypeVM, vm.cid)).To(HaveKeyWithValue("director_uuid", l.caller.directorUUID))
		l.expectAgentSettings(created, agentID)
	}
}

// countNICs is how many NICs BOSH's networks make: one per network but the vips.
func countNICs(networks map[string]any) int {
	n := 0
	for _, network := range networks {
		if network.(map[string]any)["type"] != "vip" {
			n++
		}
	}
	return n
}

// expectAgentSettings checks where the agent finds its settings: the registry (user-data says where)
// for a stemcell of API version 1, the user-data itself for newer ones. User-data is read from the
// simulator; a real cloud's API does not give it back.
func (l *lifecycle) expectAgentSettings(vm cloudstack.VM, agentID string) {
	stored := l.registry.settingsOf(vm.Name)
	if l.registryMode() {
		Expect(stored).To(HaveKeyWithValue("agent_id", agentID), "the registry holds the settings under the VM's name %s", vm.Name)
		Expect(stored).To(HaveKeyWithValue("vm", HaveKeyWithValue("name", vm.Name)))
	} else {
		Expect(stored).To(BeNil(), "stemcell API v%d: nothing goes to the registry", l.caller.stemcellAPI)
	}
	if l.t.Sim == nil {
		return
	}
	userData := l.t.agentSettings(vm.ID)
	if l.registryMode() {
		Expect(userData).NotTo(HaveKey("agent_id"), "registry mode: user-data only says where the settings are")
		endpoint := userData["registry"].(map[string]any)["endpoint"].(string)
		Expect(endpoint).To(HavePrefix("http://" + registryUser + ":" + registryPassword + "@127.0.0.1:"))
		Expect(userData).To(HaveKeyWithValue("server", map[string]any{"name": vm.Name}))
	} else {
		Expect(userData).To(HaveKeyWithValue("agent_id", agentID))
		Expect(userData).To(HaveKeyWithValue("vm", map[string]any{"name": vm.Name}))
		Expect(userData).To(HaveKeyWithValue("mbus", "https://mbus:mbus-password@0.0.0.0:6868"))
		Expect(userData).NotTo(HaveKey("registry"))
	}
}

func (l *lifecycle) hasVMs() {
	for _, vm := range l.vms {
		Expect(l.ok("has_vm", vm.cid)).To(BeTrue())
	}
}

// setVMMetadata sends the metadata each caller sends after create_vm: the director's for its
// instances, create-env's for the director VM it deploys.
func (l *lifecycle) setVMMetadata() {
	for i, vm := range l.vms {
		metadata := map[string]any{"director": "lifecycle-director", "deployment": "cf", "job": "router", "instance_group": "router",
			"index": fmt.Sprint(i), "id": fmt.Sprintf("0c7f-%d", i), "name": fmt.Sprintf("router/0c7f-%d", i),
			"created_at": "2024-05-01T10:11:12Z"}
		if l.caller.kind == createEnv {
			metadata = map[string]any{"director": "bosh-init", "deployment": "bosh", "job": "bosh", "instance_group": "bosh",
				"index": "0", "name": fmt.Sprintf("bosh/%d", i), "created_at": "2024-05-01T10:11:12Z"}
		}
		Expect(l.ok("set_vm_metadata", vm.cid, metadata)).To(BeNil())
		tags := l.view.tags(cloudstack.ResourceTypeVM, vm.cid)
		Expect(tags).To(And(HaveKeyWithValue("deployment", metadata["deployment"]), HaveKeyWithValue("index", metadata["index"])))
		current, _ := l.view.vm(vm.cid)
		Expect(current.DisplayName).To(Equal(metadata["name"]))
	}
}

func (l *lifecycle) diskProperties() map[string]any {
	if l.t.Sim != nil {
		return map[string]any{"disk_offering": "custom"}
	}
	return map[string]any{"disk_offering": l.t.DiskOffering}
}

func (l *lifecycle) createDisk() {
	l.diskVM = l.vms[0]
	cid, ok := l.ok("create_disk", 2048, l.diskProperties(), l.diskVM.cid).(string)
	Expect(ok).To(BeTrue(), "create_disk answers the cid as a string")
	l.diskCID = cid
	l.ledger.volumes = append(l.ledger.volumes, cid)
	l.cleanUp("delete_disk", cid)
	l.cleanUp("detach_disk", l.diskVM.cid, cid) // runs first

	volume, found := l.view.volume(cid)
	Expect(found).To(BeTrue())
	Expect(volume.Attached()).To(BeFalse(), "created detached; attach_disk follows")
	vm, _ := l.view.vm(l.diskVM.cid)
	Expect(volume.ZoneID).To(Equal(vm.ZoneID), "created in the zone of the VM it is for")
	Expect(l.view.tags(cloudstack.ResourceTypeVolume, cid)).To(HaveKeyWithValue("director_uuid", l.caller.directorUUID))
}

// attachDisk attaches the disk and checks the hint where the agent will look for it.
func (l *lifecycle) attachDisk() {
	hint := l.ok("attach_disk", l.diskVM.cid, l.diskCID)
	volume, found := l.view.volume(l.diskCID)
	Expect(found).To(BeTrue())
	Expect(volume.VMID).To(Equal(l.diskVM.cid))
	vm, _ := l.view.vm(l.diskVM.cid)
	expected := expectedHint(volume, vm)
	if l.caller.apiVersionUsed() >= 2 {
		Expect(hint).To(Equal(expected), "CPI API v2+ answers the disk hint")
	} else {
		Expect(hint).To(BeNil(), "CPI API v1 answers nothing")
	}
	settings := l.registry.settingsOf(vm.Name)
	if l.registryMode() {
		Expect(settings).To(HaveKeyWithValue("disks", HaveKeyWithValue("persistent", HaveKeyWithValue(l.diskCID, expected))),
			"the registry tells the old agent where the disk is")
	} else {
		Expect(settings).To(BeNil())
	}
}

// expectedHint is the hint for the volume's device: /dev/xvdX on XenServer, /dev/vdX on KVM, /dev/sdX
// on VMware, with the device id as volume_id.
func expectedHint(volume cloudstack.Volume, vm cloudstack.VM) map[string]any {
	prefix := map[string]string{"XenServer": "/dev/xvd", "KVM": "/dev/vd"}[vm.Hypervisor]
	if prefix == "" {
		prefix = "/dev/sd"
	}
	return map[string]any{"path": prefix + string(rune('a'+volume.DeviceID)), "volume_id": fmt.Sprint(volume.DeviceID)}
}

func (l *lifecycle) inspectDisk() {
	Expect(l.ok("get_disks", l.diskVM.cid)).To(Equal([]any{l.diskCID}))
	for _, vm := range l.vms[1:] {
		Expect(l.ok("get_disks", vm.cid)).To(Equal([]any{}), "the ephemeral and root disks are not BOSH's persistent disks")
	}
	Expect(l.ok("has_disk", l.diskCID)).To(BeTrue())
	metadata := map[string]any{"director": "lifecycle-director", "deployment": "cf", "instance_id": "0c7f-0",
		"instance_index": "0", "instance_group": "router", "attached_at": "2024-05-01T10:11:12Z"}
	Expect(l.ok("set_disk_metadata", l.diskCID, metadata)).To(BeNil())
	Expect(l.view.tags(cloudstack.ResourceTypeVolume, l.diskCID)).To(
		And(HaveKeyWithValue("instance_group", "router"), HaveKeyWithValue("director_uuid", l.caller.directorUUID)))
}

func (l *lifecycle) snapshotDisk() {
	metadata := map[string]any{"deployment": "cf", "job": "router", "index": 0, "director_name": "lifecycle-director",
		"director_uuid": l.caller.directorUUID, "agent_id": "agent-lifecycle-0", "instance_id": "0c7f-0"}
	cid, ok := l.ok("snapshot_disk", l.diskCID, metadata).(string)
	Expect(ok).To(BeTrue(), "snapshot_disk answers the cid as a string")
	l.ledger.snapshots = append(l.ledger.snapshots, cid)
	Expect(l.view.snapshotExists(cid)).To(BeTrue())
	Expect(l.view.tags(cloudstack.ResourceTypeSnapshot, cid)).To(HaveKeyWithValue("deployment", "cf"))

	Expect(l.ok("delete_snapshot", cid)).To(BeNil())
	Expect(l.view.snapshotExists(cid)).To(BeFalse())
	Expect(l.ok("delete_snapshot", cid)).To(BeNil(), "a snapshot already gone deletes again")
}

// detachResizeReattach is what the director does to grow a persistent disk in place: detach, resize
// the detached disk, attach it again.
func (l *lifecycle) detachResizeReattach() {
	Expect(l.ok("detach_disk", l.diskVM.cid, l.diskCID)).To(BeNil())
	volume, _ := l.view.volume(l.diskCID)
	Expect(volume.Attached()).To(BeFalse())
	vm, _ := l.view.vm(l.diskVM.cid)
	if l.registryMode() {
		Expect(l.registry.settingsOf(vm.Name)).To(HaveKeyWithValue("disks", HaveKeyWithValue("persistent", BeEmpty())),
			"detach_disk takes the hint out of the registry")
	}
	Expect(l.ok("get_disks", l.diskVM.cid)).To(Equal([]any{}))
	Expect(l.fails("detach_disk", l.diskVM.cid, l.diskCID)).To(Equal("Bosh::Clouds::DiskNotAttached"))

	By("resize_disk")
	run := l.caller.call("resize_disk", l.diskCID, 4096)
	if run.Response.Error != nil {
		// The director copies the disk instead; only a fixed-size offering of a real cloud gets here.
		Expect(l.t.Sim).To(BeNil(), "resize_disk of a disk of the custom offering: %s", run.Stdout)
		Expect(run.Response.Error.Type).To(Equal("Bosh::Clouds::NotSupported"), run.Stdout)
	} else {
		volume, _ = l.view.volume(l.diskCID)
		Expect(volume.SizeBytes).To(Equal(int64(4) << 30))
	}

	l.attachDisk()
	again := l.ok("attach_disk", l.diskVM.cid, l.diskCID)
	if l.caller.apiVersionUsed() >= 2 {
		volume, _ := l.view.volume(l.diskCID)
		Expect(again).To(Equal(expectedHint(volume, vm)), "attaching again answers the same hint")
	}
	Expect(l.ok("get_disks", l.diskVM.cid)).To(Equal([]any{l.diskCID}))
}

func (l *lifecycle) rebootVM() {
	Expect(l.ok("reboot_vm", l.diskVM.cid)).To(BeNil())
	vm, found := l.view.vm(l.diskVM.cid)
	Expect(found).To(BeTrue())
	Expect(vm.State).To(Equal(cloudstack.VMStateRunning))
}

// deleteVMs deletes the VMs, the first with its persistent disk still attached: delete_vm must detach
// it and leave it for BOSH.
func (l *lifecycle) deleteVMs() {
	for _, vm := range l.vms {
		current, _ := l.view.vm(vm.cid)
		Expect(l.ok("delete_vm", vm.cid)).To(BeNil())
		Expect(l.ok("has_vm", vm.cid)).To(BeFalse())
		Expect(l.ok("delete_vm", vm.cid)).To(BeNil(), "a VM already gone deletes again")
		Expect(l.registry.settingsOf(current.Name)).To(BeNil(), "no settings are left in the registry")
	}
	volume, found := l.view.volume(l.diskCID)
	Expect(found).To(BeTrue(), "delete_vm never deletes a persistent disk")
	Expect(volume.Attached()).To(BeFalse())
	Expect(l.ok("has_disk", l.diskCID)).To(BeTrue())
}

func (l *lifecycle) deleteDisk() {
	Expect(l.ok("delete_disk", l.diskCID)).To(BeNil())
	Expect(l.ok("has_disk", l.diskCID)).To(BeFalse())
	Expect(l.ok("delete_disk", l.diskCID)).To(BeNil(), "a disk already gone deletes again")
}

func (l *lifecycle) deleteStemcell() {
	Expect(l.ok("delete_stemcell", l.stemcellCID)).To(BeNil())
	Expect(l.view.templateExists(l.stemcellCID)).To(BeFalse())
	Expect(l.ok("delete_stemcell", l.stemcellCID)).To(BeNil(), "a stemcell already gone deletes again")
}

func anySlice(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// describeAPIs names a combination of versions for spec texts.
func describeAPIs(kind callerKind, cpiAPI, stemcellAPI int) string {
	parts := []string{kind.String(), fmt.Sprintf("CPI API v%d", cpiAPI), fmt.Sprintf("stemcell API v%d", stemcellAPI)}
	if stemcellAPI < 2 {
		parts = append(parts, "registry")
	}
	return strings.Join(parts, ", ")
}
