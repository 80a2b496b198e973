package stemcell

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// legacyTemplatePrefix starts the names the older CloudStack CPIs gave their templates and used as
// stemcell cids; they made each such template for its stemcell, without tags.
const legacyTemplatePrefix = "cpitemplate-"

// Delete removes the stemcell's template from every zone. A template already gone is success; a
// template this CPI did not create (a light stemcell's) is left alone.
func (m *Manager) Delete(ctx context.Context, cid string) error {
	id, legacy := cid, false
	if !cloudstack.IsID(cid) {
		// A stemcell uploaded by an older CPI has the template's name as its cid.
		tpl, found, err := m.Templates.FindByName(ctx, cid, "")
		if err != nil {
			return fmt.Errorf("looking up template %s: %w", cid, err)
		}
		if !found {
			m.Log.Info("stemcell.Manager", "template %s is already gone", cid)
			return nil
		}
		id, legacy = tpl.ID, strings.HasPrefix(cid, legacyTemplatePrefix)
	}
	rows, err := m.Templates.ListInZones(ctx, id)
	if err != nil {
		return fmt.Errorf("looking up template %s: %w", id, err)
	}
	if len(rows) == 0 {
		m.Log.Info("stemcell.Manager", "template %s is already gone", id)
		return nil
	}
	tags := rows[0].Tags
	if (tags[TagManaged] != "true" && !legacy) || tags[TagLight] == "true" {
		m.Log.Info("stemcell.Manager", "template %s (%s) belongs to a light stemcell or was not created by this CPI: left in place", id, rows[0].Name)
		return nil
	}
	if err := m.Templates.Delete(ctx, id, "", false, m.Settings.CopyTimeout); err != nil {
		return fmt.Errorf("deleting template %s (%s): %w", id, rows[0].Name, err)
	}
	m.Log.Info("stemcell.Manager", "deleted template %s (%s) in %d zone(s)", id, rows[0].Name, len(rows))
	return nil
}
