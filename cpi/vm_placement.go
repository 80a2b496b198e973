package cpi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// vmPlacement is where and how the VM runs, all looked up before anything is created.
type vmPlacement struct {
	zone          cloudstack.Zone
	templateID    string
	hypervisor    string // the template's, for the disk hints
	templateReady bool   // ready in the zone; otherwise copied there on demand
	offering      cloudstack.ServiceOffering
	cpu, ramMiB   int // customized offerings only
	cpuSpeedMHz   int
	rootDiskGiB   int64
	keyPair       string
	// securityGroupIDs are only set in zones with security groups.
	securityGroupIDs []string
	affinity         []affinityGroupPlan
}

// affinityGroupPlan is an affinity group the VM joins: one that exists, or one to find or create.
type affinityGroupPlan struct {
	name      string
	groupType string
	key       string                    // where it was asked for, for messages
	existing  *cloudstack.AffinityGroup // nil: found or created at create time (race-safe)
}

// defaultAffinityGroupType is CloudStack's usual anti-affinity type, as the older CPI defaulted.
const defaultAffinityGroupType = "host anti-affinity"

// autoAffinityPrefix starts the names of the groups made by enable_auto_anti_affinity; delete_vm deletes
// such a group (of its own director) once it is empty.
const autoAffinityPrefix = "bosh-aa-"

// maxAffinityGroupName is CloudStack's affinity_group.name column size.
const maxAffinityGroupName = 255

func placeZone(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties) (cloudstack.Zone, error) {
	ref, key := props.Zone, "cloud_properties.zone"
	if ref == "" {
		ref, key = env.Config.CloudStack.DefaultZone, "cloudstack.default_zone"
	}
	zone, found, err := cloud.Zones().Find(ctx, ref)
	if err != nil {
		return zone, NewCloudError(err, "create_vm: looking up zone '%s' (%s)", ref, key)
	}
	if !found {
		return zone, NewCloudError(nil, "create_vm: zone '%s' (%s) does not exist in CloudStack", ref, key)
	}
	return zone, nil
}

// placeTemplate finds the stemcell's template, by id or, for an older CPI's stemcell, by name.
func (p *vmPlacement) placeTemplate(ctx context.Context, cloud Cloud, stemcellCID string) error {
	id := stemcellCID
	if !cloudstack.IsID(stemcellCID) {
		tpl, found, err := cloud.Templates().FindByName(ctx, stemcellCID, "")
		if err != nil {
			return NewCloudError(err, "create_vm: looking up stemcell '%s'", stemcellCID)
		}
		if !found {
			return NewCloudError(nil, "create_vm: stemcell '%s' does not exist: CloudStack has no template of that name", stemcellCID)
		}
		id = tpl.ID
	}
	rows, err := cloud.Templates().ListInZones(ctx, id)
	if err != nil {
		return NewCloudError(err, "create_vm: looking up stemcell '%s'", stemcellCID)
	}
	if len(rows) == 0 {
		return NewCloudError(nil, "create_vm: stemcell '%s' does not exist: CloudStack has no template with that id", stemcellCID)
	}
	p.templateID = id
	for _, row := range rows {
		if p.hypervisor == "" {
			p.hypervisor = row.Hypervisor
		}
		if row.ZoneID == p.zone.ID {
			p.templateReady = row.IsReady
			p.hypervisor = firstNonEmptyString(row.Hypervisor, p.hypervisor)
		}
	}
	return nil
}

// placeOffering finds the compute offering and checks the custom sizes a customized one needs.
func (p *vmPlacement) placeOffering(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties) error {
	ref := props.ComputeOffering
	offering, found, err := cloud.Offerings().FindService(ctx, ref, p.zone.ID)
	if err != nil {
		return NewCloudError(err, "create_vm: looking up compute offering '%s' (cloud_properties.compute_offering)", ref)
	}
	if !found {
		return NewCloudError(nil, "create_vm: compute offering '%s' (cloud_properties.compute_offering) does not exist in zone '%s'", ref, p.zone.Name)
	}
	p.offering = offering
	if props.RootDiskSize > 0 {
		p.rootDiskGiB = mibToGiB(props.RootDiskSize)
	}
	if !offering.IsCustomized {
		if props.CPU > 0 || props.RAM > 0 || props.CPUSpeed > 0 {
			env.Log.Info("cpi.CreateVM", "compute offering '%s' has fixed sizes: cloud_properties cpu, ram and cpu_speed are ignored", offering.Name)
		}
		return nil
	}
	var missing []string
	if props.CPU == 0 {
		missing = append(missing, "cpu")
	}
	if props.RAM == 0 {
		missing = append(missing, "ram (MiB)")
	}
	if offering.CPUSpeed == 0 && props.CPUSpeed == 0 {
		missing = append(missing, "cpu_speed (MHz)")
	}
	if len(missing) > 0 {
		return NewCloudError(nil, "create_vm: compute offering '%s' is customized: cloud_properties must give %s", offering.Name, strings.Join(missing, ", "))
	}
	p.cpu, p.ramMiB = props.CPU, props.RAM
	if offering.CPUSpeed == 0 {
		p.cpuSpeedMHz = props.CPUSpeed
	} else if props.CPUSpeed > 0 {
		// CloudStack refuses a speed for an offering that fixes it.
		env.Log.Info("cpi.CreateVM", "compute offering '%s' fixes the CPU speed at %d MHz: cloud_properties.cpu_speed is ignored", offering.Name, offering.CPUSpeed)
	}
	return nil
}

func (p *vmPlacement) placeKeyPair(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties) error {
	ref, key := props.KeyName, "cloud_properties.key_name"
	if ref == "" {
		ref, key = env.Config.CloudStack.DefaultKeyName, "cloudstack.default_key_name"
	}
	if ref == "" {
		return nil
	}
	pair, found, err := cloud.SSHKeyPairs().Find(ctx, ref)
	if err != nil {
		return NewCloudError(err, "create_vm: looking up SSH key pair '%s' (%s)", ref, key)
	}
	if !found {
		return NewCloudError(nil, "create_vm: SSH key pair '%s' (%s) does not exist in CloudStack", ref, key)
	}
	p.keyPair = firstNonEmptyString(pair.Name, ref)
	return nil
}

// placeSecurityGroups resolves the VM's and its networks' security groups, in zones that have them.
func (p *vmPlacement) placeSecurityGroups(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties, nets *vmNetworks) error {
	type asked struct{ name, key string }
	var names []asked
	seen := map[string]bool{}
	add := func(name, key string) {
		if name = strings.TrimSpace(name); name != "" && !seen[name] {
			seen[name] = true
			names = append(names, asked{name, key})
		}
	}
	for _, name := range props.SecurityGroups {
		add(name, "cloud_properties.security_groups")
	}
	for _, nic := range nets.nics {
		for _, name := range nic.securityGroups {
			add(name, "networks."+nic.boshName+".cloud_properties.security_groups")
		}
	}
	if !p.zone.SecurityGroupsEnabled && !nets.securityGroupsEnabled() {
		if len(names) > 0 {
			env.Log.Info("cpi.CreateVM", "zone '%s' has no security groups: security_groups ignored", p.zone.Name)
		}
		return nil
	}
	for _, a := range names {
		group, found, err := cloud.SecurityGroups().Find(ctx, a.name)
		if err != nil {
			return NewCloudError(err, "create_vm: looking up security group '%s' (%s)", a.name, a.key)
		}
		if !found {
			return NewCloudError(nil, "create_vm: security group '%s' (%s) does not exist in CloudStack", a.name, a.key)
		}
		p.securityGroupIDs = append(p.securityGroupIDs, group.ID)
	}
	return nil
}

// placeAffinity plans the affinity groups: cloud_properties.affinity_group (an existing group, or one
// of affinity_group_type to create), and the instance group's automatic anti-affinity group.
func (p *vmPlacement) placeAffinity(ctx context.Context, env *Env, cloud Cloud, props vmCloudProperties, boshEnv boshEnvInfo) error {
	if name := strings.TrimSpace(props.AffinityGroup); name != "" {
		plan := affinityGroupPlan{name: name, groupType: firstNonEmptyString(props.AffinityGroupType, defaultAffinityGroupType), key: "cloud_properties.affinity_group"}
		group, found, err := cloud.AffinityGroups().Find(ctx, name)
		if err != nil {
			return NewCloudError(err, "create_vm: looking up affinity group '%s' (cloud_properties.affinity_group)", name)
		}
		switch {
		case found && props.AffinityGroupType != "" && !strings.EqualFold(group.Type, props.AffinityGroupType):
			return NewCloudError(nil, "create_vm: affinity group '%s' (cloud_properties.affinity_group) exists with type '%s', not '%s' (cloud_properties.affinity_group_type)",
				name, group.Type, props.AffinityGroupType)
		case found:
			plan.existing = &group
		default:
			types, err := cloud.AffinityGroups().ListTypes(ctx)
			if err != nil {
				return NewCloudError(err, "create_vm: listing affinity group types")
			}
			if !containsFold(types, plan.groupType) {
				return NewCloudError(nil, "create_vm: cloud_properties.affinity_group_type '%s' is not an affinity group type of this CloudStack (it has: %s)",
					plan.groupType, strings.Join(types, ", "))
			}
		}
		p.affinity = append(p.affinity, plan)
	}
	cs := env.Config.CloudStack
	if cs.EnableAutoAntiAffinity {
		if boshEnv.Group == "" {
			env.Log.Info("cpi.CreateVM", "enable_auto_anti_affinity: env.bosh.group is not given, so the VM joins no automatic anti-affinity group")
			return nil
		}
		p.affinity = append(p.affinity, affinityGroupPlan{
			name:      autoAffinityGroupName(env.Call.DirectorUUID, boshEnv.Group),
			groupType: firstNonEmptyString(cs.AutoAntiAffinityType, defaultAffinityGroupType),
			key:       "cloudstack.enable_auto_anti_affinity",
		})
	}
	return nil
}

// autoAffinityGroupName is the instance group's anti-affinity group: one per director and env.bosh.group
// ("<director>-<deployment>-<instance group>"). A name over CloudStack's limit keeps a hash of its end.
func autoAffinityGroupName(directorUUID, group string) string {
	name := autoAffinityPrefix + directorUUID + "-" + group
	if len(name) <= maxAffinityGroupName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:6])
	return name[:maxAffinityGroupName-len(suffix)] + suffix
}

// isAutoAffinityGroup reports a group made by enable_auto_anti_affinity for this director.
func isAutoAffinityGroup(name, directorUUID string) bool {
	return strings.HasPrefix(name, autoAffinityPrefix+directorUUID+"-")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
