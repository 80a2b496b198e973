package cloudstack

import (
	"context"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// ServiceOffering is a compute offering. A customized one has no fixed CPU or
// memory: the deploy call names them.
type ServiceOffering struct {
	ID           string
	Name         string
	CPUNumber    int
	CPUSpeed     int // MHz
	Memory       int // MiB
	IsCustomized bool
	RootDiskSize int64  // GiB; 0 when the template decides
	StorageType  string // "shared" or "local"
	StorageTags  string // comma-separated, as CloudStack returns them
	HostTags     string
	// Details holds the ranges of a constrained custom offering
	// (mincpunumber, maxcpunumber, minmemory, maxmemory).
	Details map[string]string
}

// DiskOffering is a volume offering. A customized one takes the size from the
// createVolume call.
type DiskOffering struct {
	ID           string
	Name         string
	DiskSizeGiB  int64 // 0 for customized offerings
	IsCustomized bool
	StorageType  string // "shared" or "local"
	StorageTags  string // comma-separated, as CloudStack returns them
}

type offeringService struct{ c *Client }

func (s *offeringService) FindService(ctx context.Context, nameOrID, zoneID string) (ServiceOffering, bool, error) {
	rows, err := notFoundIsAbsent(s.listService(ctx, zoneID, nameOrID))
	if err != nil {
		return ServiceOffering{}, false, err
	}
	return pickOne("service offering", nameOrID, rows,
		func(o ServiceOffering) string { return o.ID }, func(o ServiceOffering) string { return o.Name })
}

func (s *offeringService) ListService(ctx context.Context, zoneID string) ([]ServiceOffering, error) {
	return s.listService(ctx, zoneID, "")
}

func (s *offeringService) listService(ctx context.Context, zoneID, nameOrID string) ([]ServiceOffering, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listServiceOfferings", func(page, size int) ([]ServiceOffering, int, error) {
		p := api.ServiceOffering.NewListServiceOfferingsParams()
		setNameOrID(nameOrID, p.SetId, p.SetName)
		setIfNotEmpty(zoneID, p.SetZoneid)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.ServiceOffering.ListServiceOfferings(p)
		if err != nil {
			return nil, 0, err
		}
		return convertServiceOfferings(r.ServiceOfferings), r.Count, nil
	})
}

func (s *offeringService) FindDisk(ctx context.Context, nameOrID, zoneID string) (DiskOffering, bool, error) {
	rows, err := notFoundIsAbsent(s.listDisk(ctx, zoneID, nameOrID))
	if err != nil {
		return DiskOffering{}, false, err
	}
	return pickOne("disk offering", nameOrID, rows,
		func(o DiskOffering) string { return o.ID }, func(o DiskOffering) string { return o.Name })
}

func (s *offeringService) ListDisk(ctx context.Context, zoneID string) ([]DiskOffering, error) {
	return s.listDisk(ctx, zoneID, "")
}

func (s *offeringService) listDisk(ctx context.Context, zoneID, nameOrID string) ([]DiskOffering, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listDiskOfferings", func(page, size int) ([]DiskOffering, int, error) {
		p := api.DiskOffering.NewListDiskOfferingsParams()
		setNameOrID(nameOrID, p.SetId, p.SetName)
		setIfNotEmpty(zoneID, p.SetZoneid)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.DiskOffering.ListDiskOfferings(p)
		if err != nil {
			return nil, 0, err
		}
		return convertDiskOfferings(r.DiskOfferings), r.Count, nil
	})
}

func convertServiceOfferings(in []*csapi.ServiceOffering) []ServiceOffering {
	out := make([]ServiceOffering, 0, len(in))
	for _, o := range in {
		out = append(out, ServiceOffering{
			ID:           o.Id,
			Name:         o.Name,
			CPUNumber:    o.Cpunumber,
			CPUSpeed:     o.Cpuspeed,
			Memory:       o.Memory,
			IsCustomized: o.Iscustomized,
			RootDiskSize: o.Rootdisksize,
			StorageType:  o.Storagetype,
			StorageTags:  o.Storagetags,
			HostTags:     o.Hosttags,
			Details:      o.Serviceofferingdetails,
		})
	}
	return out
}

func convertDiskOfferings(in []*csapi.DiskOffering) []DiskOffering {
	out := make([]DiskOffering, 0, len(in))
	for _, o := range in {
		out = append(out, DiskOffering{
			ID:           o.Id,
			Name:         o.Name,
			DiskSizeGiB:  o.Disksize,
			IsCustomized: o.Iscustomized,
			StorageType:  o.Storagetype,
			StorageTags:  o.Tags,
		})
	}
	return out
}
