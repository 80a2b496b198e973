package cloudstack_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// CloudStack's api.throttling refuses calls beyond its limit with HTTP 429 before running them, so the
// wrapper may send any of them again; cloudstack-go does not.
var _ = Describe("throttling (HTTP 429)", func() {
	ctx := context.Background()

	throttled := func(max int, interval time.Duration) *simEnv {
		return newSimEnv(func(o *simulator.Options) {
			o.Faults.Throttle = &simulator.Throttle{Max: max, Interval: simulator.Duration(interval)}
		})
	}
	refusals := func(env *simEnv, command string) int {
		n := 0
		for _, call := range env.sim.Calls() {
			if call.Command == command && call.ErrorCode == 429 {
				n++
			}
		}
		return n
	}

	It("sends a throttled call again once CloudStack's window has passed", func() {
		env := throttled(1, time.Second)
		for range 3 {
			_, err := env.client.Zones().List(ctx)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(refusals(env, "listZones")).To(Equal(2))
		Expect(env.client.Calls()).To(HaveKeyWithValue("listZones", 5), "every request sent is counted")
		Expect(env.log.count("WARN")).To(Equal(2))
		Expect(env.log.all()).To(ContainSubstring("listZones was throttled by CloudStack (HTTP 429)"))
	})

	It("sends a throttled POST again with its body", func() {
		env := throttled(1, time.Second)
		zone, _, err := env.client.Zones().Find(ctx, "zone1")
		Expect(err).NotTo(HaveOccurred())
		volume, err := env.client.Volumes().Create(ctx, cloudstack.VolumeSpec{Name: "throttled", ZoneID: zone.ID,
			DiskOfferingID: diskOfferingID(env, "small")}, time.Minute)
		Expect(err).NotTo(HaveOccurred())
		// createTags goes as a form POST.
		Expect(env.client.Tags().Upsert(ctx, cloudstack.ResourceTypeVolume, volume.ID, map[string]string{"owner": "throttled"})).To(Succeed())
		Expect(refusals(env, "createTags")).To(Equal(1))
		Expect(env.client.Tags().List(ctx, cloudstack.ResourceTypeVolume, volume.ID)).To(Equal(map[string]string{"owner": "throttled"}))
	})

	It("gives up after a bounded number of attempts with CloudStack's 429, which is transient", func() {
		env := throttled(1, 24*time.Hour)
		_, err := env.client.Zones().List(ctx)
		Expect(err).NotTo(HaveOccurred())
		_, err = env.client.Zones().List(ctx)
		Expect(err).To(MatchError(ContainSubstring("429")))
		Expect(err).To(MatchError(ContainSubstring("listZones")))
		Expect(cloudstack.IsTransient(err)).To(BeTrue())
		Expect(refusals(env, "listZones")).To(BeNumerically("<=", 10))
	})
})

// diskOfferingID is the id of one of the default seed's disk offerings.
func diskOfferingID(env *simEnv, name string) string {
	offering, found, err := env.client.Offerings().FindDisk(context.Background(), name, "")
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue())
	return offering.ID
}
