package cpi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

// setVMMetadata puts the director's metadata on the VM as CloudStack tags and gives the VM a display
// name an operator recognises in the CloudStack UI.
//
// The director calls it after every create_vm and again on later deploys, so tags are upserted: a key
// whose value changed is replaced, everything else (create_vm's own tags, tags an operator added) stays.
// The older CloudStack CPI deleted every tag and dereferenced a missing VM; here a missing VM is
// VMNotFound, checked before anything is changed.
//
//	set_vm_metadata(vm_cid, metadata) -> null
func setVMMetadata(ctx context.Context, env *Env, args Args) (any, error) {
	var metadata map[string]any
	if err := args.Decode(1, &metadata); err != nil {
		return nil, err
	}
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cid := args.String(0)
	vm, err := mustFindVM(ctx, cloud, cid)
	if err != nil {
		return nil, err
	}

	values := metadataTags(metadata)
	tags := metadataVMTags(values)
	if len(tags) > 0 {
		if err := cloud.Tags().Upsert(ctx, cloudstack.ResourceTypeVM, vm.ID, tags); err != nil {
			return nil, setMetadataError(err, cid, fmt.Sprintf("tagging VM '%s'", cid))
		}
		env.Log.Debug("cpi.SetVMMetadata", "VM '%s' (%s) carries tags %v", cid, vm.ID, sortedTagKeys(tags))
	}

	name := metadataDisplayName(values)
	switch {
	case name == "" || name == vm.DisplayName:
		return nil, nil
	case vm.Failed():
		// CloudStack refuses to update a VM in Error; its tags are enough to identify it.
		env.Log.Warn("cpi.SetVMMetadata", "VM '%s' (%s) is in state Error: leaving its display name '%s'", cid, vm.ID, vm.DisplayName)
		return nil, nil
	}
	if err := cloud.VMs().SetDisplayName(ctx, vm.ID, name); err != nil {
		return nil, setMetadataError(err, cid, fmt.Sprintf("renaming VM '%s' to '%s'", cid, name))
	}
	env.Log.Info("cpi.SetVMMetadata", "VM '%s' (%s) is now displayed as '%s'", cid, vm.ID, name)
	return nil, nil
}

// setMetadataError types a failed call on a VM that was there a moment ago: VMNotFound if it has gone since,
// else a CloudError carrying CloudStack's text.
func setMetadataError(err error, cid, doing string) error {
	if cloudstack.IsNotFound(err) {
		return NewVMNotFound(err, "set_vm_metadata: VM '%s' disappeared (%s)", cid, doing)
	}
	return NewCloudError(err, "set_vm_metadata: %s", doing)
}

// maxTagKey is the length of CloudStack's resource_tags.key column (values are capped by Tags.Upsert).
const maxTagKey = 255

// cpiOwnedTagKeys are the keys by which this CPI recognises its own VMs; metadata never overwrites them.
var cpiOwnedTagKeys = []string{stemcell.TagManaged, stemcell.TagDirector}

// metadataVMTags turns stringified metadata into the tags CloudStack accepts: keys cut to its limit,
// and one key per spelling, because CloudStack compares keys without case ("Team" and "team" would
// collide inside one createTags). Of colliding keys, the one that sorts first wins, so the outcome does
// not depend on map order.
func metadataVMTags(values map[string]string) map[string]string {
	tags := make(map[string]string, len(values))
	seen := map[string]bool{}
	for _, key := range cpiOwnedTagKeys {
		seen[strings.ToLower(key)] = true
	}
	for _, key := range sortedTagKeys(values) {
		short := truncateUTF16(key, maxTagKey)
		if seen[strings.ToLower(short)] {
			continue
		}
		seen[strings.ToLower(short)] = true
		tags[short] = values[key]
	}
	return tags
}

// maxDisplayName is CloudStack's limit for a string API parameter (and the vm_instance.display_name
// column): 255, counted in Java chars (UTF-16 code units).
const maxDisplayName = 255

// metadataDisplayName picks the name the AWS and OpenStack CPIs give their VMs: the director's "name"
// ("<group>/<uuid>"), else "<job>/<index>" (create-env, older directors), else "compiling/<package>".
// CloudStack takes any text as a display name, so it is only cleaned: control characters (a newline in
// the UI's list) become spaces, runs of spaces shrink to one, and the result is cut to the limit.
// "" means no rename.
func metadataDisplayName(values map[string]string) string {
	var name string
	switch {
	case values["name"] != "":
		name = values["name"]
	case values["job"] != "" && values["index"] != "":
		name = values["job"] + "/" + values["index"]
	case values["compiling"] != "":
		name = "compiling/" + values["compiling"]
	}
	cleaned := strings.Join(strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	return truncateUTF16(cleaned, maxDisplayName)
}

// truncateUTF16 cuts s to at most limit UTF-16 code units (how Java counts a parameter's length; never
// more than the characters a MySQL column counts) without splitting a character.
func truncateUTF16(s string, limit int) string {
	units := 0
	for i, r := range s {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		if units+n > limit {
			return s[:i]
		}
		units += n
	}
	return s
}

func sortedTagKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
