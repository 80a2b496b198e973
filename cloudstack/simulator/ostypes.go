package simulator

import (
	"fmt"
	"strings"
)

// OSType is a guest OS type row.
type OSType struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	CategoryID  string `json:"oscategoryid"`
	Category    string `json:"oscategoryname"`
}

type osTypeView struct {
	ID             string `json:"id"`
	OSCategoryID   string `json:"oscategoryid"`
	OSCategoryName string `json:"oscategoryname"`
	Description    string `json:"description"`
	IsUserDefined  bool   `json:"isuserdefined"`
	ForDisplay     bool   `json:"fordisplay"`
}

// OSTypeTable is the OS types table.
func OSTypeTable(st *Store) *Table[OSType] { return TableOf[OSType](st, "ostypes") }

// LookupOSType finds an OS type by id or exact description.
func LookupOSType(st *Store, idOrDescription string) (*OSType, bool) {
	if o, ok := OSTypeTable(st).Get(idOrDescription); ok {
		return o, true
	}
	return OSTypeTable(st).Find(func(o *OSType) bool { return o.Description == idOrDescription })
}

func init() {
	RegisterFamily(Family{
		Name:      "guest",
		Commands:  []Command{Sync("listOsTypes", listOsTypes)},
		SeedOrder: 1,
		LoadSeed:  seedOSTypes,
	})
}

func seedOSTypes(st *Store, seed *Seed) error {
	categories := map[string]string{}
	for i, so := range seed.OSTypes {
		if so.Description == "" {
			return fmt.Errorf("os type %d: description is required", i)
		}
		cat := orDefault(so.Category, "Other")
		if categories[cat] == "" {
			categories[cat] = newUUID()
		}
		o := &OSType{ID: orNewUUID(so.ID), Description: so.Description, Category: cat, CategoryID: categories[cat]}
		OSTypeTable(st).Put(o.ID, o)
	}
	return nil
}

// listOsTypes matches description as a case-insensitive substring (SQL LIKE) and sorts by
// description, as CloudStack does.
func listOsTypes(c *Call) (any, error) {
	description := strings.ToLower(c.String("description"))
	categoryID := c.String("oscategoryid")
	rows := append([]*OSType(nil), OSTypeTable(c.Store).All()...)
	sortBy(rows, func(o *OSType) string { return o.Description })
	return List(c, rows, ListSpec[OSType]{
		ItemKey: "ostype",
		ID:      func(o *OSType) string { return o.ID },
		Keyword: func(o *OSType) []string { return []string{o.Description} },
		Filter: func(o *OSType) bool {
			return strings.Contains(strings.ToLower(o.Description), description) &&
				(categoryID == "" || o.CategoryID == categoryID)
		},
		Render: func(o *OSType) any {
			return osTypeView{ID: o.ID, OSCategoryID: o.CategoryID, OSCategoryName: o.Category,
				Description: o.Description, ForDisplay: true}
		},
	})
}
