package simulator

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// imageFormats is CloudStack's Storage.ImageFormat, in its declaration order (the order of
// its error text).
var imageFormats = []string{"QCOW2", "RAW", "VHD", "VHDX", "ISO", "OVA", "BAREMETAL", "VMDK", "VDI", "TAR", "ZIP", "DIR"}

// hypervisorTypes is Hypervisor.HypervisorType without None, as CloudStack spells them.
var hypervisorTypes = []string{"XenServer", "KVM", "VMware", "Hyperv", "VirtualBox", "Parralels", "BareMetal",
	"Simulator", "Ovm", "Ovm3", "LXC", "Custom"}

// hypervisorFormats are the image formats a hypervisor boots. The simulator refuses other
// combinations at registration, which CloudStack only discovers at deploy time.
var hypervisorFormats = map[string][]string{
	"XenServer": {"VHD"},
	"KVM":       {"QCOW2", "RAW"},
	"VMware":    {"OVA"},
	"Hyperv":    {"VHD", "VHDX"},
	"LXC":       {"TAR"},
	"Ovm3":      {"RAW"},
	"BareMetal": {"BAREMETAL"},
}

// compressionSuffixes are the compressions the SSVM unpacks after a transfer.
var compressionSuffixes = []string{".gz", ".bz2", ".zip"}

// formatExtensions are the file extensions ImageStoreUtil.checkTemplateFormat accepts for a
// format (before an optional compression suffix).
var formatExtensions = map[string][]string{
	"QCOW2": {"qcow2"},
	"RAW":   {"raw", "img"},
	"VHD":   {"vhd", "vhdx"},
	"VHDX":  {"vhdx", "vhd"},
	"OVA":   {"ova"},
	"VMDK":  {"vmdk"},
	"TAR":   {"tar"},
	"ISO":   {"iso"},
}

// illegalArgument is how CloudStack reports an IllegalArgumentException thrown by a
// service: 431 re-wrapped in a ServerApiException (cserrorcode 9999).
func illegalArgument(format string, args ...any) *APIError {
	return &APIError{Code: CodeParamError, CSCode: CSCodeServerAPI, Text: fmt.Sprintf(format, args...)}
}

// canonicalHypervisor is HypervisorType.getType: case-insensitive, "" when unknown.
func canonicalHypervisor(name string) string {
	for _, h := range hypervisorTypes {
		if strings.EqualFold(h, name) {
			return h
		}
	}
	return ""
}

func checkHypervisor(name string) (string, error) {
	h := canonicalHypervisor(name)
	if h == "" {
		return "", ErrParam("Hypervisor Type: %s is invalid. Supported Hypervisor types are: %s", name, strings.Join(hypervisorTypes, ", "))
	}
	return h, nil
}

// checkFormat upper-cases a format as ImageFormat.valueOf(format.toUpperCase()) does.
func checkFormat(format string) (string, error) {
	upper := strings.ToUpper(format)
	if !contains(imageFormats, upper) {
		return "", illegalArgument("Image format: %s is incorrect. Supported formats are [%s]", format, strings.Join(imageFormats, ", "))
	}
	return upper, nil
}

// checkFormatForHypervisor refuses a format the hypervisor cannot boot (Simulator and
// hypervisors without a known list take anything).
func checkFormatForHypervisor(format, hypervisor string) error {
	allowed, known := hypervisorFormats[hypervisor]
	if !known || contains(allowed, format) {
		return nil
	}
	return ErrParam("Invalid parameter format: image format %s cannot be used with hypervisor %s (use %s)",
		format, hypervisor, strings.Join(allowed, " or "))
}

// checkZoneHypervisor refuses a template for a hypervisor the zone's hosts do not run.
func checkZoneHypervisor(z *Zone, hypervisor string) error {
	if strings.EqualFold(z.Hypervisor, hypervisor) || strings.EqualFold(z.Hypervisor, "Simulator") {
		return nil
	}
	return ErrParam("Invalid parameter hypervisor: zone %s runs %s hosts, not %s", z.Name, z.Hypervisor, hypervisor)
}

// checkNameAndDisplayText applies the parameters' declared lengths (ParamProcessWorker's
// "Value greater than max allowed length" check, named after the Java field) and defaults
// the display text to the name, as current CloudStack does.
func checkNameAndDisplayText(name, nameField, displayText string) (string, error) {
	if len(name) > 255 {
		return "", ErrParam("Value greater than max allowed length 255 for param: %s", nameField)
	}
	if strings.TrimSpace(name) == "" {
		return "", ErrParam("Invalid parameter name: a template name must not be blank")
	}
	if len(displayText) > 4096 {
		return "", ErrParam("Value greater than max allowed length 4096 for param: displayText")
	}
	if displayText == "" {
		displayText = name
	}
	return displayText, nil
}

// extensionFormats maps a file extension to the format `file` would recognise in it.
var extensionFormats = map[string]string{"qcow2": "QCOW2", "raw": "RAW", "img": "RAW", "vhd": "VHD",
	"vhdx": "VHDX", "ova": "OVA", "vmdk": "VMDK", "tar": "TAR", "iso": "ISO"}

// imageKind splits a file name into the format its extension names ("" when it names
// none) and its compression suffix (".bz2", or "").
func imageKind(fileName string) (format, compression string) {
	name := strings.ToLower(fileName)
	for _, suffix := range compressionSuffixes {
		if strings.HasSuffix(name, suffix) {
			compression = suffix
			name = strings.TrimSuffix(name, suffix)
			break
		}
	}
	dot := strings.LastIndex(name, ".")
	if dot < 0 {
		return "", compression
	}
	return extensionFormats[name[dot+1:]], compression
}

// extensionMatches is ImageStoreUtil.isCorrectExtension for a declared format.
func extensionMatches(format, fileName string) bool {
	kind, _ := imageKind(fileName)
	if kind == "" {
		return false
	}
	for _, ext := range formatExtensions[format] {
		if extensionFormats[ext] == kind {
			return true
		}
	}
	return false
}

// checkURLForFormat is UriUtils.validateUrl's scheme check plus checkFormat's extension
// check. CloudStack also refuses loopback hosts and ports other than 80/8080/443; the
// simulator must not, since loopback is the only place it downloads from.
func checkURLForFormat(rawURL, format string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, illegalArgument("Unsupported scheme for url: %s", rawURL)
	}
	if !extensionMatches(format, u.Path) {
		return nil, illegalArgument("Please specify a valid URL. URL:%s is an invalid for the format %s", u.Path, strings.ToLower(format))
	}
	return u, nil
}

// isLoopbackHost reports whether host (no port) is localhost or a loopback address: the
// only hosts the simulator ever downloads from.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// mergeDetails flattens CloudStack's details parameter, sent either as
// details[0].key=value (registerTemplate) or one index per key (getUploadParamsForTemplate).
func mergeDetails(groups []map[string]string) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		if k, ok := g["key"]; ok && len(g) == 2 {
			out[k] = g["value"]
			continue
		}
		for k, v := range g {
			out[k] = v
		}
	}
	return out
}
