package simulator

// TemplateInfo is what deploying a VM needs to know about a template.
type TemplateInfo struct {
	ID          string
	Name        string
	DisplayText string
	// Hypervisor the template is for; "" matches any (the default hook knows nothing more).
	Hypervisor string
	OSTypeID   string
	// Size is the virtual size in bytes; 0 when unknown (the ROOT disk then gets
	// defaultRootDiskSize unless rootdisksize or the offering says otherwise).
	Size int64
	// Ready reports whether the template is downloaded (isready) in the zone asked about.
	Ready bool
}

// lookupTemplate resolves a template id for deployVirtualMachine; zoneID is the zone the VM
// goes to ("" when only existence matters). It reports false when no such template exists
// at all; a template that exists but is not ready in zoneID returns Ready false.
//
// The template family replaces it from its init function (templates are written in a
// parallel branch): until then the default accepts any id registered under the "Template"
// resource type and treats it as ready for any hypervisor.
var lookupTemplate = func(st *Store, id, zoneID string) (TemplateInfo, bool) {
	rt, ok := lookupResourceType("Template")
	if !ok || !rt.Exists(st, id) {
		return TemplateInfo{}, false
	}
	return TemplateInfo{ID: id, Name: id, DisplayText: id, Ready: true}, true
}

// defaultRootDiskSize is the ROOT disk size when neither the template, the offering nor
// rootdisksize gives one.
const defaultRootDiskSize int64 = 10 << 30
