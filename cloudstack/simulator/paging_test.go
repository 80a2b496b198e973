package simulator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("list commands", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	descriptions := func(body map[string]any) []string {
		var out []string
		for _, it := range items(body, "ostype") {
			out = append(out, it["description"].(string))
		}
		return out
	}

	It("pages with count as the total and a count-only body past the end", func() {
		all := s.ok("listOsTypes", nil)
		Expect(all["count"]).To(BeNumerically("==", 6))
		Expect(descriptions(all)).To(Equal([]string{"Debian GNU/Linux 12 (64-bit)", "Other (64-bit)",
			"Other Linux (64-bit)", "Other PV (64-bit)", "Ubuntu 22.04 LTS", "Ubuntu 24.04 LTS"}))

		p1 := s.ok("listOsTypes", map[string]string{"page": "1", "pagesize": "4"})
		p2 := s.ok("listOsTypes", map[string]string{"page": "2", "pagesize": "4"})
		Expect(p1["count"]).To(BeNumerically("==", 6))
		Expect(p2["count"]).To(BeNumerically("==", 6))
		Expect(append(descriptions(p1), descriptions(p2)...)).To(Equal(descriptions(all)))

		Expect(s.ok("listOsTypes", map[string]string{"page": "3", "pagesize": "4"})).To(Equal(map[string]any{"count": float64(6)}))
		Expect(s.ok("listOsTypes", map[string]string{"pagesize": "-1"})["count"]).To(BeNumerically("==", 6))
		Expect(descriptions(s.ok("listOsTypes", map[string]string{"pagesize": "-1"}))).To(HaveLen(6))
	})

	It("enforces CloudStack's page/pagesize rules", func() {
		Expect(s.apiError("listOsTypes", map[string]string{"page": "1"}, 431)["errortext"]).
			To(Equal(`"pagesize" parameter is required when "page" is specified`))
		Expect(s.apiError("listOsTypes", map[string]string{"pagesize": "2"}, 431)["errortext"]).
			To(Equal(`"page" parameter is required when "pagesize" is specified`))
		Expect(s.apiError("listOsTypes", map[string]string{"page": "1", "pagesize": "-1"}, 431)["errortext"]).
			To(Equal("Can't specify page parameter when pagesize is -1 (Unlimited)"))
		Expect(s.apiError("listOsTypes", map[string]string{"page": "1", "pagesize": "501"}, 431)["errortext"]).
			To(Equal("Page size can't exceed max allowed page size value: 500"))
		s.apiError("listOsTypes", map[string]string{"page": "x", "pagesize": "2"}, 431)
	})

	It("answers {} when nothing matches", func() {
		Expect(s.ok("listOsTypes", map[string]string{"description": "no such os"})).To(Equal(map[string]any{}))
		Expect(s.ok("listZones", map[string]string{"name": "zone"})).To(Equal(map[string]any{}))
	})

	It("filters by id, ids, exact name, keyword and zoneid", func() {
		zone1 := s.firstID("listZones", "zone", "zone1")
		zone2 := s.firstID("listZones", "zone", "zone2")
		Expect(items(s.ok("listZones", map[string]string{"id": zone2}), "zone")[0]["name"]).To(Equal("zone2"))
		Expect(s.ok("listZones", map[string]string{"ids": zone1 + "," + zone2})["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listZones", map[string]string{"name": "zone1"})["count"]).To(BeNumerically("==", 1))
		Expect(s.ok("listZones", map[string]string{"keyword": "ZONE"})["count"]).To(BeNumerically("==", 2))
		Expect(s.ok("listServiceOfferings", map[string]string{"keyword": "instance"})["count"]).To(BeNumerically("==", 3))
		Expect(s.ok("listHypervisors", map[string]string{"zoneid": zone2})).To(Equal(map[string]any{
			"count": float64(1), "hypervisor": []any{map[string]any{"name": "KVM"}}}))
		Expect(s.ok("listOsTypes", map[string]string{"description": "ubuntu"})["count"]).To(BeNumerically("==", 2))
	})

	It("hides removed rows but still resolves their ids (empty list, not 431)", func() {
		first := s.ok("simTestCreateThing", map[string]string{"name": "gone"})
		id := first["id"].(string)
		Expect(s.ok("simTestListThings", map[string]string{"id": id})["count"]).To(BeNumerically("==", 1))
		s.ok("simTestRemoveThing", map[string]string{"id": id})
		Expect(s.ok("simTestListThings", map[string]string{"id": id})).To(Equal(map[string]any{}))
	})
})
