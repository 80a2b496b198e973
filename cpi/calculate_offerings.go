package cpi

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// How calculate_vm_cloud_properties picks offerings; see calculate_vm_cloud_properties.go.

// offeringChoice is a picked offering: how create_vm should name it, the sizes to ask of a customized
// one, and a few words on why it was picked, for the log.
type offeringChoice struct {
	ref        string
	customized bool
	cpu, ram   int64
	why        string
}

// tagFilter keeps offerings that carry every required tag and none of the forbidden ones.
type tagFilter struct {
	kind                string // "host" or "storage", for messages
	required, forbidden []string
	configKeys          string
}

func computeTagFilter(c config.Calculate) tagFilter {
	return tagFilter{kind: "host", required: c.ComputeTags, forbidden: c.NotComputeTags,
		configKeys: "calculate.compute_tags/not_compute_tags"}
}

func diskTagFilter(c config.Calculate) tagFilter {
	return tagFilter{kind: "storage", required: c.DiskTags, forbidden: c.NotDiskTags,
		configKeys: "calculate.disk_tags/not_disk_tags"}
}

// allows checks an offering's comma-separated tags. CloudStack's tag columns compare without case.
func (f tagFilter) allows(csv string) bool {
	carried := map[string]bool{}
	for _, t := range strings.Split(csv, ",") {
		if t = strings.TrimSpace(t); t != "" {
			carried[strings.ToLower(t)] = true
		}
	}
	for _, t := range f.required {
		if t = strings.TrimSpace(t); t != "" && !carried[strings.ToLower(t)] {
			return false
		}
	}
	for _, t := range f.forbidden {
		if t = strings.TrimSpace(t); t != "" && carried[strings.ToLower(t)] {
			return false
		}
	}
	return true
}

// chooseCompute picks the compute offering; the error describes every offering when none fits.
func chooseCompute(offerings []cloudstack.ServiceOffering, req vmResources, filter tagFilter) (offeringChoice, error) {
	var fixed, custom []cloudstack.ServiceOffering
	for _, o := range offerings {
		switch {
		case !filter.allows(o.HostTags):
		case o.IsCustomized:
			custom = append(custom, o)
		case int64(o.CPUNumber) >= req.CPU && int64(o.Memory) >= req.RAM:
			fixed = append(fixed, o)
		}
	}
	names := nameCounts(offerings, func(o cloudstack.ServiceOffering) string { return o.Name })
	ref := func(o cloudstack.ServiceOffering) string { return offeringRef(o.Name, o.ID, names) }

	if len(fixed) > 0 {
		best := slices.MinFunc(fixed, func(a, b cloudstack.ServiceOffering) int {
			return cmp.Or(cmp.Compare(a.CPUNumber, b.CPUNumber), cmp.Compare(a.Memory, b.Memory),
				cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		return offeringChoice{ref: ref(best), why: fmt.Sprintf("(%s, the smallest fixed offering that fits)", describeService(best))}, nil
	}

	// A customized offering whose CPU speed is fixed (a constrained one) comes first: create_vm can
	// deploy it with cpu and ram alone, while a fully custom one also needs a cpu_speed.
	speedFirst := func(o cloudstack.ServiceOffering) int {
		if o.CPUSpeed > 0 {
			return 0
		}
		return 1
	}
	slices.SortFunc(custom, func(a, b cloudstack.ServiceOffering) int {
		return cmp.Or(cmp.Compare(speedFirst(a), speedFirst(b)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for _, o := range custom {
		cpu, cpuOK := fitRange(req.CPU, o.Details, "mincpunumber", "maxcpunumber")
		ram, ramOK := fitRange(req.RAM, o.Details, "minmemory", "maxmemory")
		if cpuOK && ramOK {
			return offeringChoice{ref: ref(o), customized: true, cpu: cpu, ram: ram,
				why: fmt.Sprintf("(%s; no fixed offering fits)", describeService(o))}, nil
		}
	}

	listed := make([]string, 0, len(offerings))
	for _, o := range offerings {
		listed = append(listed, describeService(o)+excludedNote(filter, o.HostTags))
	}
	return offeringChoice{}, fmt.Errorf("no compute offering has %d CPU(s) and %d MiB of memory, fixed or customized; "+
		"the zone's compute offerings: %s", req.CPU, req.RAM, listOrNone(listed))
}

// chooseDisk picks the ephemeral disk offering for sizeMiB; the error describes every offering when none fits.
func chooseDisk(offerings []cloudstack.DiskOffering, sizeMiB int64, filter tagFilter) (offeringChoice, error) {
	sizeGiB := (sizeMiB + 1023) / 1024
	var fixed, custom []cloudstack.DiskOffering
	for _, o := range offerings {
		switch {
		case !filter.allows(o.StorageTags):
		case o.IsCustomized:
			custom = append(custom, o)
		case o.DiskSizeGiB >= sizeGiB:
			fixed = append(fixed, o)
		}
	}
	names := nameCounts(offerings, func(o cloudstack.DiskOffering) string { return o.Name })
	ref := func(o cloudstack.DiskOffering) string { return offeringRef(o.Name, o.ID, names) }
	byName := func(a, b cloudstack.DiskOffering) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	}

	if len(fixed) > 0 {
		best := slices.MinFunc(fixed, func(a, b cloudstack.DiskOffering) int {
			return cmp.Or(cmp.Compare(a.DiskSizeGiB, b.DiskSizeGiB), byName(a, b))
		})
		return offeringChoice{ref: ref(best), why: fmt.Sprintf("(%s, the smallest fixed offering that holds %d GiB)", describeDisk(best), sizeGiB)}, nil
	}
	if len(custom) > 0 {
		best := slices.MinFunc(custom, byName)
		return offeringChoice{ref: ref(best), customized: true, why: fmt.Sprintf("(%s; no fixed offering holds %d GiB)", describeDisk(best), sizeGiB)}, nil
	}

	listed := make([]string, 0, len(offerings))
	for _, o := range offerings {
		listed = append(listed, describeDisk(o)+excludedNote(filter, o.StorageTags))
	}
	return offeringChoice{}, fmt.Errorf("no disk offering holds an ephemeral disk of %d MiB (%d GiB), fixed or customized; "+
		"the zone's disk offerings: %s", sizeMiB, sizeGiB, listOrNone(listed))
}

// fitRange raises want to a customized offering's minimum and checks it against its maximum; an offering
// without bounds takes any size.
func fitRange(want int64, details map[string]string, minKey, maxKey string) (int64, bool) {
	if lo, err := strconv.ParseInt(strings.TrimSpace(details[minKey]), 10, 64); err == nil && lo > want {
		want = lo
	}
	if hi, err := strconv.ParseInt(strings.TrimSpace(details[maxKey]), 10, 64); err == nil && hi > 0 && want > hi {
		return 0, false
	}
	return want, true
}

func nameCounts[T any](rows []T, nameOf func(T) string) map[string]int {
	counts := map[string]int{}
	for _, r := range rows {
		counts[nameOf(r)]++
	}
	return counts
}

// offeringRef names an offering by name, which reads well in a manifest, unless the name is shared (or
// looks like an id): create_vm's lookup would then be ambiguous, so the id is used.
func offeringRef(name, id string, counts map[string]int) string {
	if name == "" || counts[name] > 1 || cloudstack.IsID(name) {
		return id
	}
	return name
}

func describeService(o cloudstack.ServiceOffering) string {
	if !o.IsCustomized {
		return fmt.Sprintf("'%s' (%d CPU, %d MiB)", o.Name, o.CPUNumber, o.Memory)
	}
	bounds := []string{"customized"}
	if lo, hi := o.Details["mincpunumber"], o.Details["maxcpunumber"]; lo != "" || hi != "" {
		bounds = append(bounds, fmt.Sprintf("%s-%s CPU", lo, hi))
	}
	if lo, hi := o.Details["minmemory"], o.Details["maxmemory"]; lo != "" || hi != "" {
		bounds = append(bounds, fmt.Sprintf("%s-%s MiB", lo, hi))
	}
	return fmt.Sprintf("'%s' (%s)", o.Name, strings.Join(bounds, ", "))
}

func describeDisk(o cloudstack.DiskOffering) string {
	if o.IsCustomized {
		return fmt.Sprintf("'%s' (customized)", o.Name)
	}
	return fmt.Sprintf("'%s' (%d GiB)", o.Name, o.DiskSizeGiB)
}

func excludedNote(filter tagFilter, csv string) string {
	if filter.allows(csv) {
		return ""
	}
	return fmt.Sprintf(" [excluded by %s: %s tags '%s']", filter.configKeys, filter.kind, csv)
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
