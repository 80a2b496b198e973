package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// PublicIP is a public address allocated to the caller's account.
type PublicIP struct {
	ID          string
	Address     string
	ZoneID      string
	State       string // Allocating, Allocated, Releasing, ...
	IsSourceNAT bool   // a network's source NAT address: never static-NATed
	IsStaticNAT bool
	VMID        string // the VM it is static-NATed to
	// NetworkID is the guest network the address is associated with (not
	// the zone's public network).
	NetworkID string
}

// PublicIPs hands out the public IP service.
func (c *Client) PublicIPs() PublicIPs { return &publicIPService{c: c} }

type publicIPService struct{ c *Client }

func (s *publicIPService) FindByAddress(ctx context.Context, address, zoneID string) (PublicIP, bool, error) {
	if net.ParseIP(address) == nil {
		return PublicIP{}, false, fmt.Errorf("looking up public IP %q: not an IP address", address)
	}
	rows, err := s.list(ctx, func(p *csapi.ListPublicIpAddressesParams) {
		p.SetIpaddress(address)
		setIfNotEmpty(zoneID, p.SetZoneid)
	})
	if err != nil {
		return PublicIP{}, false, err
	}
	if zoneID != "" {
		rows = onlyInZone(rows, zoneID)
	}
	return pickOne("public IP", address, rows, func(ip PublicIP) string { return ip.ID }, func(ip PublicIP) string { return ip.Address })
}

func (s *publicIPService) Get(ctx context.Context, id string) (PublicIP, bool, error) {
	if !IsID(id) {
		return PublicIP{}, false, fmt.Errorf("public IP id %q is not a CloudStack uuid", id)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListPublicIpAddressesParams) { p.SetId(id) }))
	if err != nil {
		return PublicIP{}, false, err
	}
	for _, ip := range rows {
		if ip.ID == id {
			return ip, true, nil
		}
	}
	return PublicIP{}, false, nil
}

// FindStaticNATOfVM lists the account's static-NATed addresses and keeps the
// VM's: listPublicIpAddresses has no VM filter.
func (s *publicIPService) FindStaticNATOfVM(ctx context.Context, vmID string) ([]PublicIP, error) {
	if !IsID(vmID) {
		return nil, fmt.Errorf("VM id %q is not a CloudStack uuid", vmID)
	}
	rows, err := s.list(ctx, func(p *csapi.ListPublicIpAddressesParams) { p.SetIsstaticnat(true) })
	if err != nil {
		return nil, err
	}
	var mine []PublicIP
	for _, ip := range rows {
		if ip.IsStaticNAT && ip.VMID == vmID {
			mine = append(mine, ip)
		}
	}
	return mine, nil
}

// EnableStaticNAT is a synchronous call in CloudStack. It fails when the
// address is already NATed, also to this very VM; so on failure the address
// is looked at, and NAT to this VM already in place counts as success (a
// retry after a lost answer, or a second create_vm attempt).
func (s *publicIPService) EnableStaticNAT(ctx context.Context, ipID, vmID, networkID string) error {
	if !IsID(ipID) || !IsID(vmID) {
		return fmt.Errorf("enabling static NAT of public IP %q to VM %q: both ids must be CloudStack uuids", ipID, vmID)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("CloudStack API enableStaticNat not called: %w", err)
	}
	api := s.c.api(ctx)
	p := api.NAT.NewEnableStaticNatParams(ipID, vmID)
	setIfNotEmpty(networkID, p.SetNetworkid)
	_, err := api.NAT.EnableStaticNat(p)
	if err == nil {
		return nil
	}
	err = wrapError("enableStaticNat", err)
	if ip, found, getErr := s.Get(ctx, ipID); getErr == nil && found && ip.IsStaticNAT && ip.VMID == vmID {
		s.c.opts.Logger.Debug(logTag, "Public IP %s is already static-NATed to VM %s (%v)", ip.Address, vmID, err)
		return nil
	}
	return err
}

// DisableStaticNAT fails inside its job when the address is not NATed; the
// address is then looked at, and "not NATed" or "gone" count as success.
func (s *publicIPService) DisableStaticNAT(ctx context.Context, ipID string, timeout time.Duration) error {
	if !IsID(ipID) {
		return fmt.Errorf("public IP id %q is not a CloudStack uuid", ipID)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "disableStaticNat", timeout, func() (string, error) {
		r, err := api.NAT.DisableStaticNat(api.NAT.NewDisableStaticNatParams(ipID))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	if err == nil {
		return nil
	}
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "Public IP %s is gone: no static NAT to disable (%v)", ipID, err)
		return nil
	}
	var timeoutErr *TimeoutError
	if errors.As(err, &timeoutErr) || ctx.Err() != nil {
		return err
	}
	ip, found, getErr := s.Get(ctx, ipID)
	if getErr == nil && (!found || !ip.IsStaticNAT) {
		s.c.opts.Logger.Debug(logTag, "Public IP %s has no static NAT to disable (%v)", ipID, err)
		return nil
	}
	return err
}

func (s *publicIPService) list(ctx context.Context, filter func(*csapi.ListPublicIpAddressesParams)) ([]PublicIP, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listPublicIpAddresses", func(page, size int) ([]PublicIP, int, error) {
		p := api.Address.NewListPublicIpAddressesParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Address.ListPublicIpAddresses(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]PublicIP, 0, len(r.PublicIpAddresses))
		for _, ip := range r.PublicIpAddresses {
			rows = append(rows, PublicIP{
				ID: ip.Id, Address: ip.Ipaddress, ZoneID: ip.Zoneid, State: ip.State,
				IsSourceNAT: ip.Issourcenat, IsStaticNAT: ip.Isstaticnat, VMID: ip.Virtualmachineid,
				NetworkID: ip.Associatednetworkid,
			})
		}
		return rows, r.Count, nil
	})
}

func onlyInZone(rows []PublicIP, zoneID string) []PublicIP {
	kept := rows[:0]
	for _, ip := range rows {
		if ip.ZoneID == zoneID {
			kept = append(kept, ip)
		}
	}
	return kept
}
