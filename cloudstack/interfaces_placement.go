package cloudstack

import (
	"context"
	"time"
)

// The interfaces create_vm needs to place a VM and wire it to the outside:
// affinity groups, security groups, SSH key pairs, public IPs (static NAT for
// a vip network) and load balancer rules. Same rules as interfaces.go: our own
// structs, "not found" as (x, false, nil), exact name matching, paging.

//counterfeiter:generate . AffinityGroups
type AffinityGroups interface {
	Find(ctx context.Context, nameOrID string) (AffinityGroup, bool, error)
	// Create makes a group of that name unless one exists, and is safe to
	// run from many processes at once: whoever loses the race gets the
	// winner's group with created false, and a duplicate that slipped through
	// is deleted again by its creator. An existing group is returned as it is,
	// whatever its type: compare Type to notice a mismatch.
	Create(ctx context.Context, name, groupType, description string, timeout time.Duration) (group AffinityGroup, created bool, err error)
	// Delete removes the group (its memberships go with it); a group that is
	// already gone counts as deleted.
	Delete(ctx context.Context, id string, timeout time.Duration) error
	// DeleteIfEmpty deletes the group only if it has no member VMs when
	// looked at just before; deleted tells whether it did. A missing group is
	// (false, nil).
	DeleteIfEmpty(ctx context.Context, id string, timeout time.Duration) (deleted bool, err error)
	// ListTypes returns the types the caller may create, e.g. "host anti-affinity".
	ListTypes(ctx context.Context) ([]string, error)
}

//counterfeiter:generate . SecurityGroups
type SecurityGroups interface {
	Find(ctx context.Context, nameOrID string) (SecurityGroup, bool, error)
}

//counterfeiter:generate . SSHKeyPairs
type SSHKeyPairs interface {
	// Find matches the key pair's name exactly (a uuid is looked up by id).
	Find(ctx context.Context, name string) (SSHKeyPair, bool, error)
}

//counterfeiter:generate . PublicIPs
type PublicIPs interface {
	// FindByAddress finds an address allocated to the account; zoneID ""
	// means any zone. A free (unallocated) address is not found.
	FindByAddress(ctx context.Context, address, zoneID string) (PublicIP, bool, error)
	Get(ctx context.Context, id string) (PublicIP, bool, error)
	// FindStaticNATOfVM returns the addresses static-NATed to the VM.
	FindStaticNATOfVM(ctx context.Context, vmID string) ([]PublicIP, error)
	// EnableStaticNAT maps the address to the VM (networkID may be "": the
	// address's own network). Enabling what is already in place succeeds.
	EnableStaticNAT(ctx context.Context, ipID, vmID, networkID string) error
	// DisableStaticNAT succeeds as well when the address is not NATed or gone.
	DisableStaticNAT(ctx context.Context, ipID string, timeout time.Duration) error
}

//counterfeiter:generate . LoadBalancers
type LoadBalancers interface {
	// FindByName matches the rule's name exactly (a uuid is looked up by
	// id); zoneID "" means any zone. Rule names are not unique in
	// CloudStack: two matches are an *AmbiguousError.
	FindByName(ctx context.Context, name, zoneID string) (LBRule, bool, error)
	// Create makes a rule. CloudStack refuses a second rule for the same
	// public IP and port, so when concurrent callers create the same rule the
	// losers get the winner's rule (same name, address and public port) with
	// created false.
	Create(ctx context.Context, spec LBSpec, timeout time.Duration) (rule LBRule, created bool, err error)
	// Delete removes the rule and its assignments; a rule already gone
	// counts as deleted.
	Delete(ctx context.Context, id string, timeout time.Duration) error
	// Assign adds the VMs to the rule; VMs already assigned are fine.
	Assign(ctx context.Context, ruleID string, vmIDs []string, timeout time.Duration) error
	// Remove takes the VMs off the rule; VMs not assigned (or gone, or a rule
	// that is gone) are fine.
	Remove(ctx context.Context, ruleID string, vmIDs []string, timeout time.Duration) error
	// ListForVM returns the rules the VM is assigned to; an unknown VM has none.
	ListForVM(ctx context.Context, vmID string) ([]LBRule, error)
}

var (
	_ AffinityGroups = (*affinityService)(nil)
	_ SecurityGroups = (*securityGroupService)(nil)
	_ SSHKeyPairs    = (*sshKeyPairService)(nil)
	_ PublicIPs      = (*publicIPService)(nil)
	_ LoadBalancers  = (*loadBalancerService)(nil)
)
