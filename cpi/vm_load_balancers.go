package cpi

import (
	"context"
	"fmt"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// lbPlan is a load balancer rule the VM joins: an existing rule, or one to create first.
type lbPlan struct {
	index  int
	prop   lbProperty
	rule   cloudstack.LBRule  // existing rule (ID set) ...
	create *cloudstack.LBSpec // ... or the rule to create
}

// planLoadBalancers finds every rule cloud_properties.lbs names, in the VM's zone. A missing rule is
// created at create time if the entry says where (public_ip, public_port, private_port); otherwise it is
// bad input. A rule must balance to a network the VM has a NIC in.
func planLoadBalancers(ctx context.Context, cloud Cloud, props vmCloudProperties, zone cloudstack.Zone, nets *vmNetworks) ([]lbPlan, error) {
	var plans []lbPlan
	for i, lb := range props.LBs {
		key := fmt.Sprintf("cloud_properties.lbs[%d]", i)
		rule, found, err := cloud.LoadBalancers().FindByName(ctx, lb.Name, zone.ID)
		if err != nil {
			return nil, NewCloudError(err, "create_vm: looking up load balancer rule '%s' (%s)", lb.Name, key)
		}
		plan := lbPlan{index: i, prop: lb}
		networkID := ""
		switch {
		case found:
			plan.rule = rule
			networkID = rule.NetworkID
		case lb.PublicIP == "":
			return nil, NewCloudError(nil, "create_vm: load balancer rule '%s' (%s.name) does not exist in zone '%s': create it, "+
				"or give public_ip, public_port and private_port to have the CPI create it", lb.Name, key, zone.Name)
		default:
			ip, ipFound, err := cloud.PublicIPs().FindByAddress(ctx, lb.PublicIP, zone.ID)
			if err != nil {
				return nil, NewCloudError(err, "create_vm: looking up public IP %s (%s.public_ip)", lb.PublicIP, key)
			}
			if !ipFound {
				return nil, NewCloudError(nil, "create_vm: public IP %s (%s.public_ip) is not allocated to the account in zone '%s'", lb.PublicIP, key, zone.Name)
			}
			plan.create = &cloudstack.LBSpec{
				Name: lb.Name, Algorithm: firstNonEmptyString(lb.Algorithm, defaultLBAlgorithm), PublicIPID: ip.ID,
				PublicPort: lb.PublicPort, PrivatePort: lb.PrivatePort, Protocol: lb.Protocol, OpenFirewall: lb.OpenFirewall,
				Description: "created by the BOSH CloudStack CPI",
			}
			networkID = ip.NetworkID
		}
		if networkID != "" && !nets.hasNICOn(networkID) {
			return nil, NewCloudError(nil, "create_vm: load balancer rule '%s' (%s) balances to CloudStack network %s, in which the VM has no NIC", lb.Name, key, networkID)
		}
		plans = append(plans, plan)
	}
	return plans, nil
}
