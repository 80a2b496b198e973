package cpi

import "context"

// methods is the full method table of the CPI API (v1-v3). Every method declares its parameters here, so
// argument checking is the same for all of them, including those whose capability has not landed yet:
// those answer NotImplemented, which the director understands, instead of failing in an unknown way.
var methods = map[string]method{
	"info": {run: info},

	"create_stemcell": {params: []param{{name: "image_path", kind: kindString}, {name: "cloud_properties", kind: kindObject},
		{name: "options", kind: kindOptionalObject, optional: true}}, run: createStemcell},
	"delete_stemcell": {params: []param{{name: "stemcell_cid", kind: kindCID}}, run: deleteStemcell},

	"create_vm": {params: []param{{name: "agent_id", kind: kindString}, {name: "stemcell_cid", kind: kindCID},
		{name: "cloud_properties", kind: kindObject}, {name: "networks", kind: kindObject},
		{name: "disk_cids", kind: kindArray}, {name: "env", kind: kindOptionalObject}}, run: createVM},
	"delete_vm":                     {params: []param{{name: "vm_cid", kind: kindCID}}, run: deleteVM},
	"has_vm":                        {params: []param{{name: "vm_cid", kind: kindCID}}, run: hasVM},
	"reboot_vm":                     {params: []param{{name: "vm_cid", kind: kindCID}}, run: rebootVM},
	"set_vm_metadata":               {params: []param{{name: "vm_cid", kind: kindCID}, {name: "metadata", kind: kindObject}}, run: setVMMetadata},
	"calculate_vm_cloud_properties": {params: []param{{name: "vm_resources", kind: kindObject}}, run: calculateVMCloudProperties},

	"create_disk": {params: []param{{name: "size", kind: kindInteger}, {name: "cloud_properties", kind: kindObject},
		{name: "vm_cid", kind: kindOptionalCID}}, run: createDisk},
	"delete_disk": {params: []param{{name: "disk_cid", kind: kindCID}}, run: deleteDisk},
	"has_disk":    {params: []param{{name: "disk_cid", kind: kindCID}}, run: hasDisk},
	"attach_disk": {params: []param{{name: "vm_cid", kind: kindCID}, {name: "disk_cid", kind: kindCID}}, run: attachDisk},
	"detach_disk": {params: []param{{name: "vm_cid", kind: kindCID}, {name: "disk_cid", kind: kindCID}}, run: detachDisk},
	"get_disks":   {params: []param{{name: "vm_cid", kind: kindCID}}, run: getDisks},
	"resize_disk": {params: []param{{name: "disk_cid", kind: kindCID}, {name: "new_size", kind: kindInteger}}, run: resizeDisk},
	"update_disk": {params: []param{{name: "disk_cid", kind: kindCID}, {name: "new_size", kind: kindInteger},
		{name: "cloud_properties", kind: kindObject}}, run: updateDisk},
	"set_disk_metadata": {params: []param{{name: "disk_cid", kind: kindCID}, {name: "metadata", kind: kindObject}}, run: setDiskMetadata},

	"snapshot_disk":   {params: []param{{name: "disk_cid", kind: kindCID}, {name: "metadata", kind: kindObject}}, run: snapshotDisk},
	"delete_snapshot": {params: []param{{name: "snapshot_cid", kind: kindCID}}, run: deleteSnapshot},

	// Managed networks and current_vm_id have no CloudStack counterpart this CPI offers; the director
	// handles NotImplemented for them.
	"create_network": {params: []param{{name: "network_definition", kind: kindObject}}, run: notYet},
	"delete_network": {params: []param{{name: "network_cid", kind: kindCID}}, run: notYet},
	"current_vm_id":  {run: notYet},
}

// notYet answers for a method whose capability has not been built yet.
func notYet(_ context.Context, env *Env, _ Args) (any, error) {
	return nil, NewNotImplemented("%s is not implemented by this version of the CloudStack CPI", env.Call.Method)
}
