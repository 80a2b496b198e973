package cpi_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("calculate_vm_cloud_properties", func() {
	var (
		cloud      *fakeCloud
		cfg        map[string]any
		services   []cloudstack.ServiceOffering
		disks      []cloudstack.DiskOffering
		constraint = map[string]string{"mincpunumber": "2", "maxcpunumber": "8", "minmemory": "1024", "maxmemory": "16384"}
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		cfg = validConfig()
		cloud.zones.FindReturns(cloudstack.Zone{ID: opsZoneID, Name: "zone1"}, true, nil)
		services = []cloudstack.ServiceOffering{
			{ID: "so-large", Name: "Large", CPUNumber: 4, Memory: 8192},
			{ID: "so-medium-b", Name: "Medium B", CPUNumber: 2, Memory: 4096},
			{ID: "so-medium-a", Name: "Medium A", CPUNumber: 2, Memory: 4096},
			{ID: "so-small", Name: "Small", CPUNumber: 1, Memory: 512},
			{ID: "so-wide", Name: "Wide", CPUNumber: 1, Memory: 16384},
			{ID: "so-custom", Name: "Custom", IsCustomized: true},
		}
		disks = []cloudstack.DiskOffering{
			{ID: "do-50", Name: "medium", DiskSizeGiB: 50},
			{ID: "do-10", Name: "small", DiskSizeGiB: 10},
			{ID: "do-custom", Name: "custom", IsCustomized: true},
		}
		cloud.offerings.ListServiceStub = func(_ context.Context, zoneID string) ([]cloudstack.ServiceOffering, error) {
			Expect(zoneID).To(Equal(opsZoneID))
			return services, nil
		}
		cloud.offerings.ListDiskStub = func(_ context.Context, zoneID string) ([]cloudstack.DiskOffering, error) {
			Expect(zoneID).To(Equal(opsZoneID))
			return disks, nil
		}
	})

	calculate := func(resources any) served {
		return serveWith(cloud, writeConfig(GinkgoT().TempDir(), cfg), request("calculate_vm_cloud_properties", resources))
	}
	calculated := func(cpu, ram, disk int) map[string]any {
		out := calculate(map[string]any{"cpu": cpu, "ram": ram, "ephemeral_disk_size": disk})
		Expect(out.Response.Error).To(BeNil())
		Expect(out.Response.Result).To(BeAssignableToTypeOf(map[string]any{}))
		return out.Response.Result.(map[string]any)
	}
	calculateTags := func(key string, tags ...string) {
		calc, _ := cfg["cloudstack"].(map[string]any)["calculate"].(map[string]any)
		if calc == nil {
			calc = map[string]any{}
			cfg["cloudstack"].(map[string]any)["calculate"] = calc
		}
		calc[key] = tags
	}

	Describe("the compute offering", func() {
		It("is the smallest fixed one with enough CPUs and memory, by name, with the ephemeral disk", func() {
			Expect(calculated(2, 1024, 10240)).To(Equal(map[string]any{
				"compute_offering":        "Medium A", // Medium B is the same size: the name decides
				"ephemeral_disk_size":     float64(10240),
				"ephemeral_disk_offering": "small",
			}))
			_, zone := cloud.zones.FindArgsForCall(0)
			Expect(zone).To(Equal("zone1"), "the default zone's offerings")
		})

		It("prefers fewer CPUs, then less memory", func() {
			Expect(calculated(1, 512, 1024)).To(HaveKeyWithValue("compute_offering", "Small"))
			Expect(calculated(1, 1024, 1024)).To(HaveKeyWithValue("compute_offering", "Wide"), "1 CPU and 16 GiB before 2 CPUs and 4 GiB")
			Expect(calculated(3, 1024, 1024)).To(HaveKeyWithValue("compute_offering", "Large"))
		})

		It("names an offering by id when another offering shares its name", func() {
			services = append(services, cloudstack.ServiceOffering{ID: "so-small-2", Name: "Small", CPUNumber: 8, Memory: 32768})
			Expect(calculated(1, 512, 1024)).To(HaveKeyWithValue("compute_offering", "so-small"))
		})

		It("falls back to a customized offering with the sizes set when no fixed one fits", func() {
			Expect(calculated(16, 65536, 1024)).To(Equal(map[string]any{
				"compute_offering": "Custom", "cpu": float64(16), "ram": float64(65536),
				"ephemeral_disk_size": float64(1024), "ephemeral_disk_offering": "small",
			}))
		})

		It("raises the sizes to a constrained offering's minimum, and prefers it because it fixes the CPU speed", func() {
			services = append(services, cloudstack.ServiceOffering{ID: "so-cc", Name: "Constrained", IsCustomized: true, CPUSpeed: 1000, Details: constraint})
			result := calculated(6, 512, 1024)
			Expect(result).To(HaveKeyWithValue("compute_offering", "Constrained"))
			Expect(result).To(HaveKeyWithValue("cpu", float64(6)))
			Expect(result).To(HaveKeyWithValue("ram", float64(1024)))
		})

		It("skips a constrained offering whose maximum is too small", func() {
			services = append(services, cloudstack.ServiceOffering{ID: "so-cc", Name: "Constrained", IsCustomized: true, CPUSpeed: 1000, Details: constraint})
			Expect(calculated(12, 1024, 1024)).To(HaveKeyWithValue("compute_offering", "Custom"))
		})

		It("honours compute_tags: only offerings carrying every one of those host tags", func() {
			services[0].HostTags = "ssd, gpu"
			services[4].HostTags = "ssd"
			calculateTags("compute_tags", "SSD", "gpu")
			Expect(calculated(1, 512, 1024)).To(HaveKeyWithValue("compute_offering", "Large"))
		})

		It("honours not_compute_tags: no offering carrying one of those host tags", func() {
			services[2].HostTags = "windows"
			calculateTags("not_compute_tags", "windows")
			Expect(calculated(2, 1024, 1024)).To(HaveKeyWithValue("compute_offering", "Medium B"))
		})

		It("is a CloudError listing every offering when none fits", func() {
			services = []cloudstack.ServiceOffering{
				{ID: "so-small", Name: "Small", CPUNumber: 1, Memory: 512},
				{ID: "so-cc", Name: "Constrained", IsCustomized: true, CPUSpeed: 1000, Details: constraint},
				{ID: "so-gpu", Name: "GPU", CPUNumber: 32, Memory: 262144, HostTags: "gpu"},
			}
			calculateTags("not_compute_tags", "gpu")
			out := calculate(map[string]any{"cpu": 16, "ram": 65536, "ephemeral_disk_size": 1024})
			expectOpsError(out, cpi.TypeCloudError, "calculate_vm_cloud_properties: in zone 'zone1', no compute offering has 16 CPU(s) and 65536 MiB of memory")
			Expect(out.Response.Error.Message).To(ContainSubstring("'Small' (1 CPU, 512 MiB)"))
			Expect(out.Response.Error.Message).To(ContainSubstring("'Constrained' (customized, 2-8 CPU, 1024-16384 MiB)"))
			Expect(out.Response.Error.Message).To(ContainSubstring("'GPU' (32 CPU, 262144 MiB) [excluded by calculate.compute_tags/not_compute_tags: host tags 'gpu']"))
			Expect(cloud.offerings.ListDiskCallCount()).To(BeZero())
		})

		It("is a CloudError saying none exist when the zone has no offering", func() {
			services = nil
			out := calculate(map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": 0})
			expectOpsError(out, cpi.TypeCloudError, "the zone's compute offerings: none")
		})
	})

	Describe("the ephemeral disk", func() {
		It("is the smallest fixed disk offering that holds the size, rounded up to GiB", func() {
			Expect(calculated(1, 512, 10*1024+1)).To(HaveKeyWithValue("ephemeral_disk_offering", "medium"))
		})

		It("is a customized offering when no fixed one is big enough", func() {
			result := calculated(1, 512, 100*1024)
			Expect(result).To(HaveKeyWithValue("ephemeral_disk_offering", "custom"))
			Expect(result).To(HaveKeyWithValue("ephemeral_disk_size", float64(100*1024)))
		})

		It("honours disk_tags and not_disk_tags (storage tags)", func() {
			disks[0].StorageTags = "ssd"
			disks[1].StorageTags = "ssd,slow"
			calculateTags("disk_tags", "ssd")
			calculateTags("not_disk_tags", "slow")
			Expect(calculated(1, 512, 1024)).To(HaveKeyWithValue("ephemeral_disk_offering", "medium"))
		})

		It("is a CloudError listing the disk offerings when none holds it", func() {
			disks = disks[:2]
			out := calculate(map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": 204800})
			expectOpsError(out, cpi.TypeCloudError, "no disk offering holds an ephemeral disk of 204800 MiB (200 GiB)")
			Expect(out.Response.Error.Message).To(ContainSubstring("'medium' (50 GiB), 'small' (10 GiB)"))
		})

		It("needs no disk offering for a size of 0", func() {
			Expect(calculated(1, 512, 0)).To(Equal(map[string]any{"compute_offering": "Small", "ephemeral_disk_size": float64(0)}))
			Expect(cloud.offerings.ListDiskCallCount()).To(BeZero())
		})

		It("needs no disk offering when the ephemeral data lives on the root disk", func() {
			cfg["cloudstack"].(map[string]any)["ephemeral_disk_mode"] = "none"
			Expect(calculated(1, 512, 4096)).To(Equal(map[string]any{"compute_offering": "Small", "ephemeral_disk_size": float64(4096)}))
			Expect(cloud.offerings.ListDiskCallCount()).To(BeZero())
		})
	})

	DescribeTable("a missing or invalid key is a CpiError naming it, before CloudStack is asked",
		func(resources any, message string) {
			out := calculate(resources)
			expectOpsError(out, cpi.TypeCpiError, "calculate_vm_cloud_properties: argument 1 (vm_resources): "+message)
			Expect(cloud.zones.FindCallCount()).To(BeZero())
		},
		Entry("cpu missing", map[string]any{"ram": 512, "ephemeral_disk_size": 0}, "cpu is missing"),
		Entry("ram null", map[string]any{"cpu": 1, "ram": nil, "ephemeral_disk_size": 0}, "ram is missing"),
		Entry("ephemeral_disk_size missing", map[string]any{"cpu": 1, "ram": 512}, "ephemeral_disk_size is missing"),
		Entry("an empty object", map[string]any{}, "cpu is missing"),
		Entry("null", nil, "cpu is missing"),
		Entry("cpu as a string", map[string]any{"cpu": "2", "ram": 512, "ephemeral_disk_size": 0}, `cpu must be a positive integer, got string "2"`),
		Entry("cpu of 0", map[string]any{"cpu": 0, "ram": 512, "ephemeral_disk_size": 0}, "cpu must be a positive integer, got 0"),
		Entry("ram with a fraction", map[string]any{"cpu": 1, "ram": 512.5, "ephemeral_disk_size": 0}, "ram must be a positive integer, got 512.5"),
		Entry("a negative disk", map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": -1}, "ephemeral_disk_size must be an integer of at least 0, got -1"),
		Entry("a disk as an object", map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": map[string]any{"size": 1}}, `ephemeral_disk_size must be an integer of at least 0, got object {"size":1}`),
	)

	It("refuses an argument that is not an object", func() {
		out := calculate([]any{1, 512, 0})
		expectOpsError(out, cpi.TypeCpiError, "calculate_vm_cloud_properties: argument 1 (vm_resources) must be an object, got array")
	})

	It("is a CloudError when the default zone does not exist", func() {
		cloud.zones.FindReturns(cloudstack.Zone{}, false, nil)
		out := calculate(map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": 0})
		expectOpsError(out, cpi.TypeCloudError, "the default zone 'zone1' does not exist")
	})

	It("is a CloudError with CloudStack's text when listing fails", func() {
		cloud.offerings.ListServiceStub = nil
		cloud.offerings.ListServiceReturns(nil, &cloudstack.APIError{Command: "listServiceOfferings", HTTPCode: 530, Text: "db gone"})
		out := calculate(map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": 0})
		expectOpsError(out, cpi.TypeCloudError, "listing the compute offerings of zone 'zone1'")
		Expect(out.Response.Error.Message).To(ContainSubstring("db gone"))
	})

	It("is a CloudError with CloudStack's text when listing disk offerings fails", func() {
		cloud.offerings.ListDiskStub = nil
		cloud.offerings.ListDiskReturns(nil, &cloudstack.APIError{Command: "listDiskOfferings", HTTPCode: 530, Text: "db gone"})
		out := calculate(map[string]any{"cpu": 1, "ram": 512, "ephemeral_disk_size": 1})
		expectOpsError(out, cpi.TypeCloudError, "listing the disk offerings of zone 'zone1'")
	})
})
