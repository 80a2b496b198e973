package stemcell

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Props are the cloud_properties of a stemcell's stemcell.MF (merged by the director with any
// director-side ones).
type Props struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Infrastructure string `json:"infrastructure"`
	Hypervisor     string `json:"hypervisor"`
	DiskFormat     string `json:"disk_format"`
	Architecture   string `json:"architecture"`
	// Light stemcells name an existing template instead of carrying an image.
	LightTemplate string `json:"light_template"`
	TemplateID    string `json:"template_id"`
	TemplateName  string `json:"template_name"`
	// URL makes CloudStack download the image itself (registerTemplate) instead of the CPI uploading it.
	URL string `json:"url"`
	// SHA1 of the image file, checked before anything is created when given.
	SHA1 string `json:"sha1"`
	// OSType overrides the configured CloudStack OS type (description or id). BOSH's own os_type
	// ("linux") is not a CloudStack OS type, so it is read from cloudstack_os_type.
	OSType string `json:"cloudstack_os_type"`
}

// UnmarshalJSON takes version as a string or as a number: stemcell.MF writes it quoted, but a hand-made
// one (light stemcells often are) may say version: 1, which the director passes on as a JSON number.
// A number keeps its text ("1.50", not "1.5").
func (p *Props) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	for key, value := range fields {
		if !strings.EqualFold(key, "version") { // encoding/json matches keys regardless of case
			continue
		}
		version := bytes.TrimSpace(value)
		if len(version) > 0 && (version[0] == '-' || (version[0] >= '0' && version[0] <= '9')) {
			fields[key], _ = json.Marshal(string(version))
		} else if len(version) > 0 && version[0] != '"' && string(version) != "null" {
			return fmt.Errorf("version must be a string or a number, got %s", version)
		}
	}
	// Decoded again from the rewritten fields, so that a type error names its field as the caller knows it.
	normalised, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	type plainProps Props
	return json.Unmarshal(normalised, (*plainProps)(p))
}

// IsLight reports whether the stemcell names an existing template.
func (p Props) IsLight() bool {
	return p.LightTemplate != "" || p.TemplateID != "" || p.TemplateName != ""
}

// lightReference is the template a light stemcell names, by id or name.
func (p Props) lightReference() string {
	for _, ref := range []string{p.TemplateID, p.LightTemplate, p.TemplateName} {
		if ref != "" {
			return ref
		}
	}
	return ""
}

// hypervisorAliases maps the names stemcells and operators use to CloudStack's.
var hypervisorAliases = map[string]string{
	"xen": "XenServer", "xenserver": "XenServer", "kvm": "KVM", "vmware": "VMware", "esxi": "VMware", "vsphere": "VMware",
}

// formatFromProps is the image format the properties describe, for a URL stemcell whose image the CPI
// never reads. ok is false when they say nothing usable.
func formatFromProps(p Props) (Format, bool) {
	hypervisor := hypervisorAliases[strings.ToLower(p.Hypervisor)]
	disk := strings.ToLower(p.DiskFormat)
	switch {
	case hypervisor == "XenServer" || disk == "vhdx" || disk == "vhd":
		return FormatVHDX, true
	case disk == "qcow2":
		return FormatQCOW2, true
	case disk == "raw":
		return FormatRaw, true
	case hypervisor == "VMware" || disk == "ovf" || disk == "ova":
		return FormatOVA, true
	case hypervisor == "KVM":
		return FormatQCOW2, true
	}
	return Format{}, false
}

// checkConsistent refuses an image whose content contradicts what its stemcell says it is: uploading a
// KVM image as a XenServer template would only fail later, at boot.
func checkConsistent(p Props, img Image) error {
	if p.Hypervisor == "" {
		return nil
	}
	want, known := hypervisorAliases[strings.ToLower(p.Hypervisor)]
	if !known {
		return fmt.Errorf("stemcell cloud_properties.hypervisor '%s' is not one this CPI knows (xen, kvm, esxi)", p.Hypervisor)
	}
	if want != img.Format.Hypervisor {
		return fmt.Errorf("stemcell cloud_properties.hypervisor is '%s' but the image is a %s image (%s)",
			p.Hypervisor, img.Format.Name, img.Format.Hypervisor)
	}
	return nil
}
