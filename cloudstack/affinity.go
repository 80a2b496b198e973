package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// AffinityGroup is a (anti-)affinity group of the caller's account.
type AffinityGroup struct {
	ID   string
	Name string
	Type string // e.g. "host anti-affinity"
	// VMIDs are the member VMs. CloudStack drops a VM when it is expunged or
	// fails, not when it is merely destroyed.
	VMIDs []string
}

// AffinityGroups hands out the affinity group service.
func (c *Client) AffinityGroups() AffinityGroups { return &affinityService{c: c} }

type affinityService struct{ c *Client }

func (s *affinityService) Find(ctx context.Context, nameOrID string) (AffinityGroup, bool, error) {
	if nameOrID == "" {
		return AffinityGroup{}, false, errors.New("looking up an affinity group: the name is empty")
	}
	rows, err := notFoundIsAbsent(s.list(ctx, nameOrID))
	if err != nil {
		return AffinityGroup{}, false, err
	}
	return pickOne("affinity group", nameOrID, rows,
		func(g AffinityGroup) string { return g.ID }, func(g AffinityGroup) string { return g.Name })
}

// Create looks before it leaps, and looks again after: CloudStack checks the
// name before it inserts the row, so two creates can both pass that check on
// a busy server. Whoever sees that the group listed first is not its own
// deletes its own, which leaves one group whichever order things happened in
// (CloudStack lists groups in creation order).
func (s *affinityService) Create(ctx context.Context, name, groupType, description string, timeout time.Duration) (AffinityGroup, bool, error) {
	if name == "" || groupType == "" {
		return AffinityGroup{}, false, fmt.Errorf("creating affinity group %q: the name and the type (%q) are required", name, groupType)
	}
	existing, found, err := s.earliestNamed(ctx, name)
	if err != nil {
		return AffinityGroup{}, false, err
	}
	if found {
		return existing, false, nil
	}

	mine, createErr := s.create(ctx, name, groupType, description, timeout)
	winner, found, err := s.earliestNamed(ctx, name)
	switch {
	case createErr != nil && (err != nil || !found):
		return AffinityGroup{}, false, createErr
	case err != nil:
		return AffinityGroup{}, false, fmt.Errorf("checking for duplicates of affinity group %q (%s) just created: %w", name, mine.ID, err)
	case !found:
		return AffinityGroup{}, false, fmt.Errorf("affinity group %q (%s) vanished right after it was created", name, mine.ID)
	case winner.ID == mine.ID:
		// Ours, even if its job did not report back in time: the group
		// exists from the moment CloudStack answers the create call.
		return winner, true, nil
	}
	if createErr != nil {
		// Typically "a group with name ... already exists": another process
		// won the race, and its group is the one to use.
		s.c.opts.Logger.Debug(logTag, "Affinity group %q was created concurrently (%v); using %s", name, createErr, winner.ID)
	}
	if mine.ID != "" {
		s.c.opts.Logger.Warn(logTag, "Affinity group %q was created twice (%s and %s); deleting %s, the later one", name, winner.ID, mine.ID, mine.ID)
		if err := s.Delete(ctx, mine.ID, timeout); err != nil {
			return AffinityGroup{}, false, fmt.Errorf("deleting duplicate affinity group %q (%s): %w", name, mine.ID, err)
		}
	}
	return winner, false, nil
}

func (s *affinityService) create(ctx context.Context, name, groupType, description string, timeout time.Duration) (AffinityGroup, error) {
	api := s.c.api(ctx)
	var (
		createdID string
		result    csapi.AffinityGroup
	)
	err := s.c.runJob(ctx, "createAffinityGroup", timeout, func() (string, error) {
		p := api.AffinityGroup.NewCreateAffinityGroupParams(name, groupType)
		setIfNotEmpty(description, p.SetDescription)
		r, err := api.AffinityGroup.CreateAffinityGroup(p)
		if err != nil {
			return "", err
		}
		createdID = r.Id
		return r.JobID, nil
	}, &result)
	if err != nil {
		// The id, if CloudStack gave one, tells the caller whether a group
		// found afterwards is this one.
		return AffinityGroup{ID: createdID}, err
	}
	group := convertAffinityGroup(&result)
	if group.ID == "" {
		group.ID, group.Name, group.Type = createdID, name, groupType
	}
	if group.ID == "" {
		return AffinityGroup{}, fmt.Errorf("CloudStack API createAffinityGroup answered without the id of group %q", name)
	}
	return group, nil
}

// earliestNamed returns the first group (in CloudStack's creation order) of
// exactly that name; unlike Find it does not refuse duplicates, since Create
// must settle on one of them.
func (s *affinityService) earliestNamed(ctx context.Context, name string) (AffinityGroup, bool, error) {
	rows, err := s.list(ctx, name)
	if err != nil {
		return AffinityGroup{}, false, err
	}
	for _, g := range rows {
		if g.Name == name {
			return g, true, nil
		}
	}
	return AffinityGroup{}, false, nil
}

func (s *affinityService) Delete(ctx context.Context, id string, timeout time.Duration) error {
	if !IsID(id) {
		return fmt.Errorf("affinity group id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "deleteAffinityGroup", timeout, func() (string, error) {
		p := api.AffinityGroup.NewDeleteAffinityGroupParams()
		p.SetId(id)
		r, err := api.AffinityGroup.DeleteAffinityGroup(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "Affinity group %s is already gone: %v", id, err)
		return nil
	}
	return err
}

func (s *affinityService) DeleteIfEmpty(ctx context.Context, id string, timeout time.Duration) (bool, error) {
	if !IsID(id) {
		return false, fmt.Errorf("affinity group id %q is not a CloudStack uuid", id)
	}
	group, found, err := s.Find(ctx, id)
	if err != nil || !found {
		return false, err
	}
	if len(group.VMIDs) > 0 {
		s.c.opts.Logger.Debug(logTag, "Keeping affinity group %q (%s): %d VMs still in it", group.Name, id, len(group.VMIDs))
		return false, nil
	}
	if err := s.Delete(ctx, id, timeout); err != nil {
		return false, err
	}
	return true, nil
}

func (s *affinityService) ListTypes(ctx context.Context) ([]string, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listAffinityGroupTypes", func(page, size int) ([]string, int, error) {
		p := api.AffinityGroup.NewListAffinityGroupTypesParams()
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.AffinityGroup.ListAffinityGroupTypes(p)
		if err != nil {
			return nil, 0, err
		}
		types := make([]string, 0, len(r.AffinityGroupTypes))
		for _, t := range r.AffinityGroupTypes {
			types = append(types, t.Type)
		}
		return types, r.Count, nil
	})
}

func (s *affinityService) list(ctx context.Context, nameOrID string) ([]AffinityGroup, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listAffinityGroups", func(page, size int) ([]AffinityGroup, int, error) {
		p := api.AffinityGroup.NewListAffinityGroupsParams()
		setNameOrID(nameOrID, p.SetId, p.SetName)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.AffinityGroup.ListAffinityGroups(p)
		if err != nil {
			return nil, 0, err
		}
		groups := make([]AffinityGroup, 0, len(r.AffinityGroups))
		for _, g := range r.AffinityGroups {
			groups = append(groups, convertAffinityGroup(g))
		}
		return groups, r.Count, nil
	})
}

func convertAffinityGroup(g *csapi.AffinityGroup) AffinityGroup {
	return AffinityGroup{ID: g.Id, Name: g.Name, Type: g.Type, VMIDs: append([]string{}, g.VirtualmachineIds...)}
}
