package cpi

import (
	"context"
	"errors"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// joinAffinityGroups gives the ids of the plan's affinity groups, finding or creating, race-safe, those
// the plan did not find (the automatic anti-affinity group always). Groups this call created are
// recorded in made, for the cleanup. On failure it names the group it could not get.
func (p *vmPlan) joinAffinityGroups(ctx context.Context, env *Env, cloud Cloud, made *createdByCall, timeout time.Duration) ([]string, affinityGroupPlan, error) {
	var ids []string
	for _, a := range p.placement.affinity {
		if a.existing != nil {
			ids = append(ids, a.existing.ID)
			continue
		}
		group, created, err := cloud.AffinityGroups().Create(ctx, a.name, a.groupType, "BOSH: VMs of "+a.name, timeout)
		if err != nil {
			return nil, a, err
		}
		if created {
			made.affinityGroupIDs = append(made.affinityGroupIDs, group.ID)
			env.Log.Info("cpi.CreateVM", "created affinity group '%s' (%s) of type '%s'", a.name, group.ID, a.groupType)
		} else if group.Type != "" && group.Type != a.groupType {
			env.Log.Warn("cpi.CreateVM", "affinity group '%s' already exists with type '%s', not '%s': using it as it is", a.name, group.Type, a.groupType)
		}
		ids = append(ids, group.ID)
	}
	return ids, affinityGroupPlan{}, nil
}

// affinityGroupVanished tells whether CloudStack refused the deploy because one of the groups it was
// given, found or made by this call, has been deleted since. The director runs create_vm and delete_vm
// of one instance group side by side, and the delete_vm of the group's last VM deletes the group: a
// create_vm that looked the group up just before must not fail for that. Only a refusal counts (the
// deploy then made nothing); the look only costs calls on that path.
func (p *vmPlan) affinityGroupVanished(ctx context.Context, env *Env, cloud Cloud, deployErr error, ids []string) bool {
	var refused *cloudstack.APIError
	if !errors.As(deployErr, &refused) {
		return false
	}
	for i, a := range p.placement.affinity {
		if a.existing != nil || i >= len(ids) {
			continue
		}
		if _, found, err := cloud.AffinityGroups().Find(ctx, ids[i]); err == nil && !found {
			env.Log.Info("cpi.CreateVM", "affinity group '%s' (%s) was deleted while VM %s was deployed into it (%s): getting it again",
				a.name, ids[i], p.name, refused.Text)
			return true
		}
	}
	return false
}
