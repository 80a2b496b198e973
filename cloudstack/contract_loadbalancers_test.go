package cloudstack_test

import (
	"context"
	"errors"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("contract: load balancer rules", Label("contract"), func() {
	var (
		ctx     context.Context
		env     *simEnv
		zone1ID string
		ipID    string
		spec    cloudstack.LBSpec
	)

	BeforeEach(func() {
		ctx = context.Background()
		env = newSimEnv(nil)
		zone1ID = env.zoneID("zone1")
		ip, found, err := env.client.PublicIPs().FindByAddress(ctx, "203.0.113.12", zone1ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		ipID = ip.ID
		spec = cloudstack.LBSpec{Name: "web", Algorithm: "roundrobin", PublicIPID: ipID, PublicPort: 80, PrivatePort: 8080, OpenFirewall: true}
	})

	createRule := func() cloudstack.LBRule {
		rule, created, err := env.client.LoadBalancers().Create(ctx, spec, jobTimeout)
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeTrue())
		return rule
	}

	ruleIDsOf := func(vmID string) []string {
		rules, err := env.client.LoadBalancers().ListForVM(ctx, vmID)
		Expect(err).NotTo(HaveOccurred())
		ids := []string{}
		for _, r := range rules {
			ids = append(ids, r.ID)
		}
		return ids
	}

	It("creates a rule and finds it by name in its zone", func() {
		rule := createRule()
		Expect(cloudstack.IsID(rule.ID)).To(BeTrue())
		Expect(rule).To(Equal(cloudstack.LBRule{ID: rule.ID, Name: "web", PublicIPID: ipID, PublicIP: "203.0.113.12",
			PublicPort: "80", PrivatePort: "8080", Algorithm: "roundrobin", Protocol: "tcp", ZoneID: zone1ID,
			NetworkID: env.networkID("zone1-isolated"), State: "Add"}))

		found, ok, err := env.client.LoadBalancers().FindByName(ctx, "web", zone1ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(found).To(Equal(rule))
		byID, ok, err := env.client.LoadBalancers().FindByName(ctx, rule.ID, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(byID).To(Equal(rule))

		_, ok, err = env.client.LoadBalancers().FindByName(ctx, "web", env.zoneID("zone2"))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		_, ok, err = env.client.LoadBalancers().FindByName(ctx, "we", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
	})

	It("returns the existing rule when the same rule is created again, or by many callers at once", func() {
		// Create has no look before the call: all callers reach CloudStack,
		// which accepts the first and refuses the others (same address and port).
		const callers = 10

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
				rule, made, err := env.client.LoadBalancers().Create(ctx, spec, jobTimeout)
				ids[i], created[i], errs[i] = rule.ID, made, err
			}()
		}
		wg.Wait()
		creators := 0
		for i := range callers {
			Expect(errs[i]).NotTo(HaveOccurred())
			Expect(ids[i]).To(Equal(ids[0]))
			if created[i] {
				creators++
			}
		}
		Expect(creators).To(Equal(1))
		Expect(env.sim.CallCount("createLoadBalancerRule")).To(Equal(callers))

		again, made, err := env.client.LoadBalancers().Create(ctx, spec, jobTimeout)
		Expect(err).NotTo(HaveOccurred())
		Expect(made).To(BeFalse())
		Expect(again.ID).To(Equal(ids[0]))
	})

	It("passes on the conflict of another rule on the same address and port", func() {
		createRule()
		other := spec
		other.Name = "api"
		_, _, err := env.client.LoadBalancers().Create(ctx, other, jobTimeout)
		var apiErr *cloudstack.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.HTTPCode).To(Equal(537))
		Expect(cloudstack.IsNotFound(err)).To(BeFalse())

		other.PublicPort = 443
		_, created, err := env.client.LoadBalancers().Create(ctx, other, jobTimeout)
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeTrue())
		twin := spec
		twin.PublicPort = 8443
		_, _, err = env.client.LoadBalancers().Create(ctx, twin, jobTimeout)
		Expect(err).NotTo(HaveOccurred())

		_, _, err = env.client.LoadBalancers().FindByName(ctx, "web", zone1ID)
		var ambiguous *cloudstack.AmbiguousError
		Expect(errors.As(err, &ambiguous)).To(BeTrue())
		Expect(ambiguous.IDs).To(HaveLen(2))
	})

	It("refuses a bad spec before calling CloudStack", func() {
		bad := spec
		bad.PublicPort = 0
		_, _, err := env.client.LoadBalancers().Create(ctx, bad, jobTimeout)
		Expect(err).To(MatchError(ContainSubstring("public port 0")))
		bad = spec
		bad.Algorithm = ""
		_, _, err = env.client.LoadBalancers().Create(ctx, bad, jobTimeout)
		Expect(err).To(MatchError(ContainSubstring("algorithm is required")))
		Expect(env.sim.CallCount("createLoadBalancerRule")).To(BeZero())
	})

	It("assigns and removes VMs idempotently", func() {
		lbs := env.client.LoadBalancers()
		rule := createRule()
		first := env.addVM("lb-1", "zone1-isolated", "10.1.1.70")
		second := env.addVM("lb-2", "zone1-isolated", "10.1.1.71")

		Expect(lbs.Assign(ctx, rule.ID, []string{first}, jobTimeout)).To(Succeed())
		Expect(ruleIDsOf(first)).To(Equal([]string{rule.ID}))
		Expect(lbs.Assign(ctx, rule.ID, []string{first}, jobTimeout)).To(Succeed())

		// One VM in, one not: CloudStack's job refuses both, the retry adds the other.
		Expect(lbs.Assign(ctx, rule.ID, []string{first, second, second}, jobTimeout)).To(Succeed())
		Expect(ruleIDsOf(second)).To(Equal([]string{rule.ID}))
		Expect(ruleIDsOf(first)).To(Equal([]string{rule.ID}))

		Expect(lbs.Remove(ctx, rule.ID, []string{first}, jobTimeout)).To(Succeed())
		Expect(ruleIDsOf(first)).To(BeEmpty())
		Expect(lbs.Remove(ctx, rule.ID, []string{first}, jobTimeout)).To(Succeed())
		Expect(lbs.Remove(ctx, rule.ID, []string{first, second}, jobTimeout)).To(Succeed())
		Expect(ruleIDsOf(second)).To(BeEmpty())
		Expect(lbs.Remove(ctx, rule.ID, []string{unknownUUID}, jobTimeout)).To(Succeed())

		for _, call := range env.sim.Calls() {
			if call.Command == "assignToLoadBalancerRule" || call.Command == "removeFromLoadBalancerRule" {
				Expect(call.Params).To(HaveKey("virtualmachineids"))
			}
		}
	})

	It("reports assigning an unknown VM or to an unknown rule as not found", func() {
		lbs := env.client.LoadBalancers()
		rule := createRule()
		err := lbs.Assign(ctx, rule.ID, []string{unknownUUID}, jobTimeout)
		Expect(cloudstack.IsNotFound(err)).To(BeTrue())

		vmID := env.addVM("lb-3", "zone1-isolated", "10.1.1.72")
		Expect(cloudstack.IsNotFound(lbs.Assign(ctx, unknownUUID, []string{vmID}, jobTimeout))).To(BeTrue())

		elsewhere := env.addVM("lb-4", "zone1-shared", "10.1.2.72")
		err = lbs.Assign(ctx, rule.ID, []string{elsewhere}, jobTimeout)
		var jobErr *cloudstack.JobError
		Expect(errors.As(err, &jobErr)).To(BeTrue())
		Expect(jobErr.Code).To(Equal(431))
		Expect(cloudstack.IsNotFound(err)).To(BeFalse())

		Expect(lbs.Assign(ctx, "web", []string{vmID}, jobTimeout)).To(MatchError(ContainSubstring(`rule id "web"`)))
		Expect(lbs.Assign(ctx, rule.ID, nil, jobTimeout)).To(Succeed())
	})

	It("deletes a rule with its assignments; a rule already gone needs no delete and no removal", func() {
		lbs := env.client.LoadBalancers()
		rule := createRule()
		vmID := env.addVM("lb-5", "zone1-isolated", "10.1.1.73")
		Expect(lbs.Assign(ctx, rule.ID, []string{vmID}, jobTimeout)).To(Succeed())

		Expect(lbs.Delete(ctx, rule.ID, jobTimeout)).To(Succeed())
		Expect(ruleIDsOf(vmID)).To(BeEmpty())
		_, found, err := lbs.FindByName(ctx, "web", zone1ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())

		Expect(lbs.Delete(ctx, rule.ID, jobTimeout)).To(Succeed())
		Expect(lbs.Remove(ctx, rule.ID, []string{vmID}, jobTimeout)).To(Succeed())
	})

	It("lists no rules for an unknown or expunged VM", func() {
		rule := createRule()
		vmID := env.addVM("lb-6", "zone1-isolated", "10.1.1.74")
		Expect(env.client.LoadBalancers().Assign(ctx, rule.ID, []string{vmID}, jobTimeout)).To(Succeed())
		env.expungeVM(vmID)
		Expect(ruleIDsOf(vmID)).To(BeEmpty())
		Expect(ruleIDsOf(unknownUUID)).To(BeEmpty())
		Expect(env.client.LoadBalancers().Remove(ctx, rule.ID, []string{vmID}, jobTimeout)).To(Succeed())
	})
})
