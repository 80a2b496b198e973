package cloudstack

import (
	"context"
	"errors"
	"slices"
	"strings"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Network is a guest network a VM can have a NIC in.
type Network struct {
	ID      string
	Name    string
	ZoneID  string
	Type    string // "Isolated", "Shared" or "L2"
	State   string // "Allocated" until a VM uses an isolated network, then "Implemented"; shared: "Setup"
	CIDR    string
	Gateway string
	Netmask string
	DNS1    string
	DNS2    string
	// Services are the names of the services the network's offering provides
	// ("Dhcp", "Dns", "UserData", "SourceNat", "StaticNat", "Lb", "SecurityGroup"...).
	Services []string
}

// Offers reports whether the network provides a service, named as CloudStack
// does (compared ignoring case).
func (n Network) Offers(service string) bool {
	return slices.ContainsFunc(n.Services, func(s string) bool { return strings.EqualFold(s, service) })
}

// SecurityGroupsEnabled reports a network whose NICs are filtered by security
// groups (Basic zones and Advanced zones with security groups).
func (n Network) SecurityGroupsEnabled() bool { return n.Offers("SecurityGroup") }

type networkService struct{ c *Client }

// Networks hands out the network lookups.
func (c *Client) Networks() Networks { return &networkService{c: c} }

func (s *networkService) Find(ctx context.Context, nameOrID, zoneID string) (Network, bool, error) {
	if nameOrID == "" {
		return Network{}, false, errors.New("looking up a network: the name or id is empty")
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListNetworksParams) {
		// Servers older than the name parameter ignore it and list every
		// network: pickOne's exact match is what counts.
		setNameOrID(nameOrID, p.SetId, p.SetName)
		setIfNotEmpty(zoneID, p.SetZoneid)
	}))
	if err != nil {
		return Network{}, false, err
	}
	if zoneID != "" {
		rows = slices.DeleteFunc(rows, func(n Network) bool { return n.ZoneID != zoneID })
	}
	return pickOne("network", nameOrID, rows, func(n Network) string { return n.ID }, func(n Network) string { return n.Name })
}

func (s *networkService) list(ctx context.Context, filter func(*csapi.ListNetworksParams)) ([]Network, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listNetworks", func(page, size int) ([]Network, int, error) {
		p := api.Network.NewListNetworksParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Network.ListNetworks(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]Network, 0, len(r.Networks))
		for _, n := range r.Networks {
			network := Network{
				ID: n.Id, Name: n.Name, ZoneID: n.Zoneid, Type: n.Type, State: n.State, CIDR: n.Cidr,
				Gateway: n.Gateway, Netmask: n.Netmask, DNS1: n.Dns1, DNS2: n.Dns2,
			}
			for _, service := range n.Service {
				network.Services = append(network.Services, service.Name)
			}
			rows = append(rows, network)
		}
		return rows, r.Count, nil
	})
}
