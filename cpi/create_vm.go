package cpi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// createVM deploys a VM for a BOSH agent and answers its cid (CPI API v1) or [cid, networks] (v2+).
//
//	create_vm(agent_id, stemcell_cid, cloud_properties, networks, disk_cids, env)
//
// It works in three stages. Everything that can be checked without CloudStack is checked first, then
// everything CloudStack can tell without creating anything (zone, template, offering, networks, key
// pair, groups, rules, the size of the user-data), and only then are resources created. A failure in the
// last stage removes what the call created and answers VMCreationFailed (retryable for capacity and
// timeouts) or a CloudError, with CloudStack's text.
func createVM(ctx context.Context, env *Env, args Args) (any, error) {
	req, err := decodeCreateVMRequest(env, args)
	if err != nil {
		return nil, err
	}
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	plan, err := planVM(ctx, env, cloud, req)
	if err != nil {
		return nil, err
	}
	vm, err := plan.create(ctx, env, cloud)
	if err != nil {
		return nil, err
	}
	env.Log.Info("cpi.CreateVM", "VM %s (%s) is %s in zone '%s'", vm.ID, vm.Name, vm.State, plan.placement.zone.Name)
	if env.Call.APIVersion < 2 {
		return vm.ID, nil
	}
	return []any{vm.ID, req.networks.result(vm)}, nil
}

// createVMRequest is create_vm's arguments, decoded and checked on their own.
type createVMRequest struct {
	agentID     string
	stemcellCID string
	props       vmCloudProperties
	networks    *vmNetworks
	env         json.RawMessage // passed to the agent verbatim
	boshEnv     boshEnvInfo
}

func decodeCreateVMRequest(env *Env, args Args) (*createVMRequest, error) {
	req := &createVMRequest{agentID: args.String(0), stemcellCID: args.String(1)}
	if err := args.Decode(2, &req.props); err != nil {
		return nil, err
	}
	if unknown := unknownVMCloudProperties(args.Raw(2)); len(unknown) > 0 {
		env.Log.Info("cpi.CreateVM", "cloud_properties keys this CPI does not use (ignored): %s", strings.Join(unknown, ", "))
	}
	if err := req.props.check(); err != nil {
		return nil, err
	}
	rawNetworks := args.Raw(3)
	if !args.Has(3) {
		rawNetworks = json.RawMessage(`{}`)
	}
	networks, err := planVMNetworks(rawNetworks, req.props.Routes)
	if err != nil {
		return nil, err
	}
	req.networks = networks
	var diskCIDs []string
	if err := args.Decode(4, &diskCIDs); err != nil {
		return nil, err
	}
	if len(diskCIDs) > 0 {
		env.Log.Debug("cpi.CreateVM", "disks %s will be attached later (placement does not depend on them)", strings.Join(diskCIDs, ", "))
	}
	req.env = envObject(args.Raw(5))
	req.boshEnv = readBoshEnv(req.env)
	return req, nil
}

// vmPlan is the VM to create, everything looked up.
type vmPlan struct {
	req         *createVMRequest
	name        string // host name: unique, so a deploy whose answer was lost can be found by it
	displayName string
	placement   vmPlacement
	ephemeral   *ephemeralDisk
	lbs         []lbPlan
	bootstrap   agentBootstrap
}

// planVM asks CloudStack everything create_vm needs to know, creating nothing.
func planVM(ctx context.Context, env *Env, cloud Cloud, req *createVMRequest) (*vmPlan, error) {
	zone, err := placeZone(ctx, env, cloud, req.props)
	if err != nil {
		return nil, err
	}
	p := &vmPlan{req: req, name: newVMName(), displayName: req.boshEnv.Group, placement: vmPlacement{zone: zone}}
	pl := &p.placement
	if err := pl.placeTemplate(ctx, cloud, req.stemcellCID); err != nil {
		return nil, err
	}
	if err := pl.placeOffering(ctx, env, cloud, req.props); err != nil {
		return nil, err
	}
	if err := pl.placeKeyPair(ctx, env, cloud, req.props); err != nil {
		return nil, err
	}
	if err := req.networks.resolve(ctx, cloud, zone); err != nil {
		return nil, err
	}
	if err := pl.placeSecurityGroups(ctx, env, cloud, req.props, req.networks); err != nil {
		return nil, err
	}
	if err := pl.placeAffinity(ctx, env, cloud, req.props, req.boshEnv); err != nil {
		return nil, err
	}
	if p.ephemeral, err = planEphemeralDisk(ctx, env, cloud, req.props, zone); err != nil {
		return nil, err
	}
	if p.lbs, err = planLoadBalancers(ctx, cloud, req.props, zone, req.networks); err != nil {
		return nil, err
	}
	if p.bootstrap, err = prepareAgentBootstrap(env, req, p.name, req.networks, pl.hypervisor, p.ephemeral); err != nil {
		return nil, err
	}
	return p, nil
}

// newVMName is "vm-" and a random UUID: a valid host name, unique without asking CloudStack.
func newVMName() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("vm-%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// deploySpec is the deployVirtualMachine request of the plan.
func (p *vmPlan) deploySpec(affinityGroupIDs []string) cloudstack.DeploySpec {
	pl := p.placement
	spec := cloudstack.DeploySpec{
		Name: p.name, DisplayName: p.displayName, ZoneID: pl.zone.ID,
		ServiceOfferingID: pl.offering.ID, TemplateID: pl.templateID,
		NICs: p.req.networks.nicSpecs(), KeyPair: pl.keyPair,
		AffinityGroupIDs: affinityGroupIDs, SecurityGroupIDs: pl.securityGroupIDs,
		RootDiskSizeGiB: pl.rootDiskGiB, CPUNumber: pl.cpu, CPUSpeedMHz: pl.cpuSpeedMHz, MemoryMiB: pl.ramMiB,
		UserData: p.bootstrap.userData,
	}
	if e := p.ephemeral; e != nil {
		switch e.mode {
		case config.EphemeralDiskDeploy:
			spec.DataDiskOfferingID, spec.DataDiskSizeGiB = e.offering.ID, e.sizeGiB
		case config.EphemeralDiskVolume:
			// Started once the ephemeral volume is attached, so the agent finds it at first boot.
			spec.LeaveStopped = true
		}
	}
	return spec
}
