package cloudstack_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

const (
	antiAffinity = "host anti-affinity"
	unknownUUID  = "8d6e2a1e-1111-2222-3333-444455556666"
)

var _ = Describe("contract: affinity groups, security groups and SSH key pairs", Label("contract"), func() {
	var (
		ctx context.Context
		env *simEnv
	)

	BeforeEach(func() {
		ctx = context.Background()
		env = newSimEnv(nil)
	})

	Describe("AffinityGroups", func() {
		It("lists the types a user may create", func() {
			types, err := env.client.AffinityGroups().ListTypes(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(types).To(ContainElements(antiAffinity, "host affinity"))
		})

		It("creates a group once and finds it by name and by id", func() {
			groups := env.client.AffinityGroups()
			group, created, err := groups.Create(ctx, "bosh-web", antiAffinity, "web instances", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeTrue())
			Expect(cloudstack.IsID(group.ID)).To(BeTrue())
			Expect(group).To(Equal(cloudstack.AffinityGroup{ID: group.ID, Name: "bosh-web", Type: antiAffinity, VMIDs: []string{}}))

			byName, found, err := groups.Find(ctx, "bosh-web")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byName).To(Equal(group))
			byID, found, err := groups.Find(ctx, group.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(group))

			again, created, err := groups.Create(ctx, "bosh-web", antiAffinity, "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeFalse())
			Expect(again.ID).To(Equal(group.ID))
			Expect(env.sim.CallCount("createAffinityGroup")).To(Equal(1))
		})

		It("returns an existing group of another type as it is, for the caller to compare", func() {
			first, _, err := env.client.AffinityGroups().Create(ctx, "bosh-db", "host affinity", "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			group, created, err := env.client.AffinityGroups().Create(ctx, "bosh-db", antiAffinity, "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeFalse())
			Expect(group.ID).To(Equal(first.ID))
			Expect(group.Type).To(Equal("host affinity"))
		})

		It("ends with one group when 20 processes create it at once, and all of them use it", func() {
			const callers = 20
			// Every caller's first look finds nothing: the barrier holds the
			// first 20 listAffinityGroups until all have arrived, so all 20
			// go on to create the group.
			barrier := newRequestBarrier(env.sim, "listAffinityGroups", callers)
			server := httptest.NewServer(barrier)
			DeferCleanup(server.Close)
			client := env.newClient(server.URL, testSecretKey)

			var (
				wg      sync.WaitGroup
				ids     [callers]string
				created [callers]bool
				errs    [callers]error
			)
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					g, made, err := client.AffinityGroups().Create(ctx, "bosh-race", antiAffinity, "", jobTimeout)
					ids[i], created[i], errs[i] = g.ID, made, err
				}()
			}
			wg.Wait()

			Expect(barrier.timedOut()).To(BeFalse())
			Expect(env.sim.CallCount("createAffinityGroup")).To(Equal(callers))
			for i := range callers {
				Expect(errs[i]).NotTo(HaveOccurred())
				Expect(ids[i]).To(Equal(ids[0]))
			}
			creators := 0
			for _, c := range created {
				if c {
					creators++
				}
			}
			Expect(creators).To(Equal(1))
			Expect(env.affinityGroupsNamed("bosh-race")).To(Equal(1))
			group, found, err := env.client.AffinityGroups().Find(ctx, "bosh-race")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(group.ID).To(Equal(ids[0]))
		})

		It("reports member VMs and deletes a group only once it is empty", func() {
			groups := env.client.AffinityGroups()
			group, _, err := groups.Create(ctx, "bosh-members", antiAffinity, "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			vmID := env.addVM("member-1", "zone1-isolated", "10.1.1.50")
			env.joinAffinityGroup(group.ID, vmID)

			withMember, _, err := groups.Find(ctx, "bosh-members")
			Expect(err).NotTo(HaveOccurred())
			Expect(withMember.VMIDs).To(Equal([]string{vmID}))

			deleted, err := groups.DeleteIfEmpty(ctx, group.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(deleted).To(BeFalse())
			Expect(env.affinityGroupsNamed("bosh-members")).To(Equal(1))

			env.expungeVM(vmID)
			deleted, err = groups.DeleteIfEmpty(ctx, group.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(deleted).To(BeTrue())
			_, found, err := groups.Find(ctx, group.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			deleted, err = groups.DeleteIfEmpty(ctx, group.ID, jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(deleted).To(BeFalse())
		})

		It("deletes a group with members, and a group already gone counts as deleted", func() {
			groups := env.client.AffinityGroups()
			group, _, err := groups.Create(ctx, "bosh-gone", antiAffinity, "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			env.joinAffinityGroup(group.ID, env.addVM("member-2", "zone1-isolated", "10.1.1.51"))

			Expect(groups.Delete(ctx, group.ID, jobTimeout)).To(Succeed())
			Expect(env.affinityGroupsNamed("bosh-gone")).To(BeZero())
			Expect(groups.Delete(ctx, group.ID, jobTimeout)).To(Succeed())
			Expect(groups.Delete(ctx, unknownUUID, jobTimeout)).To(Succeed())
		})

		It("reports unknown groups as not found and refuses bad input clearly", func() {
			groups := env.client.AffinityGroups()
			_, found, err := groups.Find(ctx, "nope")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			_, found, err = groups.Find(ctx, unknownUUID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())

			_, _, err = groups.Create(ctx, "bosh-bad", "rack affinity", "", jobTimeout)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(431))
			Expect(cloudstack.IsNotFound(err)).To(BeFalse())
			Expect(env.affinityGroupsNamed("bosh-bad")).To(BeZero())

			Expect(groups.Delete(ctx, "bosh-web", jobTimeout)).To(MatchError(ContainSubstring(`"bosh-web" is not a CloudStack uuid`)))
			_, _, err = groups.Create(ctx, "", antiAffinity, "", jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("name and the type")))
		})

		It("refuses a name two groups share, which Create would settle on the earlier of", func() {
			seeded := newSimEnv(func(o *simulator.Options) {
				o.Seed = simulator.DefaultSeed()
				o.Seed.AffinityGroups = []simulator.SeedAffinityGroup{
					{ID: "0a000000-0000-4000-8000-000000000001", Name: "twin", Type: antiAffinity},
					{ID: "0a000000-0000-4000-8000-000000000002", Name: "twin", Type: antiAffinity},
				}
			})
			_, _, err := seeded.client.AffinityGroups().Find(ctx, "twin")
			var ambiguous *cloudstack.AmbiguousError
			Expect(errors.As(err, &ambiguous)).To(BeTrue())

			group, created, err := seeded.client.AffinityGroups().Create(ctx, "twin", antiAffinity, "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeFalse())
			Expect(group.ID).To(Equal("0a000000-0000-4000-8000-000000000001"))
		})
	})

	Describe("SecurityGroups", func() {
		It("finds the default group by name and by id", func() {
			group, found, err := env.client.SecurityGroups().Find(ctx, "default")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(group.Name).To(Equal("default"))
			Expect(cloudstack.IsID(group.ID)).To(BeTrue())

			byID, found, err := env.client.SecurityGroups().Find(ctx, group.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(byID).To(Equal(group))
		})

		It("reports unknown groups as not found", func() {
			_, found, err := env.client.SecurityGroups().Find(ctx, "defaul")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			_, found, err = env.client.SecurityGroups().Find(ctx, unknownUUID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})
	})

	Describe("SSHKeyPairs", func() {
		It("finds a key pair by exact name", func() {
			key, found, err := env.client.SSHKeyPairs().Find(ctx, "bosh")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(key.Name).To(Equal("bosh"))
			Expect(key.Fingerprint).To(MatchRegexp(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`))

			_, found, err = env.client.SSHKeyPairs().Find(ctx, "Bosh")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			_, _, err = env.client.SSHKeyPairs().Find(ctx, "")
			Expect(err).To(HaveOccurred())
		})
	})
})
