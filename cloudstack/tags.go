package cloudstack

import (
	"context"
	"fmt"
	"strings"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Resource types as CloudStack's tag APIs name them.
const (
	ResourceTypeVM       = "UserVm"
	ResourceTypeVolume   = "Volume"
	ResourceTypeTemplate = "Template"
	ResourceTypeSnapshot = "Snapshot"
)

// maxTagValue is the length of CloudStack's resource_tags.value column.
const maxTagValue = 255

type tagService struct{ c *Client }

func (s *tagService) List(ctx context.Context, resourceType, resourceID string) (map[string]string, error) {
	if resourceType == "" || resourceID == "" {
		return nil, fmt.Errorf("listing tags: resource type (%q) and id (%q) are required", resourceType, resourceID)
	}
	api := s.c.api(ctx)
	rows, err := listAllPages(ctx, "listTags", func(page, size int) ([]*csapi.Tag, int, error) {
		p := api.Resourcetags.NewListTagsParams()
		p.SetResourcetype(resourceType)
		p.SetResourceid(resourceID)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Resourcetags.ListTags(p)
		if err != nil {
			return nil, 0, err
		}
		return r.Tags, r.Count, nil
	})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range rows {
		if t.Resourceid == resourceID {
			tags[t.Key] = t.Value
		}
	}
	return tags, nil
}

// Upsert lists what the resource carries first because CloudStack refuses to
// create a key the resource already has, and fails a delete that matches
// nothing: so only changed keys are deleted, only new or changed ones created.
func (s *tagService) Upsert(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	wanted := tagsToSend(tags)
	if len(wanted) == 0 {
		return nil
	}
	current, err := s.List(ctx, resourceType, resourceID)
	if err != nil {
		return err
	}
	stale := map[string]string{}
	fresh := map[string]string{}
	for key, value := range wanted {
		oldKey, oldValue, present := lookupKey(current, key)
		switch {
		case present && oldKey == key && oldValue == value:
		case present:
			stale[oldKey] = oldValue
			fresh[key] = value
		default:
			fresh[key] = value
		}
	}
	if err := s.deleteTags(ctx, resourceType, resourceID, stale); err != nil {
		return err
	}
	return s.createTags(ctx, resourceType, resourceID, fresh)
}

// Create skips Upsert's listTags: a resource the caller has just made carries
// no tag yet, so the list would find nothing and only cost a call.
func (s *tagService) Create(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	if resourceType == "" || resourceID == "" {
		return fmt.Errorf("creating tags: resource type (%q) and id (%q) are required", resourceType, resourceID)
	}
	return s.createTags(ctx, resourceType, resourceID, tagsToSend(tags))
}

// tagsToSend drops empty keys and values, which CloudStack refuses, and cuts
// values to what its column holds.
func tagsToSend(tags map[string]string) map[string]string {
	out := map[string]string{}
	for key, value := range tags {
		if key == "" || value == "" {
			continue
		}
		out[key] = truncateRunes(value, maxTagValue)
	}
	return out
}

func (s *tagService) createTags(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	api := s.c.api(ctx)
	return s.c.runJob(ctx, "createTags", s.c.opts.JobTimeout, func() (string, error) {
		r, err := api.Resourcetags.CreateTags(api.Resourcetags.NewCreateTagsParams([]string{resourceID}, resourceType, tags))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
}

func (s *tagService) Delete(ctx context.Context, resourceType, resourceID string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	current, err := s.List(ctx, resourceType, resourceID)
	if err != nil {
		return err
	}
	present := map[string]string{}
	for _, key := range keys {
		if oldKey, value, ok := lookupKey(current, key); ok {
			present[oldKey] = value
		}
	}
	return s.deleteTags(ctx, resourceType, resourceID, present)
}

// deleteTags removes exactly these key/value pairs (naming the value keeps
// CloudStack's case-insensitive key match from taking a neighbour along).
func (s *tagService) deleteTags(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	api := s.c.api(ctx)
	return s.c.runJob(ctx, "deleteTags", s.c.opts.JobTimeout, func() (string, error) {
		p := api.Resourcetags.NewDeleteTagsParams([]string{resourceID}, resourceType)
		p.SetTags(tags)
		r, err := api.Resourcetags.DeleteTags(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
}

// lookupKey finds a tag key the way CloudStack compares them, ignoring case:
// "Director" blocks creating "director" and is what deleting "director" removes.
func lookupKey(tags map[string]string, key string) (string, string, bool) {
	if value, ok := tags[key]; ok {
		return key, value, true
	}
	for k, v := range tags {
		if strings.EqualFold(k, key) {
			return k, v, true
		}
	}
	return "", "", false
}

func truncateRunes(s string, limit int) string {
	runes := []rune(s)
	if len(runes) <= limit {
		return s
	}
	return string(runes[:limit])
}
