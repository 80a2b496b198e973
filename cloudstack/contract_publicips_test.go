package cloudstack_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("contract: public IPs and static NAT", Label("contract"), func() {
	var (
		ctx     context.Context
		env     *simEnv
		zone1ID string
	)

	BeforeEach(func() {
		ctx = context.Background()
		env = newSimEnv(nil)
		zone1ID = env.zoneID("zone1")
	})

	findIP := func(address string) cloudstack.PublicIP {
		ip, found, err := env.client.PublicIPs().FindByAddress(ctx, address, zone1ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue(), "public IP %s", address)
		return ip
	}

	It("finds an allocated address in its zone, by address and by id", func() {
		ip := findIP("203.0.113.11")
		Expect(cloudstack.IsID(ip.ID)).To(BeTrue())
		Expect(ip).To(Equal(cloudstack.PublicIP{ID: ip.ID, Address: "203.0.113.11", ZoneID: zone1ID, State: "Allocated",
			NetworkID: env.networkID("zone1-isolated")}))

		anyZone, found, err := env.client.PublicIPs().FindByAddress(ctx, "203.0.113.11", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(anyZone).To(Equal(ip))

		byID, found, err := env.client.PublicIPs().Get(ctx, ip.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(byID).To(Equal(ip))

		Expect(findIP("203.0.113.10").IsSourceNAT).To(BeTrue())
	})

	It("does not find an address of another zone, a free one, or an unknown id", func() {
		_, found, err := env.client.PublicIPs().FindByAddress(ctx, "203.0.113.11", env.zoneID("zone2"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())
		_, found, err = env.client.PublicIPs().FindByAddress(ctx, "203.0.113.20", zone1ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())
		_, found, err = env.client.PublicIPs().Get(ctx, unknownUUID)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())

		_, _, err = env.client.PublicIPs().FindByAddress(ctx, "203.0.113", zone1ID)
		Expect(err).To(MatchError(ContainSubstring(`"203.0.113": not an IP address`)))
	})

	It("enables static NAT once however often it is asked, and disables it the same way", func() {
		ips := env.client.PublicIPs()
		vmID := env.addVM("vip-vm", "zone1-isolated", "10.1.1.60")
		ip := findIP("203.0.113.11")

		Expect(ips.EnableStaticNAT(ctx, ip.ID, vmID, "")).To(Succeed())
		Expect(ips.EnableStaticNAT(ctx, ip.ID, vmID, env.networkID("zone1-isolated"))).To(Succeed())
		natted := findIP("203.0.113.11")
		Expect(natted.IsStaticNAT).To(BeTrue())
		Expect(natted.VMID).To(Equal(vmID))
		Expect(env.sim.CallCount("enableStaticNat")).To(Equal(2))

		ofVM, err := ips.FindStaticNATOfVM(ctx, vmID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ofVM).To(Equal([]cloudstack.PublicIP{natted}))

		Expect(ips.DisableStaticNAT(ctx, ip.ID, jobTimeout)).To(Succeed())
		Expect(ips.DisableStaticNAT(ctx, ip.ID, jobTimeout)).To(Succeed())
		Expect(findIP("203.0.113.11").IsStaticNAT).To(BeFalse())
		ofVM, err = ips.FindStaticNATOfVM(ctx, vmID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ofVM).To(BeEmpty())

		Expect(ips.DisableStaticNAT(ctx, unknownUUID, jobTimeout)).To(Succeed())
	})

	It("refuses to take an address NATed to another VM", func() {
		ips := env.client.PublicIPs()
		first := env.addVM("vip-1", "zone1-isolated", "10.1.1.61")
		second := env.addVM("vip-2", "zone1-isolated", "10.1.1.62")
		ip := findIP("203.0.113.12")
		Expect(ips.EnableStaticNAT(ctx, ip.ID, first, "")).To(Succeed())

		err := ips.EnableStaticNAT(ctx, ip.ID, second, "")
		var apiErr *cloudstack.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.HTTPCode).To(Equal(537))
		Expect(cloudstack.IsNotFound(err)).To(BeFalse())
		Expect(findIP("203.0.113.12").VMID).To(Equal(first))
	})

	It("passes CloudStack's refusals on, classified", func() {
		ips := env.client.PublicIPs()
		vmID := env.addVM("vip-3", "zone1-isolated", "10.1.1.63")

		err := ips.EnableStaticNAT(ctx, findIP("203.0.113.10").ID, vmID, "")
		var apiErr *cloudstack.APIError
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.HTTPCode).To(Equal(431))
		Expect(apiErr.Text).To(ContainSubstring("sourceNat"))

		err = ips.EnableStaticNAT(ctx, unknownUUID, vmID, "")
		Expect(cloudstack.IsNotFound(err)).To(BeTrue())

		otherZoneVM := env.addVM("vip-4", "zone2-isolated", "10.2.1.60")
		err = ips.EnableStaticNAT(ctx, findIP("203.0.113.11").ID, otherZoneVM, "")
		Expect(errors.As(err, &apiErr)).To(BeTrue())
		Expect(apiErr.HTTPCode).To(Equal(431))

		Expect(ips.EnableStaticNAT(ctx, "203.0.113.11", vmID, "")).To(MatchError(ContainSubstring("must be CloudStack uuids")))
	})

	It("forgets the static NAT of an expunged VM", func() {
		vmID := env.addVM("vip-5", "zone1-isolated", "10.1.1.64")
		ip := findIP("203.0.113.11")
		Expect(env.client.PublicIPs().EnableStaticNAT(ctx, ip.ID, vmID, "")).To(Succeed())
		env.expungeVM(vmID)

		ofVM, err := env.client.PublicIPs().FindStaticNATOfVM(ctx, vmID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ofVM).To(BeEmpty())
		Expect(env.client.PublicIPs().DisableStaticNAT(ctx, ip.ID, jobTimeout)).To(Succeed())
	})
})
