package cloudstack

import (
	"context"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Zone is an availability zone.
type Zone struct {
	ID                    string
	Name                  string
	NetworkType           string // "Advanced" or "Basic"
	SecurityGroupsEnabled bool
	LocalStorageEnabled   bool
	AllocationState       string // "Enabled" or "Disabled"
}

type zoneService struct{ c *Client }

func (s *zoneService) Find(ctx context.Context, nameOrID string) (Zone, bool, error) {
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListZonesParams) {
		setNameOrID(nameOrID, p.SetId, p.SetName)
	}))
	if err != nil {
		return Zone{}, false, err
	}
	return pickOne("zone", nameOrID, rows, func(z Zone) string { return z.ID }, func(z Zone) string { return z.Name })
}

func (s *zoneService) List(ctx context.Context) ([]Zone, error) {
	return s.list(ctx, func(*csapi.ListZonesParams) {})
}

func (s *zoneService) list(ctx context.Context, filter func(*csapi.ListZonesParams)) ([]Zone, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listZones", func(page, size int) ([]Zone, int, error) {
		p := api.Zone.NewListZonesParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Zone.ListZones(p)
		if err != nil {
			return nil, 0, err
		}
		zones := make([]Zone, 0, len(r.Zones))
		for _, z := range r.Zones {
			zones = append(zones, Zone{
				ID:                    z.Id,
				Name:                  z.Name,
				NetworkType:           z.Networktype,
				SecurityGroupsEnabled: z.Securitygroupsenabled,
				LocalStorageEnabled:   z.Localstorageenabled,
				AllocationState:       z.Allocationstate,
			})
		}
		return zones, r.Count, nil
	})
}
