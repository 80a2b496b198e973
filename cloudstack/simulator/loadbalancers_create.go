package simulator

import (
	"fmt"
	"strings"
)

// requiredInt is Required plus Int.
func requiredInt(c *Call, name string) int {
	if c.Required(name) == "" {
		return 0
	}
	n, _ := c.Int(name)
	return int(n)
}

// createLoadBalancerRule checks and creates the rule in its create() phase, so refusals are
// synchronous. That phase wraps what it catches in a ServerApiException: 431, 533 and 537
// there carry cserrorcode 9999.
func createLoadBalancerRule(c *Call) (*Job, error) {
	name := c.Required("name")
	algorithm := c.Required("algorithm")
	privatePort := requiredInt(c, "privateport")
	publicPort := requiredInt(c, "publicport")
	ipID := c.ID("publicipid", publicIPExists(c.Store))
	networkID := c.ID("networkid", guestNetworkExists(c.Store))
	zoneID := c.ID("zoneid", func(id string) bool { _, ok := ZoneTable(c.Store).Get(id); return ok })
	openFirewall := c.Bool("openfirewall", true)
	display := c.Bool("fordisplay", true)
	protocol := strings.ToLower(c.String("protocol"))
	if err := c.Err(); err != nil {
		return nil, err
	}
	if ipID == "" {
		// getEntityOwnerId runs before create(): a plain 431 (4350).
		return nil, ErrParam("Can't define IP owner. Either specify account/domainId or publicIpId")
	}
	ip, _ := PublicIPTable(c.Store).Get(ipID)
	paramErr := func(format string, args ...any) *APIError {
		return serverAPIError(CodeParamError, fmt.Sprintf(format, args...))
	}
	if ip.State != IPAllocated {
		return nil, paramErr("Unable to create load balancer rule, invalid IP address ID %s", ipID)
	}
	network, err := loadBalancerNetwork(c.Store, ip, networkID, zoneID)
	if err != nil {
		return nil, err
	}
	switch {
	case publicPort < 1 || publicPort > 65535:
		return nil, paramErr("publicPort is an invalid value: %d", publicPort)
	case privatePort < 1 || privatePort > 65535:
		return nil, paramErr("privatePort is an invalid value: %d", privatePort)
	case !contains(LBAlgorithms, algorithm):
		return nil, paramErr("Invalid algorithm: %s", algorithm)
	case protocol != "" && !contains([]string{"tcp", "udp", "tcp-proxy", "ssl"}, protocol):
		return nil, paramErr("Invalid protocol for load balancer rule: %s", protocol)
	case ip.StaticNAT:
		return nil, serverAPIError(codeNetworkRuleConflict, "Can't do load balance on ip address: "+ip.Address)
	case strings.EqualFold(network.Type, "Shared"):
		return nil, paramErr("LB service is not supported in specified network id")
	}
	if clash, ok := LoadBalancerTable(c.Store).Find(func(lb *LoadBalancerRule) bool {
		return lb.PublicIPID == ip.ID && lb.PublicPort == publicPort
	}); ok {
		return nil, serverAPIError(codeNetworkRuleConflict, fmt.Sprintf("The range specified, %d-%d, conflicts with rule %s which has %d-%d",
			publicPort, publicPort, clash.ID, clash.PublicPort, clash.PublicPort))
	}
	if protocol == "" {
		protocol = "tcp"
	}
	lb := &LoadBalancerRule{ID: newUUID(), Name: name, Description: c.String("description"), PublicIPID: ip.ID,
		PublicPort: publicPort, PrivatePort: privatePort, Algorithm: algorithm, Protocol: protocol,
		NetworkID: network.ID, ZoneID: ip.ZoneID, CIDRList: c.String("cidrlist"), OpenFirewall: openFirewall,
		Display: display, State: "Add", Members: []LBMember{}}
	LoadBalancerTable(c.Store).Put(lb.ID, lb)
	return &Job{InstanceType: "FirewallRule", InstanceID: lb.ID, Complete: func(c *Call) (any, error) {
		lb, ok := LoadBalancerTable(c.Store).Get(lb.ID)
		if !ok {
			return nil, ErrInternal("Failed to create load balancer rule")
		}
		return Object("loadbalancer", renderLoadBalancer(c.Store, lb)), nil
	}}, nil
}

// loadBalancerNetwork is CreateLoadBalancerRuleCmd.getNetworkId plus the address checks of
// createPublicLoadBalancer: the rule lives in the address's guest network.
func loadBalancerNetwork(st *Store, ip *PublicIP, networkID, zoneID string) (GuestNetworkInfo, error) {
	paramErr := func(format string, args ...any) (GuestNetworkInfo, error) {
		return GuestNetworkInfo{}, serverAPIError(CodeParamError, fmt.Sprintf(format, args...))
	}
	if ip.NetworkID == "" {
		return paramErr("Unable to create load balancer rule ; ip id=%s is not associated with any network", ip.ID)
	}
	switch {
	case networkID != "" && networkID != ip.NetworkID:
		return paramErr("Invalid network id=%s. IP is associated with a different network than passed network id", networkID)
	case networkID == "" && zoneID != "":
		zone, _ := ZoneTable(st).Get(zoneID)
		n, err := networkForZone(st, zone)
		if err != nil {
			return GuestNetworkInfo{}, err
		}
		if n.ID != ip.NetworkID {
			return paramErr("Invalid network id=%s. IP is associated with a different network than passed network id", n.ID)
		}
	}
	if n, ok := lookupGuestNetwork(st, ip.NetworkID); ok {
		return n, nil
	}
	return GuestNetworkInfo{ID: ip.NetworkID, Name: ip.NetworkName}, nil
}

// deleteLoadBalancerRule deletes the rule with its memberships and tags inside the job.
func deleteLoadBalancerRule(c *Call) (*Job, error) {
	id := c.RequiredID("id", loadBalancerExists(c.Store))
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{InstanceType: "FirewallRule", InstanceID: id, Complete: func(c *Call) (any, error) {
		if _, ok := LoadBalancerTable(c.Store).Get(id); !ok {
			return nil, ErrParam("Unable to find load balancer rule %s", id)
		}
		deleteLoadBalancerRow(c.Store, id)
		return Success(), nil
	}}, nil
}
