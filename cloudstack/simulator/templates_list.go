package simulator

import "strings"

// templateFilters are ListTemplatesCmd's templatefilter values. Every template in the
// simulator belongs to the caller's (root admin) account, so "self" and "executable" see
// all of them and "sharedexecutable" none.
var templateFilters = []string{"featured", "self", "selfexecutable", "sharedexecutable", "executable", "community", "all"}

// templateFilterMatches applies a filter to a row; onlyReady filters hide rows that are not
// ready (ListTemplatesCmd.listInReadyState).
func templateFilterMatches(filter string, t *Template) bool {
	switch filter {
	case "featured":
		return t.IsPublic && t.IsFeatured && t.IsReady()
	case "community":
		return t.IsPublic && !t.IsFeatured && t.IsReady()
	case "selfexecutable":
		return t.IsReady()
	case "sharedexecutable":
		return false
	}
	return true // self, executable, all
}

// listTemplates lists one row per (template, zone), or per template with showunique=true.
func listTemplates(c *Call) (any, error) {
	filter := c.Required("templatefilter")
	hypervisor := c.String("hypervisor")
	templateType := c.String("templatetype")
	showUnique := c.Bool("showunique", false)
	showRemoved := c.Bool("showremoved", false)
	readyParam := c.String("isready")
	onlyReady := c.Bool("isready", false)
	if err := c.Err(); err != nil {
		return nil, err
	}
	if !contains(templateFilters, filter) {
		return nil, ErrParam("Invalid parameter templatefilter value=%s: use one of %s", filter, strings.Join(templateFilters, ", "))
	}
	c.srv.settleTemplatesFor(c.Now)
	rows := append([]*Template(nil), TemplateTable(c.Store).All()...)
	sortTemplateRows(rows)
	seen := map[string]bool{}
	return List(c, rows, ListSpec[Template]{
		ItemKey: "template",
		ID:      func(t *Template) string { return t.ID },
		Name:    func(t *Template) string { return t.Name },
		Keyword: func(t *Template) []string { return []string{t.Name, t.DisplayText} },
		ZoneID:  func(t *Template) string { return t.ZoneID },
		TagType: "Template",
		Removed: func(t *Template) bool { return t.IsRemoved() && !showRemoved },
		Filter: func(t *Template) bool {
			switch {
			case !templateFilterMatches(filter, t):
			case hypervisor != "" && !strings.EqualFold(hypervisor, t.Hypervisor):
			case templateType != "" && !strings.EqualFold(templateType, "USER"):
			case readyParam != "" && t.IsReady() != onlyReady:
			case showUnique && seen[t.ID]:
			default:
				seen[t.ID] = true
				return true
			}
			return false
		},
		Render: func(t *Template) any { return renderTemplate(c.Store, t) },
	})
}
