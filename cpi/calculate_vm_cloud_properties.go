package cpi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// calculateVMCloudProperties turns a manifest's vm_resources into cloud properties create_vm takes as
// they are. The director merges the answer into the instance's cloud_properties (and caches it per
// deploy), so every key here must be one create_vm reads:
//
//	compute_offering         the smallest fixed offering with enough CPUs and memory (fewest CPUs, then
//	                         least memory, then name), else a customized offering, with
//	cpu, ram                 the sizes to ask of the customized offering (raised to its minimum if it has one)
//	ephemeral_disk_size      the requested size in MiB, as given
//	ephemeral_disk_offering  the smallest fixed disk offering that holds it, else a customized one
//
// Offerings are those of the default zone, narrowed by config calculate.{compute,disk}_tags (host and
// storage tags an offering must carry) and not_{compute,disk}_tags (tags it must not carry). Offerings
// are named by name, or by id when two share the name (create_vm could not tell them apart). When no
// offering fits, the answer is a CloudError listing what exists, never the largest offering instead:
// the director would deploy a VM smaller than the manifest asks for.
//
//	calculate_vm_cloud_properties({"cpu": int, "ram": int MiB, "ephemeral_disk_size": int MiB}) -> hash
func calculateVMCloudProperties(ctx context.Context, env *Env, args Args) (any, error) {
	req, err := parseVMResources(args)
	if err != nil {
		return nil, err
	}
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cs := env.Config.CloudStack
	zone, found, err := cloud.Zones().Find(ctx, cs.DefaultZone)
	if err != nil {
		return nil, NewCloudError(err, "calculate_vm_cloud_properties: looking up the default zone '%s'", cs.DefaultZone)
	}
	if !found {
		return nil, NewCloudError(nil, "calculate_vm_cloud_properties: the default zone '%s' does not exist in CloudStack", cs.DefaultZone)
	}

	services, err := cloud.Offerings().ListService(ctx, zone.ID)
	if err != nil {
		return nil, NewCloudError(err, "calculate_vm_cloud_properties: listing the compute offerings of zone '%s'", zone.Name)
	}
	compute, err := chooseCompute(services, req, computeTagFilter(cs.Calculate))
	if err != nil {
		return nil, NewCloudError(nil, "calculate_vm_cloud_properties: in zone '%s', %s", zone.Name, err.Error())
	}
	props := map[string]any{
		"compute_offering":    compute.ref,
		"ephemeral_disk_size": req.EphemeralDiskSize,
	}
	if compute.customized {
		props["cpu"], props["ram"] = compute.cpu, compute.ram
	}
	env.Log.Info("cpi.Calculate", "%d CPU, %d MiB: compute offering '%s' %s", req.CPU, req.RAM, compute.ref, compute.why)

	// Without an ephemeral disk, or with the ephemeral data on the root disk, no disk offering is involved.
	if req.EphemeralDiskSize == 0 || cs.EphemeralDiskMode == config.EphemeralDiskNone {
		return props, nil
	}
	disks, err := cloud.Offerings().ListDisk(ctx, zone.ID)
	if err != nil {
		return nil, NewCloudError(err, "calculate_vm_cloud_properties: listing the disk offerings of zone '%s'", zone.Name)
	}
	disk, err := chooseDisk(disks, req.EphemeralDiskSize, diskTagFilter(cs.Calculate))
	if err != nil {
		return nil, NewCloudError(nil, "calculate_vm_cloud_properties: in zone '%s', %s", zone.Name, err.Error())
	}
	props["ephemeral_disk_offering"] = disk.ref
	env.Log.Info("cpi.Calculate", "%d MiB ephemeral disk: disk offering '%s' %s", req.EphemeralDiskSize, disk.ref, disk.why)
	return props, nil
}

// vmResources is the argument of calculate_vm_cloud_properties (a manifest's vm_resources).
type vmResources struct {
	CPU               int64
	RAM               int64 // MiB
	EphemeralDiskSize int64 // MiB
}

// parseVMResources reads the three keys, each required and whole; a problem is a CpiError naming the key.
func parseVMResources(args Args) (vmResources, error) {
	fail := func(format string, a ...any) (vmResources, error) {
		return vmResources{}, NewCpiError(nil, "calculate_vm_cloud_properties: argument 1 (vm_resources): "+format, a...)
	}
	fields := map[string]json.RawMessage{}
	if err := args.Decode(0, &fields); err != nil {
		return vmResources{}, err
	}
	var out vmResources
	for _, key := range []struct {
		name string
		dst  *int64
		min  int64
	}{{"cpu", &out.CPU, 1}, {"ram", &out.RAM, 1}, {"ephemeral_disk_size", &out.EphemeralDiskSize, 0}} {
		raw, present := fields[key.name]
		if !present || isNull(raw) {
			return fail("%s is missing (vm_resources needs cpu, ram and ephemeral_disk_size)", key.name)
		}
		var n float64
		if checkKind(raw, kindInteger) != nil || json.Unmarshal(raw, &n) != nil || n < float64(key.min) || n > 1<<40 {
			want := "a positive integer"
			if key.min == 0 {
				want = "an integer of at least 0"
			}
			return fail("%s must be %s, got %s", key.name, want, describeRaw(raw))
		}
		*key.dst = int64(n)
	}
	return out, nil
}

// describeRaw shows a bad value as the manifest author wrote it, with its JSON type when that is the problem.
func describeRaw(raw json.RawMessage) string {
	switch t := jsonType(raw); t {
	case "integer", "number":
		return string(raw)
	default:
		return fmt.Sprintf("%s %s", t, truncateUTF16(string(raw), 64))
	}
}
