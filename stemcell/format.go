// Package stemcell turns a BOSH stemcell image into a CloudStack template: it recognises the image's
// format from its content, streams it to CloudStack's upload endpoint with flat memory (or has
// CloudStack download it from a URL), waits until the template is ready, and copies it across zones.
package stemcell

// Format is what CloudStack needs to know about an image: how to declare the template and how to name
// the uploaded file (the secondary storage VM checks the extension against the declared format).
type Format struct {
	// Name is the BOSH stemcell format, as info's stemcell_formats lists it.
	Name string
	// TemplateFormat is CloudStack's template format (VHD, QCOW2, RAW, OVA).
	TemplateFormat string
	// Hypervisor is CloudStack's hypervisor name for templates of this format.
	Hypervisor string
	// Extension is the uploaded file's extension.
	Extension string
}

var (
	// FormatVHDX is a bzip2 stream of a dynamic VHD (bosh-linux-stemcell-builder's cloudstack-vhdx),
	// uploaded as it is: the secondary storage VM decompresses .vhd.bz2 itself.
	FormatVHDX = Format{Name: "cloudstack-vhdx", TemplateFormat: "VHD", Hypervisor: "XenServer", Extension: ".vhd.bz2"}
	// FormatQCOW2 is a tgz holding root.img with qcow2 content (openstack-qcow2), uploaded as .qcow2.
	FormatQCOW2 = Format{Name: "openstack-qcow2", TemplateFormat: "QCOW2", Hypervisor: "KVM", Extension: ".qcow2"}
	// FormatRaw is a tgz holding a raw root.img (openstack-raw), uploaded as .img.
	FormatRaw = Format{Name: "openstack-raw", TemplateFormat: "RAW", Hypervisor: "KVM", Extension: ".img"}
	// FormatOVA is a tgz of image.ovf, image.mf and image-disk1.vmdk (vsphere-ova), repacked on the fly
	// into an OVA (a plain tar with the .ovf first).
	FormatOVA = Format{Name: "vsphere-ova", TemplateFormat: "OVA", Hypervisor: "VMware", Extension: ".ova"}
)
