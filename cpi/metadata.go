package cpi

import "fmt"

// metadataTags turns BOSH metadata (set_vm_metadata, set_disk_metadata, snapshot_disk, v3 stemcell tags)
// into CloudStack tag values: strings as they are, numbers and booleans printed, nulls and empty values
// dropped (CloudStack refuses an empty tag value). Length limits are the cloudstack package's business.
func metadataTags(in map[string]any) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		var s string
		switch v := v.(type) {
		case nil:
			continue
		case string:
			s = v
		case float64:
			s = fmt.Sprint(v) // JSON numbers decode as float64; integers print without a fraction
		default:
			s = fmt.Sprint(v)
		}
		if k != "" && s != "" {
			out[k] = s
		}
	}
	return out
}
