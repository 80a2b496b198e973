package cloudstack

import (
	"context"
	"errors"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// SecurityGroup is a security group of the caller's account. Only zones with
// security groups enabled use them; every account has one named "default".
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
}

// SecurityGroups hands out the security group service.
func (c *Client) SecurityGroups() SecurityGroups { return &securityGroupService{c: c} }

type securityGroupService struct{ c *Client }

func (s *securityGroupService) Find(ctx context.Context, nameOrID string) (SecurityGroup, bool, error) {
	if nameOrID == "" {
		return SecurityGroup{}, false, errors.New("looking up a security group: the name is empty")
	}
	api := s.c.api(ctx)
	rows, err := notFoundIsAbsent(listAllPages(ctx, "listSecurityGroups", func(page, size int) ([]SecurityGroup, int, error) {
		p := api.SecurityGroup.NewListSecurityGroupsParams()
		setNameOrID(nameOrID, p.SetId, p.SetSecuritygroupname)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.SecurityGroup.ListSecurityGroups(p)
		if err != nil {
			return nil, 0, err
		}
		return convertSecurityGroups(r.SecurityGroups), r.Count, nil
	}))
	if err != nil {
		return SecurityGroup{}, false, err
	}
	return pickOne("security group", nameOrID, rows,
		func(g SecurityGroup) string { return g.ID }, func(g SecurityGroup) string { return g.Name })
}

func convertSecurityGroups(in []*csapi.SecurityGroup) []SecurityGroup {
	out := make([]SecurityGroup, 0, len(in))
	for _, g := range in {
		out = append(out, SecurityGroup{ID: g.Id, Name: g.Name, Description: g.Description})
	}
	return out
}
