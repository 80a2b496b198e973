package simulator

// Templates for the tests of the VM family. The template family is written in another
// branch; these ids are answered by a wrapper around lookupTemplate (whatever the template
// family installs), so the VM tests run with or without it.
const (
	TestTemplateXen      = "7e57a000-0000-4000-8000-000000000001" // XenServer, 5 GiB, ready everywhere
	TestTemplateKVM      = "7e57a000-0000-4000-8000-000000000002" // KVM, 2 GiB, ready everywhere
	TestTemplateNotReady = "7e57a000-0000-4000-8000-000000000003" // XenServer, still uploading
)

var testTemplates = map[string]TemplateInfo{
	TestTemplateXen:      {ID: TestTemplateXen, Name: "xen-template", DisplayText: "Xen test template", Hypervisor: "XenServer", Size: 5 << 30, Ready: true},
	TestTemplateKVM:      {ID: TestTemplateKVM, Name: "kvm-template", DisplayText: "KVM test template", Hypervisor: "KVM", Size: 2 << 30, Ready: true},
	TestTemplateNotReady: {ID: TestTemplateNotReady, Name: "uploading", DisplayText: "not ready", Hypervisor: "XenServer", Size: 5 << 30},
}

func init() {
	next := lookupTemplate
	lookupTemplate = func(st *Store, id, zoneID string) (TemplateInfo, bool) {
		t, ok := testTemplates[id]
		if !ok {
			return next(st, id, zoneID)
		}
		if os, found := LookupOSType(st, "Other PV (64-bit)"); found {
			t.OSTypeID = os.ID
		}
		return t, true
	}
}
