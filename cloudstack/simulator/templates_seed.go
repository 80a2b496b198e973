package simulator

import "fmt"

// seedTemplates loads ready templates. A template without zones is cross-zone.
func seedTemplates(st *Store, seed *Seed) error {
	for i, s := range seed.Templates {
		if s.Name == "" || s.OSType == "" || s.Hypervisor == "" || s.Format == "" {
			return fmt.Errorf("template %d (%q): name, os_type, hypervisor and format are required", i, s.Name)
		}
		os, ok := LookupOSType(st, s.OSType)
		if !ok {
			return fmt.Errorf("template %q: unknown os_type %q", s.Name, s.OSType)
		}
		var zoneIDs []string
		for _, zone := range s.Zones {
			z, ok := LookupZone(st, zone)
			if !ok {
				return fmt.Errorf("template %q: unknown zone %q", s.Name, zone)
			}
			zoneIDs = append(zoneIDs, z.ID)
		}
		spec := templateSpec{ID: s.ID, Name: s.Name, DisplayText: s.DisplayText, Format: s.Format,
			Hypervisor: s.Hypervisor, OSTypeID: os.ID, RequiresHVM: true, Bits: 64, Details: map[string]string{}}
		if err := validateTemplateSpec(st, &spec, "name", zoneIDs); err != nil {
			return fmt.Errorf("template %q: %s", s.Name, asAPIError(err).Text)
		}
		size := s.Size
		if size <= 0 {
			size = defaultSeedTemplateSize
		}
		rows := newTemplateRows(st, spec, zoneIDs, TemplateReady, st.Now())
		for _, t := range rows {
			t.Percent, t.Size, t.PhysicalSize = 100, size, size
		}
		putTemplateRows(st, rows)
	}
	return nil
}

// defaultSeedTemplateSize is a stemcell's root disk (3 GiB) when the seed gives no size.
const defaultSeedTemplateSize = 3 << 30
