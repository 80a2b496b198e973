package simulator

import (
	"strings"
)

// Tag is a resource tag row. Tags are generic: any family's resource type that is
// registered (Family.ResourceTypes) can be tagged, and its rows embed TagsFor(...).
type Tag struct {
	ID           string `json:"id"`
	Key          string `json:"key"`
	Value        string `json:"value"`
	ResourceType string `json:"resourcetype"`
	ResourceID   string `json:"resourceid"`
	Customer     string `json:"customer,omitempty"`
}

// TagView is a tag as CloudStack renders it, in listTags and inside tagged objects.
type TagView struct {
	Key          string `json:"key"`
	Value        string `json:"value"`
	ResourceType string `json:"resourcetype"`
	ResourceID   string `json:"resourceid"`
	Account      string `json:"account"`
	DomainID     string `json:"domainid"`
	Domain       string `json:"domain"`
	Customer     string `json:"customer,omitempty"`
}

func tagTable(st *Store) *Table[Tag] { return TableOf[Tag](st, "tags") }

func init() {
	RegisterFamily(Family{
		Name: "tag",
		Commands: []Command{
			Async("createTags", createTags),
			Async("deleteTags", deleteTags),
			Sync("listTags", listTags),
		},
	})
}

// TagsFor returns the tags of one resource for embedding in its response ("tags": [] when
// there are none, as CloudStack always sends the array).
func TagsFor(st *Store, resourceType, resourceID string) []TagView {
	out := []TagView{}
	for _, t := range tagTable(st).All() {
		if strings.EqualFold(t.ResourceType, resourceType) && t.ResourceID == resourceID {
			out = append(out, tagView(st, t))
		}
	}
	return out
}

// DeleteTagsOf drops every tag of a resource; families call it when a row is expunged.
func DeleteTagsOf(st *Store, resourceType, resourceID string) {
	tt := tagTable(st)
	for _, t := range tt.All() {
		if strings.EqualFold(t.ResourceType, resourceType) && t.ResourceID == resourceID {
			tt.Delete(t.ID)
		}
	}
}

func tagView(st *Store, t *Tag) TagView {
	return TagView{Key: t.Key, Value: t.Value, ResourceType: t.ResourceType, ResourceID: t.ResourceID,
		Account: st.Account.Account, DomainID: st.Account.DomainID, Domain: st.Account.Domain, Customer: t.Customer}
}

// hasAnyTag is the list filter: true when the resource carries one of the key=value pairs.
func hasAnyTag(st *Store, resourceType, resourceID string, pairs []map[string]string) bool {
	tags := TagsFor(st, resourceType, resourceID)
	for _, p := range pairs {
		for _, t := range tags {
			if strings.EqualFold(t.Key, p["key"]) && (p["value"] == "" || strings.EqualFold(t.Value, p["value"])) {
				return true
			}
		}
	}
	return false
}

// tagTarget checks resourcetype and resourceids inside the job, as CloudStack does.
func tagTarget(c *Call, typeName string, ids []string) (ResourceType, error) {
	rt, ok := lookupResourceType(typeName)
	if !ok {
		return ResourceType{}, ErrParam("Invalid resource type %s", typeName)
	}
	for _, id := range ids {
		if !rt.Exists(c.Store, id) {
			return ResourceType{}, ErrParam("Unable to find resource by id %s and type %s", id, rt.Name)
		}
	}
	return rt, nil
}

func createTags(c *Call) (*Job, error) {
	ids := c.List("resourceids")
	if len(ids) == 0 {
		c.Required("resourceids")
	}
	typeName := c.Required("resourcetype")
	pairs := c.Map("tags")
	if len(pairs) == 0 {
		c.Required("tags")
	}
	customer := c.String("customer")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{Complete: func(c *Call) (any, error) {
		rt, err := tagTarget(c, typeName, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			if p["key"] == "" {
				return nil, ErrParam("Key for the tag is either null or empty")
			}
			if p["value"] == "" {
				return nil, ErrParam("Value for the key %s is either null or empty", p["key"])
			}
		}
		for _, id := range ids {
			existing := TagsFor(c.Store, rt.Name, id)
			for _, p := range pairs {
				for _, t := range existing {
					if strings.EqualFold(t.Key, p["key"]) {
						return nil, ErrInternal("tag %s already on %s with id %s", p["key"], rt.Name, id)
					}
				}
			}
		}
		for _, id := range ids {
			for _, p := range pairs {
				t := &Tag{ID: newUUID(), Key: p["key"], Value: p["value"], ResourceType: rt.Name, ResourceID: id, Customer: customer}
				tagTable(c.Store).Put(t.ID, t)
			}
		}
		return Success(), nil
	}}, nil
}

func deleteTags(c *Call) (*Job, error) {
	ids := c.List("resourceids")
	if len(ids) == 0 {
		c.Required("resourceids")
	}
	typeName := c.Required("resourcetype")
	pairs := c.Map("tags")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{Complete: func(c *Call) (any, error) {
		rt, err := tagTarget(c, typeName, ids)
		if err != nil {
			return nil, err
		}
		var doomed []string
		for _, t := range tagTable(c.Store).All() {
			if !strings.EqualFold(t.ResourceType, rt.Name) || !contains(ids, t.ResourceID) {
				continue
			}
			if len(pairs) == 0 || matchesAnyPair(t, pairs) {
				doomed = append(doomed, t.ID)
			}
		}
		if len(doomed) == 0 {
			return nil, ErrParam("Unable to find any tags which conform to specified delete parameters.")
		}
		for _, id := range doomed {
			tagTable(c.Store).Delete(id)
		}
		return Success(), nil
	}}, nil
}

func matchesAnyPair(t *Tag, pairs []map[string]string) bool {
	for _, p := range pairs {
		if strings.EqualFold(t.Key, p["key"]) && (p["value"] == "" || strings.EqualFold(t.Value, p["value"])) {
			return true
		}
	}
	return false
}

func listTags(c *Call) (any, error) {
	resourceID := c.String("resourceid")
	resourceType := c.String("resourcetype")
	key, value, customer := c.String("key"), c.String("value"), c.String("customer")
	return List(c, tagTable(c.Store).All(), ListSpec[Tag]{
		ItemKey: "tag",
		Keyword: func(t *Tag) []string { return []string{t.Key, t.Value} },
		Filter: func(t *Tag) bool {
			return (resourceID == "" || t.ResourceID == resourceID) &&
				(resourceType == "" || strings.EqualFold(t.ResourceType, resourceType)) &&
				(key == "" || strings.EqualFold(t.Key, key)) &&
				(value == "" || strings.EqualFold(t.Value, value)) &&
				(customer == "" || t.Customer == customer)
		},
		Render: func(t *Tag) any { return tagView(c.Store, t) },
	})
}
