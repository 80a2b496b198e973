package cloudstack

import (
	"context"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// OSType is a guest OS type; on XenServer it decides PV or HVM boot.
type OSType struct {
	ID          string
	Description string
	CategoryID  string
}

type osTypeService struct{ c *Client }

func (s *osTypeService) FindByDescription(ctx context.Context, descriptionOrID string) (OSType, bool, error) {
	api := s.c.api(ctx)
	rows, err := notFoundIsAbsent(listAllPages(ctx, "listOsTypes", func(page, size int) ([]OSType, int, error) {
		p := api.GuestOS.NewListOsTypesParams()
		setNameOrID(descriptionOrID, p.SetId, p.SetDescription)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.GuestOS.ListOsTypes(p)
		if err != nil {
			return nil, 0, err
		}
		return convertOSTypes(r.OsTypes), r.Count, nil
	}))
	if err != nil {
		return OSType{}, false, err
	}
	return pickOne("OS type", descriptionOrID, rows,
		func(t OSType) string { return t.ID }, func(t OSType) string { return t.Description })
}

func convertOSTypes(in []*csapi.OsType) []OSType {
	out := make([]OSType, 0, len(in))
	for _, t := range in {
		out = append(out, OSType{ID: t.Id, Description: t.Description, CategoryID: t.Oscategoryid})
	}
	return out
}
