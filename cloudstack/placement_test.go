package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Scripted answers for what the simulator never does: a duplicate group that
// slips past CloudStack's name check, a lost answer, a failing lookup.

const (
	groupA  = "0a000000-0000-4000-8000-00000000000a"
	groupB  = "0a000000-0000-4000-8000-00000000000b"
	ruleID  = "1b000000-0000-4000-8000-000000000001"
	natIPID = "2c000000-0000-4000-8000-000000000001"
	natVMID = "3d000000-0000-4000-8000-000000000001"
	otherVM = "3d000000-0000-4000-8000-000000000002"
)

func groupJSON(id, name string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"type":"host anti-affinity","account":"admin","domainid":"e4874e10","domain":"ROOT","virtualmachineIds":[]}`, id, name)
}

func natIPJSON(staticNAT bool, vm string) string {
	return fmt.Sprintf(`{"id":%q,"ipaddress":"203.0.113.11","zoneid":%q,"state":"Allocated","issourcenat":false,"isstaticnat":%t,"virtualmachineid":%q,"associatednetworkid":"4e000000-0000-4000-8000-000000000001"}`,
		natIPID, zone1ID, staticNAT, vm)
}

// sequence answers the n-th call with answers[n] (the last one repeats).
func sequence(command string, answers ...string) func(url.Values) (int, string) {
	var calls atomic.Int32
	return func(url.Values) (int, string) {
		n := int(calls.Add(1)) - 1
		return 200, envelope(command, answers[min(n, len(answers)-1)])
	}
}

var _ = Describe("placement services against scripted answers", func() {
	var (
		env *testEnv
		ctx context.Context
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
		env.api.jobsSucceed()
	})

	Describe("AffinityGroups.Create", func() {
		It("deletes its own group when a duplicate slipped through, and uses the earlier one", func() {
			env.api.on("listAffinityGroups", sequence("listAffinityGroups",
				`{}`, listBody("affinitygroup", 2, groupJSON(groupA, "web"), groupJSON(groupB, "web"))))
			env.api.ok("createAffinityGroup", fmt.Sprintf(`{"id":%q,"jobid":"job-create"}`, groupB))
			env.api.ok("deleteAffinityGroup", `{"jobid":"job-delete"}`)

			group, created, err := env.client.AffinityGroups().Create(ctx, "web", "host anti-affinity", "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeFalse())
			Expect(group.ID).To(Equal(groupA))
			Expect(env.api.calls("deleteAffinityGroup")).To(HaveLen(1))
			Expect(env.api.calls("deleteAffinityGroup")[0].Get("id")).To(Equal(groupB))
			Expect(env.log.all()).To(ContainSubstring("created twice"))
		})

		It("keeps its group when it was listed first", func() {
			env.api.on("listAffinityGroups", sequence("listAffinityGroups",
				`{}`, listBody("affinitygroup", 2, groupJSON(groupB, "web"), groupJSON(groupA, "web"))))
			env.api.ok("createAffinityGroup", fmt.Sprintf(`{"id":%q,"jobid":"job-create"}`, groupB))

			group, created, err := env.client.AffinityGroups().Create(ctx, "web", "host anti-affinity", "", jobTimeout)
			Expect(err).NotTo(HaveOccurred())
			Expect(created).To(BeTrue())
			Expect(group.ID).To(Equal(groupB))
			Expect(env.api.calls("deleteAffinityGroup")).To(BeEmpty())
		})

		It("fails when the duplicate cannot be deleted, naming it", func() {
			env.api.on("listAffinityGroups", sequence("listAffinityGroups",
				`{}`, listBody("affinitygroup", 2, groupJSON(groupA, "web"), groupJSON(groupB, "web"))))
			env.api.ok("createAffinityGroup", fmt.Sprintf(`{"id":%q,"jobid":"job-create"}`, groupB))
			env.api.on("deleteAffinityGroup", func(url.Values) (int, string) {
				return apiError("deleteAffinityGroup", 530, 4250, "database is on fire")
			})

			_, _, err := env.client.AffinityGroups().Create(ctx, "web", "host anti-affinity", "", jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("deleting duplicate affinity group \"web\" (" + groupB + ")")))
		})

		It("passes a refusal on when no group of that name turns up", func() {
			env.api.ok("listAffinityGroups", `{}`)
			env.api.on("createAffinityGroup", func(url.Values) (int, string) {
				return apiError("createAffinityGroup", 431, 4350, "Unable to create affinity group, invalid affinity group typerack")
			})
			_, _, err := env.client.AffinityGroups().Create(ctx, "web", "rack", "", jobTimeout)
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.Command).To(Equal("createAffinityGroup"))
			Expect(env.api.calls("listAffinityGroups")).To(HaveLen(2))
		})
	})

	Describe("PublicIPs", func() {
		It("counts static NAT found in place after a lost answer as enabled", func() {
			env.api.on("enableStaticNat", func(url.Values) (int, string) { return 502, "<html>Bad Gateway</html>" })
			env.api.ok("listPublicIpAddresses", listBody("publicipaddress", 1, natIPJSON(true, natVMID)))
			Expect(env.client.PublicIPs().EnableStaticNAT(ctx, natIPID, natVMID, "")).To(Succeed())
			sent := env.api.calls("enableStaticNat")[0]
			Expect(sent.Get("ipaddressid")).To(Equal(natIPID))
			Expect(sent.Get("virtualmachineid")).To(Equal(natVMID))
			Expect(sent.Has("networkid")).To(BeFalse())
		})

		It("passes the failure on when the address is NATed to another VM", func() {
			env.api.on("enableStaticNat", func(url.Values) (int, string) {
				return apiError("enableStaticNat", 537, 9999, "already assigned to antoher vm")
			})
			env.api.ok("listPublicIpAddresses", listBody("publicipaddress", 1, natIPJSON(true, otherVM)))
			err := env.client.PublicIPs().EnableStaticNAT(ctx, natIPID, natVMID, "4e000000-0000-4000-8000-000000000001")
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.HTTPCode).To(Equal(537))
			Expect(env.api.calls("enableStaticNat")[0].Get("networkid")).To(Equal("4e000000-0000-4000-8000-000000000001"))
		})

		It("passes a failed disable on while the address is still NATed", func() {
			env.api.ok("disableStaticNat", `{"jobid":"job-disable"}`)
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				return 200, envelope("queryAsyncJobResult", fmt.Sprintf(
					`{"jobid":%q,"jobstatus":2,"jobresultcode":530,"jobresulttype":"object","jobresult":{"errorcode":530,"errortext":"router unreachable"}}`,
					p.Get("jobid")))
			})
			env.api.ok("listPublicIpAddresses", listBody("publicipaddress", 1, natIPJSON(true, natVMID)))
			err := env.client.PublicIPs().DisableStaticNAT(ctx, natIPID, jobTimeout)
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Text).To(Equal("router unreachable"))
		})

		It("lists only static-NATed addresses to find a VM's", func() {
			env.api.ok("listPublicIpAddresses", listBody("publicipaddress", 2, natIPJSON(true, natVMID), natIPJSON(true, otherVM)))
			ips, err := env.client.PublicIPs().FindStaticNATOfVM(ctx, natVMID)
			Expect(err).NotTo(HaveOccurred())
			Expect(ips).To(HaveLen(1))
			Expect(ips[0].VMID).To(Equal(natVMID))
			Expect(env.api.calls("listPublicIpAddresses")[0].Get("isstaticnat")).To(Equal("true"))
		})
	})

	Describe("LoadBalancers", func() {
		It("sends virtualmachineids, never the vmidipmap cloudstack-go v2.19.0 encodes wrongly", func() {
			env.api.ok("assignToLoadBalancerRule", `{"jobid":"job-assign"}`)
			Expect(env.client.LoadBalancers().Assign(ctx, ruleID, []string{natVMID, otherVM}, jobTimeout)).To(Succeed())
			sent := env.api.calls("assignToLoadBalancerRule")[0]
			Expect(sent.Get("id")).To(Equal(ruleID))
			Expect(sent.Get("virtualmachineids")).To(Equal(natVMID + "," + otherVM))
			for key := range sent {
				Expect(key).NotTo(HavePrefix("vmidipmap"))
			}
		})

		It("passes the job's failure on when the membership cannot be checked", func() {
			env.api.ok("removeFromLoadBalancerRule", `{"jobid":"job-remove"}`)
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				return 200, envelope("queryAsyncJobResult", fmt.Sprintf(
					`{"jobid":%q,"jobstatus":2,"jobresultcode":530,"jobresulttype":"object","jobresult":{"errorcode":530,"errortext":"router unreachable"}}`,
					p.Get("jobid")))
			})
			env.api.on("listLoadBalancerRules", func(url.Values) (int, string) {
				return apiError("listLoadBalancerRules", 530, 4250, "database is on fire")
			})
			err := env.client.LoadBalancers().Remove(ctx, ruleID, []string{natVMID}, jobTimeout)
			Expect(err).To(MatchError(ContainSubstring("router unreachable")))
		})
	})
})
