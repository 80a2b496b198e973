package cpi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// createdByCall records what one create_vm call made, in the order it made it, so that a failure can
// take all of it away again: BOSH only deletes a VM whose cid it received.
type createdByCall struct {
	env   *Env
	cloud Cloud

	vmID             string
	lostVMName       string   // a deploy whose answer was lost: the VM may exist under this name
	volumeIDs        []string // ephemeral volumes created apart from the deploy (volume mode)
	natIPID          string   // public IP static-NATed to the VM
	lbRuleIDs        []string // rules the VM was assigned to
	affinityGroupIDs []string // groups this call created (not the ones it found)
	registry         *registry.Client
	registryName     string // settings stored under this instance id
}

// undo removes everything recorded, newest first, and returns what it could not remove (each also
// logged), for the error message: an operator must know what to remove by hand.
func (c *createdByCall) undo() []string {
	ctx := context.Background() // the call's own context may be what failed
	log := c.env.Log
	timeout := c.env.Config.CloudStack.Timeout.For("delete_vm")
	var leftovers []string
	keep := func(what string, err error) {
		log.Warn("cpi.CreateVM", "cleanup: could not remove %s: %s", what, err)
		leftovers = append(leftovers, what)
	}

	if c.vmID == "" && c.lostVMName != "" {
		vm, found, err := c.cloud.VMs().FindByName(ctx, c.lostVMName)
		switch {
		case err != nil:
			keep(fmt.Sprintf("VM named %s, if CloudStack made it", c.lostVMName), err)
		case found:
			log.Info("cpi.CreateVM", "cleanup: the failed deploy did make VM %s (%s)", vm.ID, c.lostVMName)
			c.vmID = vm.ID
		}
	}
	for _, ruleID := range c.lbRuleIDs {
		if err := c.cloud.LoadBalancers().Remove(ctx, ruleID, []string{c.vmID}, timeout); err != nil {
			keep(fmt.Sprintf("assignment of VM %s to load balancer rule %s", c.vmID, ruleID), err)
		}
	}
	if c.natIPID != "" {
		if err := c.cloud.PublicIPs().DisableStaticNAT(ctx, c.natIPID, timeout); err != nil {
			keep(fmt.Sprintf("static NAT of public IP %s", c.natIPID), err)
		}
	}
	volumes := slices.Clone(c.volumeIDs)
	if c.vmID != "" {
		dataDisks, listErr, err := c.destroyVM(ctx, timeout)
		if listErr != nil {
			// The expunge detaches them and nothing ties them to this call any more.
			keep("the data disks of VM "+c.vmID+" (listing them failed)", listErr)
		}
		if err != nil {
			keep("VM "+c.vmID, err)
		}
		for _, id := range dataDisks {
			if !slices.Contains(volumes, id) {
				volumes = append(volumes, id)
			}
		}
	}
	for _, id := range volumes {
		if err := c.cloud.Volumes().Delete(ctx, id); err != nil {
			keep("volume "+id, err)
		}
	}
	for _, id := range c.affinityGroupIDs {
		if _, err := c.cloud.AffinityGroups().DeleteIfEmpty(ctx, id, timeout); err != nil {
			keep("affinity group "+id, err)
		}
	}
	if c.registryName != "" {
		if err := c.registry.Delete(ctx, c.registryName); err != nil {
			keep("registry settings of "+c.registryName, err)
		}
	}
	if len(leftovers) == 0 {
		log.Info("cpi.CreateVM", "cleanup: removed everything this create_vm made")
	}
	return leftovers
}

// destroyVM expunges the VM this call deployed and returns its data disks, which all came from this call
// (the deploy's ephemeral disk, or the separate one): CloudStack detaches data disks on expunge, it does
// not delete them. Without the right to expunge, the VM is only destroyed and its disks are detached.
// listErr says the data disks could not be listed, so the caller cannot delete them.
func (c *createdByCall) destroyVM(ctx context.Context, timeout time.Duration) (dataDisks []string, listErr, err error) {
	volumes, listErr := c.cloud.Volumes().ListByVM(ctx, c.vmID, cloudstack.VolumeTypeDataDisk)
	if listErr != nil {
		c.env.Log.Warn("cpi.CreateVM", "cleanup: listing the data disks of VM %s: %s", c.vmID, listErr)
	}
	for _, v := range volumes {
		dataDisks = append(dataDisks, v.ID)
	}
	err = c.cloud.VMs().Destroy(ctx, c.vmID, true, timeout)
	if isExpungeRefused(err) {
		c.env.Log.Warn("cpi.CreateVM", "cleanup: CloudStack refuses to expunge VM %s for this account (%s): destroying it without expunge", c.vmID, err)
		if err = c.cloud.VMs().Destroy(ctx, c.vmID, false, timeout); err == nil {
			for _, id := range dataDisks {
				if _, detachErr := c.cloud.Volumes().Detach(ctx, id, c.env.Config.CloudStack.Timeout.For("detach_volume")); detachErr != nil {
					c.env.Log.Warn("cpi.CreateVM", "cleanup: detaching volume %s from destroyed VM %s: %s", id, c.vmID, detachErr)
				}
			}
		}
	}
	if err != nil {
		return dataDisks, listErr, err
	}
	c.env.Log.Info("cpi.CreateVM", "cleanup: destroyed VM %s", c.vmID)
	return dataDisks, listErr, nil
}

// creationFailed is create_vm's answer to a failure after something was created: VMCreationFailed that
// the director may retry when the cause is passing (no capacity now, a timeout), else a CloudError.
// Either way CloudStack's own text stays in the message, and anything the cleanup left is named.
func creationFailed(cause error, leftovers []string, format string, args ...any) error {
	msg := "create_vm: " + fmt.Sprintf(format, args...)
	if len(leftovers) > 0 {
		msg += fmt.Sprintf(" (cleanup could not remove %s: remove by hand)", strings.Join(leftovers, ", "))
	}
	if cloudstack.IsCapacity(cause) || cloudstack.IsTransient(cause) {
		return NewVMCreationFailed(true, cause, "%s", msg)
	}
	return NewCloudError(cause, "%s", msg)
}
