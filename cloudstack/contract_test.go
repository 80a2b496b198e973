package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// Contract tests: the wrapper against the bundled simulator, with no scripted
// answers. What passes here relies only on CloudStack's documented behaviour.
var _ = Describe("contract with the bundled simulator", Label("contract"), func() {
	var ctx context.Context

	BeforeEach(func() { ctx = context.Background() })

	Describe("Zones", func() {
		var env *simEnv
		BeforeEach(func() { env = newSimEnv(nil) })

		It("lists the zones and finds one by name and by id", func() {
			zones, err := env.client.Zones().List(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(zones).To(HaveLen(2))

			byName, found, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byName.Name).To(Equal("zone1"))
			Expect(byName.NetworkType).To(Equal("Advanced"))
			Expect(byName.AllocationState).To(Equal("Enabled"))
			Expect(cloudstack.IsID(byName.ID)).To(BeTrue())
			Expect(zones).To(ContainElement(byName))

			byID, found, err := env.client.Zones().Find(ctx, byName.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(byName))
		})

		It("reports an unknown name and an unknown id as not found", func() {
			_, found, err := env.client.Zones().Find(ctx, "zone")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			_, found, err = env.client.Zones().Find(ctx, "8d6e2a1e-1111-2222-3333-444455556666")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("refuses a name two zones share", func() {
			env := newSimEnv(func(o *simulator.Options) {
				o.Seed = &simulator.Seed{Zones: []simulator.SeedZone{
					{Name: "twin", Hypervisor: "KVM"}, {Name: "twin", Hypervisor: "XenServer"},
				}}
			})
			_, _, err := env.client.Zones().Find(ctx, "twin")
			var ambiguous *cloudstack.AmbiguousError
			Expect(errors.As(err, &ambiguous)).To(BeTrue())
			Expect(ambiguous.IDs).To(HaveLen(2))
		})
	})

	Describe("OSTypes", func() {
		var env *simEnv
		BeforeEach(func() { env = newSimEnv(nil) })

		It("matches a description exactly, though the server matches substrings", func() {
			t, found, err := env.client.OSTypes().FindByDescription(ctx, "Other PV (64-bit)")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(t.Description).To(Equal("Other PV (64-bit)"))

			_, found, err = env.client.OSTypes().FindByDescription(ctx, "Ubuntu")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			byID, found, err := env.client.OSTypes().FindByDescription(ctx, t.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(t))
		})
	})

	Describe("Offerings", func() {
		var (
			env    *simEnv
			zoneID string
		)
		BeforeEach(func() {
			env = newSimEnv(nil)
			zone, _, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			zoneID = zone.ID
		})

		It("reads a fixed compute offering", func() {
			o, found, err := env.client.Offerings().FindService(ctx, "Medium Instance", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(o.CPUNumber).To(Equal(2))
			Expect(o.CPUSpeed).To(Equal(1000))
			Expect(o.Memory).To(Equal(2048))
			Expect(o.IsCustomized).To(BeFalse())

			byID, found, err := env.client.Offerings().FindService(ctx, o.ID, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(o))
		})

		It("reads a customized compute offering and its bounds", func() {
			o, found, err := env.client.Offerings().FindService(ctx, "Custom Constrained", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(o.IsCustomized).To(BeTrue())
			Expect(o.CPUNumber).To(BeZero())
			Expect(o.Details).To(HaveKeyWithValue("maxcpunumber", "8"))
		})

		It("tells a fixed disk offering from a customized one", func() {
			small, found, err := env.client.Offerings().FindDisk(ctx, "small", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(small.DiskSizeGiB).To(Equal(int64(10)))
			Expect(small.IsCustomized).To(BeFalse())

			custom, found, err := env.client.Offerings().FindDisk(ctx, "custom", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(custom.IsCustomized).To(BeTrue())
		})

		It("reports unknown offerings as not found", func() {
			_, found, err := env.client.Offerings().FindService(ctx, "Tiny Instance", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			_, found, err = env.client.Offerings().FindDisk(ctx, "8d6e2a1e-1111-2222-3333-444455556666", zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("lists every offering", func() {
			service, err := env.client.Offerings().ListService(ctx, zoneID)
			Expect(err).NotTo(HaveOccurred())
			Expect(service).To(HaveLen(5))
			disk, err := env.client.Offerings().ListDisk(ctx, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(disk).To(HaveLen(3))
		})
	})

	It("pages through lists longer than CloudStack's 500-row pages", func() {
		seed := simulator.DefaultSeed()
		seed.ServiceOfferings = nil
		for i := range 1203 {
			seed.ServiceOfferings = append(seed.ServiceOfferings,
				simulator.SeedServiceOffering{Name: fmt.Sprintf("offering-%04d", i), CPUNumber: 1, CPUSpeed: 500, Memory: 512})
		}
		env := newSimEnv(func(o *simulator.Options) { o.Seed = seed })

		offerings, err := env.client.Offerings().ListService(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(offerings).To(HaveLen(1203))
		names := map[string]bool{}
		for _, o := range offerings {
			names[o.Name] = true
		}
		Expect(names).To(HaveLen(1203))
		Expect(env.client.Calls()["listServiceOfferings"]).To(Equal(3))
		Expect(env.sim.CallCount("listServiceOfferings")).To(Equal(3))
	})

	Describe("Tags", func() {
		var (
			env    *simEnv
			zoneID string
		)
		BeforeEach(func() {
			env = newSimEnv(nil)
			zone, _, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			zoneID = zone.ID
		})

		It("creates, changes and keeps tags with as few calls as the diff needs", func() {
			tags := env.client.Tags()
			Expect(tags.Upsert(ctx, "Zone", zoneID, map[string]string{"director": "bosh-1", "deployment": "cf"})).To(Succeed())
			Expect(tags.List(ctx, "Zone", zoneID)).To(Equal(map[string]string{"director": "bosh-1", "deployment": "cf"}))

			Expect(tags.Upsert(ctx, "Zone", zoneID, map[string]string{"director": "bosh-2", "deployment": "cf", "index": "0"})).To(Succeed())
			Expect(tags.List(ctx, "Zone", zoneID)).To(Equal(map[string]string{"director": "bosh-2", "deployment": "cf", "index": "0"}))
			Expect(env.sim.CallCount("deleteTags")).To(Equal(1))
			Expect(env.sim.CallCount("createTags")).To(Equal(2))

			before := env.client.TotalCalls()
			Expect(tags.Upsert(ctx, "Zone", zoneID, map[string]string{"director": "bosh-2"})).To(Succeed())
			Expect(env.client.TotalCalls() - before).To(Equal(1)) // listTags only
		})

		It("tags a resource that has none with one createTags and its job, listing nothing", func() {
			Expect(env.client.Tags().Create(ctx, "Zone", zoneID, map[string]string{"director": "bosh-1", "empty": ""})).To(Succeed())
			Expect(env.sim.CallCount("listTags")).To(BeZero())
			Expect(env.sim.CallCount("createTags")).To(Equal(1))
			Expect(env.client.Tags().List(ctx, "Zone", zoneID)).To(Equal(map[string]string{"director": "bosh-1"}))
		})

		It("cuts long values to 255 characters, which CloudStack stores", func() {
			long := strings.Repeat("v", 300)
			Expect(env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"long": long})).To(Succeed())
			Expect(env.client.Tags().List(ctx, "Zone", zoneID)).To(HaveKeyWithValue("long", long[:255]))
		})

		It("replaces a key that differs only in case", func() {
			Expect(env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"Director": "bosh"})).To(Succeed())
			Expect(env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"director": "bosh"})).To(Succeed())
			Expect(env.client.Tags().List(ctx, "Zone", zoneID)).To(Equal(map[string]string{"director": "bosh"}))
		})

		It("deletes the keys that are there and ignores the others", func() {
			Expect(env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"a": "1", "b": "2"})).To(Succeed())
			Expect(env.client.Tags().Delete(ctx, "Zone", zoneID, []string{"a", "missing"})).To(Succeed())
			Expect(env.client.Tags().List(ctx, "Zone", zoneID)).To(Equal(map[string]string{"b": "2"}))
			Expect(env.client.Tags().Delete(ctx, "Zone", zoneID, []string{"missing"})).To(Succeed())
		})

		It("reports tagging a resource that does not exist as not found", func() {
			err := env.client.Tags().Upsert(ctx, "Zone", "8d6e2a1e-1111-2222-3333-444455556666", map[string]string{"a": "1"})
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(cloudstack.IsNotFound(err)).To(BeTrue())
		})
	})

	Describe("async jobs", func() {
		var zoneID string

		findZone := func(env *simEnv) {
			zone, _, err := env.client.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())
			zoneID = zone.ID
		}

		It("waits for a job that stays pending, backing off on the shared clock", func() {
			env := newSimEnv(func(o *simulator.Options) { o.JobDelay = 3 * time.Second })
			findZone(env)
			started := env.clock.Now()
			Expect(env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"a": "1"})).To(Succeed())
			Expect(env.clock.Now().Sub(started)).To(BeNumerically(">=", 3*time.Second))
			Expect(env.client.Calls()["queryAsyncJobResult"]).To(BeNumerically(">", 1))
			Expect(env.client.Tags().List(ctx, "Zone", zoneID)).To(HaveKeyWithValue("a", "1"))
		})

		It("gives up at the job timeout", func() {
			env := newSimEnv(func(o *simulator.Options) { o.JobDelay = time.Hour })
			server := httptest.NewServer(env.sim)
			DeferCleanup(server.Close)
			c, err := cloudstack.New(cloudstack.Options{Endpoint: server.URL + "/client/api", APIKey: testAPIKey, SecretKey: testSecretKey,
				Clock: sharedClock{env.clock}, JobTimeout: time.Minute})
			Expect(err).NotTo(HaveOccurred())
			zone, _, err := c.Zones().Find(ctx, "zone1")
			Expect(err).NotTo(HaveOccurred())

			err = c.Tags().Upsert(ctx, "Zone", zone.ID, map[string]string{"a": "1"})
			var timeoutErr *cloudstack.TimeoutError
			Expect(errors.As(err, &timeoutErr)).To(BeTrue())
			Expect(timeoutErr.Operation).To(Equal("createTags"))
			Expect(timeoutErr.Waited).To(Equal(time.Minute))
		})

		It("returns a failed job with the simulator's code and text", func() {
			env := newSimEnv(nil)
			findZone(env)
			Expect(env.sim.AddFault(simulator.FaultRule{Command: "createTags", Nth: 1, Kind: "job", ErrorCode: 533, Message: "no capacity left"})).To(Succeed())
			err := env.client.Tags().Upsert(ctx, "Zone", zoneID, map[string]string{"a": "1"})
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Code).To(Equal(533))
			Expect(jobErr.Text).To(ContainSubstring("no capacity left"))
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
		})
	})

	Describe("errors on the wire", func() {
		It("classifies a refused signature as an auth error", func() {
			env := newSimEnv(nil)
			server := httptest.NewServer(env.sim)
			DeferCleanup(server.Close)
			_, err := env.newClient(server.URL, "wrong-secret").Zones().List(ctx)
			Expect(cloudstack.IsAuth(err)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring("unable to verify user credentials"))
			Expect(err.Error()).NotTo(ContainSubstring(testAPIKey))
		})

		It("classifies throttling that outlasts the wrapper's own retries as transient", func() {
			env := newSimEnv(nil)
			Expect(env.sim.AddFault(simulator.FaultRule{Command: "listZones", Nth: 0, Kind: "http", ErrorCode: 429, Message: "api limit reached"})).To(Succeed())
			_, err := env.client.Zones().List(ctx)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(429))
			Expect(cloudstack.IsTransient(err)).To(BeTrue())

			Expect(env.sim.SetFaults(simulator.FaultConfig{})).To(Succeed())
			_, err = env.client.Zones().List(ctx)
			Expect(err).NotTo(HaveOccurred())
		})

		It("classifies a refused allocation as capacity", func() {
			env := newSimEnv(nil)
			Expect(env.sim.AddFault(simulator.FaultRule{Command: "listServiceOfferings", Nth: 0, Kind: "http", ErrorCode: 535, Message: "limit exceeded"})).To(Succeed())
			_, _, err := env.client.Offerings().FindService(ctx, "Small Instance", "")
			Expect(cloudstack.IsCapacity(err)).To(BeTrue())
		})
	})

	It("logs each call without the keys", func() {
		env := newSimEnv(nil)
		_, err := env.client.Zones().List(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(env.log.all()).To(ContainSubstring("listZones"))
		Expect(env.log.all()).NotTo(ContainSubstring(testAPIKey))
		Expect(env.log.all()).NotTo(ContainSubstring(testSecretKey))
	})
})
