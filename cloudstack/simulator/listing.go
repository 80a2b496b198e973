package simulator

import (
	"sort"
	"strings"
)

// DefaultPageSize is CloudStack's default.page.size, also the largest pagesize allowed.
const DefaultPageSize = 500

// ListSpec describes how a list command filters and renders rows of type T. Nil accessors
// disable the matching filter. List applies, in order: id, ids, name (exact), keyword
// (case-insensitive substring), zoneid, tags (OR of key=value pairs, like current
// CloudStack), Filter; then pages the result.
type ListSpec[T any] struct {
	// ItemKey is the array key in the response ("zone", "sshkeypair").
	ItemKey string
	ID      func(*T) string
	// Name enables exact matching of NameParam ("name" unless set).
	Name      func(*T) string
	NameParam string
	// Keyword returns the texts "keyword" is searched in (usually name and display text).
	Keyword func(*T) []string
	ZoneID  func(*T) string
	// TagType enables the tags[i].key/value filter on this resource type.
	TagType string
	// Removed hides rows (their ids still resolve, so filtering on one gives an empty list).
	Removed func(*T) bool
	// Filter applies command-specific parameters.
	Filter func(*T) bool
	Render func(*T) any
}

// List runs a list command over rows (all of them, removed ones included) and returns the
// response body: {} when nothing matched, {"count": N} for a page past the end, else
// {"count": N, "<ItemKey>": [...]}. count is the total across pages.
func List[T any](c *Call, rows []*T, spec ListSpec[T]) (any, error) {
	start, size := c.Paging()
	known := func(id string) bool {
		if spec.ID == nil {
			return false
		}
		for _, r := range rows {
			if spec.ID(r) == id {
				return true
			}
		}
		return false
	}
	var id string
	var ids []string
	if spec.ID != nil {
		id = c.ID("id", known)
		ids = c.IDs("ids", known)
	}
	nameParam := spec.NameParam
	if nameParam == "" {
		nameParam = "name"
	}
	name := c.String(nameParam)
	keyword := strings.ToLower(c.String("keyword"))
	zoneID := ""
	if spec.ZoneID != nil {
		zoneID = c.ID("zoneid", func(z string) bool { return c.ResourceExists("Zone", z) })
	}
	tagPairs := c.Map("tags")
	if err := c.Err(); err != nil {
		return nil, err
	}

	var matched []*T
	for _, r := range rows {
		switch {
		case spec.Removed != nil && spec.Removed(r):
		case id != "" && spec.ID(r) != id:
		case len(ids) > 0 && !contains(ids, spec.ID(r)):
		case name != "" && spec.Name != nil && spec.Name(r) != name:
		case keyword != "" && spec.Keyword != nil && !anyContains(spec.Keyword(r), keyword):
		case zoneID != "" && spec.ZoneID(r) != zoneID:
		case len(tagPairs) > 0 && spec.TagType != "" && !hasAnyTag(c.Store, spec.TagType, spec.ID(r), tagPairs):
		case spec.Filter != nil && !spec.Filter(r):
		default:
			matched = append(matched, r)
		}
	}
	return Page(matched, start, size, spec.ItemKey, spec.Render), nil
}

// Page renders one page of already-filtered rows as a list body; size < 0 means all.
func Page[T any](matched []*T, start, size int, key string, render func(*T) any) any {
	body := listBody{count: len(matched), key: key}
	end := len(matched)
	if size >= 0 && start+size < end {
		end = start + size
	}
	for i := start; i < end; i++ {
		body.items = append(body.items, render(matched[i]))
	}
	return body
}

// Paging validates page/pagesize with CloudStack's rules and returns the start index and
// page size (-1 = unlimited). Errors are recorded on the call (see Err).
func (c *Call) Paging() (start, size int) {
	page, hasPage := c.Int("page")
	pageSize, hasSize := c.Int("pagesize")
	switch {
	case hasSize && pageSize == -1 && hasPage:
		c.fail(ErrParam("Can't specify page parameter when pagesize is -1 (Unlimited)"))
	case hasSize && pageSize == -1:
		return 0, -1
	case hasPage && !hasSize:
		c.fail(ErrParam("\"pagesize\" parameter is required when \"page\" is specified"))
	case hasSize && !hasPage:
		c.fail(ErrParam("\"page\" parameter is required when \"pagesize\" is specified"))
	case hasSize && pageSize > DefaultPageSize:
		c.fail(ErrParam("Page size can't exceed max allowed page size value: %d", DefaultPageSize))
	case hasSize && (pageSize < 1 || page < 1):
		c.fail(ErrParam("Invalid page/pagesize values: page=%d pagesize=%d", page, pageSize))
	case hasSize:
		return int((page - 1) * pageSize), int(pageSize)
	}
	return 0, DefaultPageSize
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyContains(texts []string, lowerNeedle string) bool {
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), lowerNeedle) {
			return true
		}
	}
	return false
}

// sortBy orders rows by a string key, keeping insertion order among equals.
func sortBy[T any](rows []*T, key func(*T) string) {
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
}
