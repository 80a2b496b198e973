package simulator

import (
	"sort"
	"time"
)

// Template is one (template, zone) row: CloudStack lists a template once per zone whose
// image store holds it, with the same id in every zone. Template-wide fields (name,
// format, OS type...) are copied on every row of the id and updated together.
type Template struct {
	ID              string            `json:"id"`
	ZoneID          string            `json:"zoneid"`
	Name            string            `json:"name"`
	DisplayText     string            `json:"displaytext"`
	Format          string            `json:"format"`
	Hypervisor      string            `json:"hypervisor"`
	OSTypeID        string            `json:"ostypeid"`
	CrossZones      bool              `json:"crosszones"`
	IsPublic        bool              `json:"ispublic"`
	IsFeatured      bool              `json:"isfeatured"`
	IsExtractable   bool              `json:"isextractable"`
	PasswordEnabled bool              `json:"passwordenabled"`
	SSHKeyEnabled   bool              `json:"sshkeyenabled"`
	RequiresHVM     bool              `json:"requireshvm"`
	Bits            int               `json:"bits"`
	Details         map[string]string `json:"details"`
	// Checksum is the value the client declared (registerTemplate/getUploadParams), shown
	// as CloudStack shows it; ReceivedSHA256 is what the simulator computed over the bytes.
	Checksum string `json:"checksum,omitempty"`
	URL      string `json:"url,omitempty"`
	Created  string `json:"created"`
	// Seq orders templates by creation, so the rows of one template list together.
	Seq int64 `json:"seq"`

	// State is the row's life-cycle state (TemplateState* constants); Percent the transfer
	// progress while uploading/downloading; Error the failure text of a failed transfer.
	State   string `json:"state"`
	Percent int    `json:"percent"`
	Error   string `json:"error,omitempty"`
	// Size is the virtual size in bytes, PhysicalSize the stored size (both the number of
	// bytes received: the simulator does not unpack images). 0 until known.
	Size         int64 `json:"size"`
	PhysicalSize int64 `json:"physicalsize"`
	// ReceivedBytes, ReceivedSHA256 and FileName describe the last completed transfer, for
	// tests comparing what arrived with what was sent.
	ReceivedBytes  int64  `json:"received_bytes,omitempty"`
	ReceivedSHA256 string `json:"received_sha256,omitempty"`
	FileName       string `json:"filename,omitempty"`
	// UploadExpires is the upload ticket's expiry (getUploadParamsForTemplate); ReadyAt is
	// when an Installing row becomes Ready.
	UploadExpires time.Time `json:"upload_expires,omitzero"`
	ReadyAt       time.Time `json:"ready_at,omitzero"`
	Removed       string    `json:"removed,omitempty"`
}

// Template states. CloudStack tracks a template state and a per-store download state; the
// simulator folds them into one per (template, zone) row.
const (
	TemplateNotUploaded      = "NotUploaded"      // upload ticket issued, nothing received
	TemplateUploadInProgress = "UploadInProgress" // bytes arriving on the upload endpoint
	TemplateDownloading      = "Downloading"      // registerTemplate: fetching the URL
	TemplateCopying          = "Copying"          // copyTemplate job pending for this zone
	TemplateInstalling       = "Installing"       // transfer done, "Installing Template"
	TemplateReady            = "Ready"            // isready=true, "Download Complete"
	TemplateUploadError      = "UploadError"      // upload failed or aborted
	TemplateUploadAbandoned  = "UploadAbandoned"  // ticket expired before any upload
	TemplateDownloadError    = "DownloadError"    // registerTemplate download failed
)

// IsRemoved hides deleted rows from the inventory.
func (t *Template) IsRemoved() bool { return t.Removed != "" }

// IsReady reports isready: the template can be deployed from in this row's zone.
func (t *Template) IsReady() bool { return t.State == TemplateReady }

// TemplateTable is the templates table, keyed by "<id>/<zoneid>".
func TemplateTable(st *Store) *Table[Template] { return TableOf[Template](st, "templates") }

func templateKey(id, zoneID string) string { return id + "/" + zoneID }

// LookupTemplate returns the live row of template id in zoneID, for the VM family
// (deployVirtualMachine checks IsReady, Hypervisor, Size, OSTypeID). Rows whose install
// delay has passed are promoted to Ready first.
func LookupTemplate(st *Store, id, zoneID string) (*Template, bool) {
	settleTemplates(st, st.Now())
	t, ok := TemplateTable(st).Get(templateKey(id, zoneID))
	if !ok || t.IsRemoved() {
		return nil, false
	}
	return t, true
}

// templateInUse reports whether non-expunged VMs were deployed from the template (in
// zoneID, or in any zone when zoneID is ""). deleteTemplate refuses such templates unless
// forced. The VM family replaces it from its init function:
//
//	templateInUse = func(st *Store, templateID, zoneID string) bool { ... }
var templateInUse = func(st *Store, templateID, zoneID string) bool { return false }

// templateRows returns every row of a template (removed ones included), in zone order.
func templateRows(st *Store, id string) []*Template {
	var out []*Template
	for _, t := range TemplateTable(st).All() {
		if t.ID == id {
			out = append(out, t)
		}
	}
	return out
}

// liveTemplateRows returns the rows of a template that are not removed, optionally only
// the one of zoneID.
func liveTemplateRows(st *Store, id, zoneID string) []*Template {
	var out []*Template
	for _, t := range templateRows(st, id) {
		if !t.IsRemoved() && (zoneID == "" || t.ZoneID == zoneID) {
			out = append(out, t)
		}
	}
	return out
}

// templateExists accepts removed templates too: CloudStack resolves their UUIDs.
func templateExists(st *Store, id string) bool { return len(templateRows(st, id)) > 0 }

func liveTemplateExists(st *Store, id string) bool { return len(liveTemplateRows(st, id, "")) > 0 }

func nextTemplateSeq(st *Store) int64 {
	var max int64
	for _, t := range TemplateTable(st).All() {
		if t.Seq > max {
			max = t.Seq
		}
	}
	return max + 1
}

// putTemplateRows stores freshly created rows.
func putTemplateRows(st *Store, rows []*Template) {
	for _, t := range rows {
		TemplateTable(st).Put(templateKey(t.ID, t.ZoneID), t)
	}
}

// settleTemplates applies what time alone changes: an Installing row whose install delay
// passed becomes Ready, and an upload ticket that expired unused is abandoned (CloudStack's
// upload.operation.timeout).
func settleTemplates(st *Store, now time.Time) {
	for _, t := range TemplateTable(st).All() {
		switch {
		case t.IsRemoved():
		case t.State == TemplateInstalling && !t.ReadyAt.After(now):
			t.State, t.Percent, t.ReadyAt = TemplateReady, 100, time.Time{}
		case t.State == TemplateNotUploaded && !t.UploadExpires.IsZero() && !t.UploadExpires.After(now):
			t.State = TemplateUploadAbandoned
		}
	}
}

// settleTemplatesFor also drops rows of copies whose job failed without running its
// completion (an injected job fault): CloudStack only adds a template to a zone once the
// copy succeeded. Called with the server lock held.
func (s *Server) settleTemplatesFor(now time.Time) {
	settleTemplates(s.store, now)
	pendingCopies := map[string]bool{}
	for _, j := range s.jobs {
		if j.Command == "copyTemplate" && j.Status == JobPending {
			pendingCopies[j.InstanceID] = true
		}
	}
	tt := TemplateTable(s.store)
	for _, t := range tt.All() {
		if t.State == TemplateCopying && !pendingCopies[t.ID] {
			tt.Delete(templateKey(t.ID, t.ZoneID))
		}
	}
}

// scheduleTemplateSettle makes time-driven changes happen even when nobody calls the API
// (so /admin/inventory and LookupTemplate see them), like jobs' timers.
func (s *Server) scheduleTemplateSettle(at time.Time) {
	wait := at.Sub(s.clock.Now())
	if wait < 0 {
		wait = 0
	}
	s.clock.AfterFunc(wait, func() {
		s.Do(func(st *Store) { s.settleTemplatesFor(s.clock.Now()) })
	})
}

// markTemplateInstalled records a completed transfer on every listed row: Installing for
// the configured install delay, then Ready.
func (s *Server) markTemplateInstalled(rows []*Template, received int64, sha256Hex, fileName string) {
	now := s.clock.Now()
	readyAt := now.Add(s.opts.Templates.InstallDelay)
	for _, t := range rows {
		t.State, t.Percent, t.Error = TemplateInstalling, 100, ""
		t.Size, t.PhysicalSize = received, received
		t.ReceivedBytes, t.ReceivedSHA256, t.FileName = received, sha256Hex, fileName
		t.ReadyAt = readyAt
	}
	settleTemplates(s.store, now)
	if s.opts.Templates.InstallDelay > 0 {
		s.scheduleTemplateSettle(readyAt)
	}
}

// sortTemplateRows orders rows by template creation, keeping zone order within a template.
func sortTemplateRows(rows []*Template) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Seq < rows[j].Seq })
}

func init() {
	RegisterFamily(Family{
		Name: "template",
		Commands: []Command{
			Sync("listTemplates", listTemplates),
			Sync("registerTemplate", registerTemplate),
			{Name: "getUploadParamsForTemplate", Handle: getUploadParamsForTemplate, ResponseName: "postuploadtemplateresponse"},
			Async("copyTemplate", copyTemplate),
			Async("deleteTemplate", deleteTemplate),
			Sync("updateTemplate", updateTemplate),
		},
		ResourceTypes: []ResourceType{{Name: "Template", Exists: liveTemplateExists}},
		SeedOrder:     40,
		LoadSeed:      seedTemplates,
		Routes:        mountUploadRoutes,
	})
}
