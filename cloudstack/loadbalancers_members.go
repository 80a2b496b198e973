package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Assigning and removing VMs are all-or-nothing jobs that fail when one VM is
// already assigned (or, for removal, is not). Rather than parse CloudStack's
// texts, a failed job is followed by a look at which VMs still need the
// change: none means done, fewer means the job is run again for those.

func (s *loadBalancerService) Assign(ctx context.Context, ruleID string, vmIDs []string, timeout time.Duration) error {
	vmIDs, err := checkMembershipArgs("assigning VMs to", ruleID, vmIDs)
	if err != nil || len(vmIDs) == 0 {
		return err
	}
	return s.changeMembers(ctx, "assignToLoadBalancerRule", ruleID, vmIDs, timeout, false)
}

func (s *loadBalancerService) Remove(ctx context.Context, ruleID string, vmIDs []string, timeout time.Duration) error {
	vmIDs, err := checkMembershipArgs("removing VMs from", ruleID, vmIDs)
	if err != nil || len(vmIDs) == 0 {
		return err
	}
	return s.changeMembers(ctx, "removeFromLoadBalancerRule", ruleID, vmIDs, timeout, true)
}

// changeMembers runs command for pending VMs until none is left; wantMember
// is the membership the VMs must not have for the change to be still due
// (false for assign, true for remove).
func (s *loadBalancerService) changeMembers(ctx context.Context, command, ruleID string, pending []string, timeout time.Duration, wantMember bool) error {
	for {
		err := s.runMembershipJob(ctx, command, ruleID, pending, timeout)
		if err == nil {
			return nil
		}
		var timeoutErr *TimeoutError
		if errors.As(err, &timeoutErr) || ctx.Err() != nil {
			return err
		}
		var still []string
		for _, vmID := range pending {
			member, lookupErr := s.isMember(ctx, ruleID, vmID)
			if lookupErr != nil {
				return err
			}
			if member == wantMember {
				still = append(still, vmID)
			}
		}
		if len(still) == 0 {
			s.c.opts.Logger.Debug(logTag, "%s: nothing left to do for rule %s (%v)", command, ruleID, err)
			return nil
		}
		if len(still) == len(pending) {
			return err
		}
		pending = still
	}
}

func (s *loadBalancerService) runMembershipJob(ctx context.Context, command, ruleID string, vmIDs []string, timeout time.Duration) error {
	api := s.c.api(ctx)
	// virtualmachineids, never vmidipmap: cloudstack-go v2.19.0 encodes the
	// map with keys CloudStack does not read.
	return s.c.runJob(ctx, command, timeout, func() (string, error) {
		if command == "assignToLoadBalancerRule" {
			p := api.LoadBalancer.NewAssignToLoadBalancerRuleParams(ruleID)
			p.SetVirtualmachineids(vmIDs)
			r, err := api.LoadBalancer.AssignToLoadBalancerRule(p)
			if err != nil {
				return "", err
			}
			return r.JobID, nil
		}
		p := api.LoadBalancer.NewRemoveFromLoadBalancerRuleParams(ruleID)
		p.SetVirtualmachineids(vmIDs)
		r, err := api.LoadBalancer.RemoveFromLoadBalancerRule(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
}

// isMember asks CloudStack for the rule filtered by the VM: an unknown rule
// or VM (431) is no membership.
func (s *loadBalancerService) isMember(ctx context.Context, ruleID, vmID string) (bool, error) {
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListLoadBalancerRulesParams) {
		p.SetId(ruleID)
		p.SetVirtualmachineid(vmID)
	}))
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(rows, func(r LBRule) bool { return r.ID == ruleID }), nil
}

func (s *loadBalancerService) ListForVM(ctx context.Context, vmID string) ([]LBRule, error) {
	if !IsID(vmID) {
		return nil, fmt.Errorf("VM id %q is not a CloudStack uuid", vmID)
	}
	return notFoundIsAbsent(s.list(ctx, func(p *csapi.ListLoadBalancerRulesParams) { p.SetVirtualmachineid(vmID) }))
}

// checkMembershipArgs validates the ids and drops duplicate VM ids, which
// CloudStack would otherwise map twice.
func checkMembershipArgs(action, ruleID string, vmIDs []string) ([]string, error) {
	if !IsID(ruleID) {
		return nil, fmt.Errorf("%s load balancer rule: rule id %q is not a CloudStack uuid", action, ruleID)
	}
	var unique []string
	for _, id := range vmIDs {
		if !IsID(id) {
			return nil, fmt.Errorf("%s load balancer rule %s: VM id %q is not a CloudStack uuid", action, ruleID, id)
		}
		if !slices.Contains(unique, id) {
			unique = append(unique, id)
		}
	}
	return unique, nil
}
