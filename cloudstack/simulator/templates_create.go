package simulator

import "time"

// templateSpec is what registerTemplate, getUploadParamsForTemplate and the seed share: the
// template-wide fields, validated.
type templateSpec struct {
	ID              string
	Name            string
	DisplayText     string
	Format          string
	Hypervisor      string
	OSTypeID        string
	IsPublic        bool
	IsFeatured      bool
	IsExtractable   bool
	PasswordEnabled bool
	SSHKeyEnabled   bool
	RequiresHVM     bool
	Bits            int
	Details         map[string]string
	Checksum        string
	URL             string
}

// readTemplateFlags reads the optional flags both registration commands take, with
// TemplateAdapterBase.prepare's defaults (bits 64, requireshvm true, the rest false).
func readTemplateFlags(c *Call, spec *templateSpec) {
	spec.IsPublic = c.Bool("ispublic", false)
	spec.IsFeatured = c.Bool("isfeatured", false)
	spec.IsExtractable = c.Bool("isextractable", false)
	spec.PasswordEnabled = c.Bool("passwordenabled", false)
	spec.SSHKeyEnabled = c.Bool("sshkeyenabled", false)
	spec.RequiresHVM = c.Bool("requireshvm", true)
	spec.Bits = 64
	if bits, ok := c.Int("bits"); ok {
		spec.Bits = int(bits)
	}
	spec.Checksum = c.String("checksum")
	spec.Details = mergeDetails(c.Map("details"))
}

// validateTemplateSpec checks the name, hypervisor and format and canonicalises them; zones
// (nil for a cross-zone template) must run the hypervisor.
func validateTemplateSpec(st *Store, spec *templateSpec, nameField string, zoneIDs []string) error {
	displayText, err := checkNameAndDisplayText(spec.Name, nameField, spec.DisplayText)
	if err != nil {
		return err
	}
	spec.DisplayText = displayText
	if spec.Hypervisor, err = checkHypervisor(spec.Hypervisor); err != nil {
		return err
	}
	if spec.Format, err = checkFormat(spec.Format); err != nil {
		return err
	}
	if err := checkFormatForHypervisor(spec.Format, spec.Hypervisor); err != nil {
		return err
	}
	for _, zoneID := range zoneIDs {
		z, _ := ZoneTable(st).Get(zoneID)
		if err := checkZoneHypervisor(z, spec.Hypervisor); err != nil {
			return err
		}
	}
	return nil
}

// newTemplateRows builds one row per zone (every zone, flagged crossZones, when zoneIDs is
// nil) in the given initial state.
func newTemplateRows(st *Store, spec templateSpec, zoneIDs []string, state string, now time.Time) []*Template {
	crossZones := zoneIDs == nil
	if crossZones {
		for _, z := range ZoneTable(st).All() {
			zoneIDs = append(zoneIDs, z.ID)
		}
	}
	id := orNewUUID(spec.ID)
	seq := nextTemplateSeq(st)
	rows := make([]*Template, 0, len(zoneIDs))
	for _, zoneID := range zoneIDs {
		rows = append(rows, &Template{
			ID: id, ZoneID: zoneID, Name: spec.Name, DisplayText: spec.DisplayText, Format: spec.Format,
			Hypervisor: spec.Hypervisor, OSTypeID: spec.OSTypeID, CrossZones: crossZones,
			IsPublic: spec.IsPublic, IsFeatured: spec.IsFeatured, IsExtractable: spec.IsExtractable,
			PasswordEnabled: spec.PasswordEnabled, SSHKeyEnabled: spec.SSHKeyEnabled, RequiresHVM: spec.RequiresHVM,
			Bits: spec.Bits, Details: copyDetails(spec.Details), Checksum: spec.Checksum, URL: spec.URL,
			Created: FormatTime(now), Seq: seq, State: state,
		})
	}
	return rows
}

func zoneExistsIn(st *Store) func(string) bool {
	return func(id string) bool { _, ok := ZoneTable(st).Get(id); return ok }
}

func osTypeExistsIn(st *Store) func(string) bool {
	return func(id string) bool { _, ok := OSTypeTable(st).Get(id); return ok }
}
