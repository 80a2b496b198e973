package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

const (
	zone1ID = "1d8d87d4-1425-459c-8d81-c6f57dca2bd2"
	zone2ID = "04ccc336-d730-42fe-8ff6-5ae36e141e81"
)

func zoneJSON(id, name string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"networktype":"Advanced","securitygroupsenabled":false,"allocationstate":"Enabled","localstorageenabled":true,"dhcpprovider":"VirtualRouter","tags":[]}`, id, name)
}

func listBody(item string, count int, rows ...string) string {
	return fmt.Sprintf(`{"count":%d,%q:[%s]}`, count, item, strings.Join(rows, ","))
}

const unknownIDText = "Unable to execute API command listzones due to invalid value. Invalid parameter id value=%s due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class."

var _ = Describe("lookups", func() {
	var (
		env *testEnv
		ctx context.Context
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
	})

	Describe("Zones", func() {
		It("finds a zone by exact name, even when CloudStack also returns near matches", func() {
			env.api.ok("listZones", listBody("zone", 3, zoneJSON(zone2ID, "zone10"), zoneJSON(zone1ID, "zone1"), zoneJSON("9a8b7c6d-0000-0000-0000-000000000000", "Zone1")))
			zone, found, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(zone).To(Equal(cloudstack.Zone{ID: zone1ID, Name: "zone1", NetworkType: "Advanced",
				LocalStorageEnabled: true, AllocationState: "Enabled"}))
			Expect(env.api.calls("listZones")[0].Get("name")).To(Equal("zone1"))
			Expect(env.api.calls("listZones")[0].Get("id")).To(BeEmpty())
		})

		It("finds a zone by id", func() {
			env.api.ok("listZones", listBody("zone", 1, zoneJSON(zone1ID, "zone1")))
			zone, found, err := env.client.Zones().Find(ctx, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(zone.Name).To(Equal("zone1"))
			Expect(env.api.calls("listZones")[0].Get("id")).To(Equal(zone1ID))
			Expect(env.api.calls("listZones")[0].Get("name")).To(BeEmpty())
		})

		It("reports a name nothing matches exactly as not found, without an error", func() {
			env.api.ok("listZones", listBody("zone", 1, zoneJSON(zone2ID, "zone10")))
			_, found, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("reports an empty answer as not found", func() {
			env.api.ok("listZones", `{}`)
			_, found, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("reports CloudStack's 431 for an unknown uuid as not found", func() {
			missing := "8d6e2a1e-1111-2222-3333-444455556666"
			env.api.on("listZones", func(url.Values) (int, string) {
				return apiError("listZones", 431, 9999, fmt.Sprintf(unknownIDText, missing))
			})
			_, found, err := env.client.Zones().Find(ctx, missing)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("refuses to guess between two zones of the same name", func() {
			env.api.ok("listZones", listBody("zone", 2, zoneJSON(zone1ID, "zone1"), zoneJSON(zone2ID, "zone1")))
			_, found, err := env.client.Zones().Find(ctx, "zone1")
			Expect(found).To(BeFalse())
			var ambiguous *cloudstack.AmbiguousError
			Expect(errors.As(err, &ambiguous)).To(BeTrue())
			Expect(ambiguous.IDs).To(ConsistOf(zone1ID, zone2ID))
			Expect(err.Error()).To(ContainSubstring(`2 zones are named "zone1"`))
		})

		It("passes other errors on", func() {
			env.api.on("listZones", func(url.Values) (int, string) { return apiError("listZones", 530, 4250, "database is down") })
			_, _, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).To(MatchError(ContainSubstring("database is down")))
		})

		It("pages through long lists, 500 rows at a time, until count rows arrived", func() {
			const total = 1203
			env.api.on("listZones", func(p url.Values) (int, string) {
				page, _ := strconv.Atoi(p.Get("page"))
				size, _ := strconv.Atoi(p.Get("pagesize"))
				var rows []string
				for i := (page - 1) * size; i < min(page*size, total); i++ {
					rows = append(rows, zoneJSON(fmt.Sprintf("00000000-0000-0000-0000-%012d", i), fmt.Sprintf("zone-%d", i)))
				}
				return 200, envelope("listZones", listBody("zone", total, rows...))
			})
			zones, err := env.client.Zones().List(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(total))
			Expect(zones[1202].Name).To(Equal("zone-1202"))

			calls := env.api.calls("listZones")
			Expect(calls).To(HaveLen(3))
			for i, call := range calls {
				Expect(call.Get("page")).To(Equal(strconv.Itoa(i + 1)))
				Expect(call.Get("pagesize")).To(Equal("500"))
			}
		})

		It("stops paging at an empty page even if count promised more", func() {
			env.api.on("listZones", func(p url.Values) (int, string) {
				if p.Get("page") == "1" {
					return 200, envelope("listZones", listBody("zone", 5, zoneJSON(zone1ID, "zone1")))
				}
				return 200, envelope("listZones", `{"count":5}`)
			})
			zones, err := env.client.Zones().List(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(1))
			Expect(env.api.calls("listZones")).To(HaveLen(2))
		})
	})

	Describe("OSTypes", func() {
		osType := func(id, description string) string {
			return fmt.Sprintf(`{"id":%q,"oscategoryid":"e4a6a2f2-5fdf-11ea-9a56-1e006800018c","description":%q,"isuserdefined":false,"fordisplay":true}`, id, description)
		}

		It("matches the description exactly although CloudStack filters by substring", func() {
			env.api.ok("listOsTypes", listBody("ostype", 2,
				osType("e53f7606-5fdf-11ea-9a56-1e006800018c", "Other PV (64-bit)"),
				osType("f3404cc6-c38c-11eb-848b-1e006800018c", "Other PV (64-bit) legacy")))
			t, found, err := env.client.OSTypes().FindByDescription(ctx, "Other PV (64-bit)")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(t).To(Equal(cloudstack.OSType{ID: "e53f7606-5fdf-11ea-9a56-1e006800018c", Description: "Other PV (64-bit)",
				CategoryID: "e4a6a2f2-5fdf-11ea-9a56-1e006800018c"}))
			Expect(env.api.calls("listOsTypes")[0].Get("description")).To(Equal("Other PV (64-bit)"))
		})

		It("takes an id too", func() {
			env.api.ok("listOsTypes", listBody("ostype", 1, osType("e53f7606-5fdf-11ea-9a56-1e006800018c", "Other PV (64-bit)")))
			_, found, err := env.client.OSTypes().FindByDescription(ctx, "e53f7606-5fdf-11ea-9a56-1e006800018c")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(env.api.calls("listOsTypes")[0].Get("id")).To(Equal("e53f7606-5fdf-11ea-9a56-1e006800018c"))
		})

		It("reports no exact match as not found", func() {
			env.api.ok("listOsTypes", listBody("ostype", 1, osType("e53f7606-5fdf-11ea-9a56-1e006800018c", "Other PV (64-bit)")))
			_, found, err := env.client.OSTypes().FindByDescription(ctx, "Other PV")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})
	})

	Describe("Offerings", func() {
		const (
			smallID  = "498ce071-a077-4237-9492-e55c42553327"
			customID = "0ad4b0cc-0000-4237-9492-e55c42553327"
			diskID   = "7662b6ae-f00b-4268-973f-f3f87eaf82c5"
		)
		small := `{"id":"` + smallID + `","name":"Small Instance","displaytext":"Small Instance","cpunumber":1,"cpuspeed":500,"memory":512,"iscustomized":false,"storagetype":"shared","provisioningtype":"thin","storagetags":"ssd","hosttags":"xen","rootdisksize":20,"offerha":false,"limitcpuuse":false,"issystem":false,"defaultuse":false,"isvolatile":false,"cacheMode":"none","state":"Active","created":"2021-10-04T09:00:00+0000"}`
		custom := `{"id":"` + customID + `","name":"Custom","displaytext":"Custom","iscustomized":true,"storagetype":"local","serviceofferingdetails":{"mincpunumber":"1","maxcpunumber":"8"},"state":"Active"}`
		disk := `{"id":"` + diskID + `","name":"test","displaytext":"test","disksize":0,"created":"2021-10-02T15:19:25+0000","iscustomized":true,"storagetype":"shared","provisioningtype":"thin","cacheMode":"none","displayoffering":true,"tags":"ssd,fast"}`

		It("finds a service offering by name within a zone and reads its sizes", func() {
			env.api.ok("listServiceOfferings", listBody("serviceoffering", 2, small, custom))
			offering, found, err := env.client.Offerings().FindService(ctx, "Small Instance", zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(offering).To(Equal(cloudstack.ServiceOffering{ID: smallID, Name: "Small Instance", CPUNumber: 1, CPUSpeed: 500,
				Memory: 512, RootDiskSize: 20, StorageType: "shared", StorageTags: "ssd", HostTags: "xen"}))
			call := env.api.calls("listServiceOfferings")[0]
			Expect(call.Get("name")).To(Equal("Small Instance"))
			Expect(call.Get("zoneid")).To(Equal(zone1ID))
		})

		It("reads a customized offering's ranges", func() {
			env.api.ok("listServiceOfferings", listBody("serviceoffering", 1, custom))
			offering, found, err := env.client.Offerings().FindService(ctx, customID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(offering.IsCustomized).To(BeTrue())
			Expect(offering.Details).To(HaveKeyWithValue("maxcpunumber", "8"))
			Expect(env.api.calls("listServiceOfferings")[0].Has("zoneid")).To(BeFalse())
		})

		It("lists service offerings", func() {
			env.api.ok("listServiceOfferings", listBody("serviceoffering", 2, small, custom))
			offerings, err := env.client.Offerings().ListService(ctx, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(offerings).To(HaveLen(2))
		})

		It("finds a disk offering and keeps its storage tags, a string in CloudStack", func() {
			env.api.ok("listDiskOfferings", listBody("diskoffering", 1, disk))
			offering, found, err := env.client.Offerings().FindDisk(ctx, "test", zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(offering).To(Equal(cloudstack.DiskOffering{ID: diskID, Name: "test", IsCustomized: true, StorageType: "shared", StorageTags: "ssd,fast"}))
		})

		It("reports an unknown disk offering id as not found", func() {
			env.api.on("listDiskOfferings", func(url.Values) (int, string) {
				return apiError("listDiskOfferings", 431, 9999, fmt.Sprintf(unknownIDText, diskID))
			})
			_, found, err := env.client.Offerings().FindDisk(ctx, diskID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("lists disk offerings", func() {
			env.api.ok("listDiskOfferings", `{}`)
			offerings, err := env.client.Offerings().ListDisk(ctx, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(offerings).To(BeEmpty())
		})
	})
})
