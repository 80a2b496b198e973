package simulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

var _ = Describe("the admin endpoints", func() {
	var s *sim
	BeforeEach(func() { s = startSim(nil) })

	admin := func(method, path, body string) (int, any) {
		req, err := http.NewRequest(method, s.HTTP.URL+path, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		var v any
		if len(b) > 0 {
			Expect(json.Unmarshal(b, &v)).To(Succeed(), string(b))
		}
		return resp.StatusCode, v
	}

	It("logs calls without secrets, filters by command and resets", func() {
		s.ok("listZones", map[string]string{"name": "zone1"})
		s.ok("simTestCreateThing", map[string]string{"name": "vm", "userdata": "c2VjcmV0", "password": "p"})
		status, v := admin("GET", "/admin/calls", "")
		Expect(status).To(Equal(200))
		calls := v.([]any)
		Expect(calls).To(HaveLen(2))
		first := calls[0].(map[string]any)
		Expect(first["command"]).To(Equal("listZones"))
		Expect(first["params"]).To(Equal(map[string]any{"name": "zone1"}))
		Expect(first["httpstatus"]).To(BeNumerically("==", 200))
		Expect(calls[1].(map[string]any)["params"]).To(Equal(map[string]any{"name": "vm"}))
		Expect(calls[1].(map[string]any)["jobid"]).NotTo(BeEmpty())

		_, v = admin("GET", "/admin/calls?command=listZones", "")
		Expect(v.([]any)).To(HaveLen(1))
		Expect(s.Server.CallCount("simTestCreateThing")).To(Equal(1))

		status, _ = admin("DELETE", "/admin/calls", "")
		Expect(status).To(Equal(204))
		_, v = admin("GET", "/admin/calls", "")
		Expect(v.([]any)).To(BeEmpty())
	})

	It("shows the live inventory and the user-data hook", func() {
		thing := s.ok("simTestCreateThing", map[string]string{"name": "vm", "userdata": "hello"})
		gone := s.ok("simTestCreateThing", map[string]string{"name": "gone"})
		s.ok("simTestRemoveThing", map[string]string{"id": gone["id"].(string)})

		_, v := admin("GET", "/admin/inventory", "")
		inv := v.(map[string]any)
		Expect(inv["zones"]).To(HaveLen(2))
		Expect(inv["testthings"]).To(HaveLen(1), "removed rows are not live")
		Expect(inv["securitygroups"].([]any)[0].(map[string]any)["name"]).To(Equal("default"))

		_, v = admin("GET", "/admin/userdata", "")
		Expect(v).To(Equal(map[string]any{thing["id"].(string): "hello"}))
		status, v := admin("GET", "/admin/userdata/"+thing["id"].(string), "")
		Expect(status).To(Equal(200))
		Expect(v.(map[string]any)["userdata"]).To(Equal("hello"))
		status, _ = admin("GET", "/admin/userdata/nope", "")
		Expect(status).To(Equal(404))
	})

	It("reads and changes faults at run time", func() {
		status, _ := admin("POST", "/admin/faults/rules", `{"command":"listZones","nth":0,"kind":"http","errorcode":530}`)
		Expect(status).To(Equal(200))
		s.apiError("listZones", nil, 530)

		status, v := admin("GET", "/admin/faults", "")
		Expect(status).To(Equal(200))
		Expect(v.(map[string]any)["rules"]).To(HaveLen(1))

		status, _ = admin("PUT", "/admin/faults", `{"latency":{"*":"1s"},"capacity":{"vm":0}}`)
		Expect(status).To(Equal(200))
		s.ok("listZones", nil)
		Expect(s.Server.Faults().Latency).To(HaveKey("*"))

		status, v = admin("PUT", "/admin/faults", `{"rules":[{"command":"x","kind":"maybe"}]}`)
		Expect(status).To(Equal(400))
		Expect(v.(map[string]any)["error"]).To(ContainSubstring("kind"))
		status, _ = admin("PUT", "/admin/faults", `{"bogus":1}`)
		Expect(status).To(Equal(400))

		status, _ = admin("DELETE", "/admin/faults", "")
		Expect(status).To(Equal(204))
		Expect(s.Server.Faults()).To(Equal(simulator.FaultConfig{}))
	})

	It("lists jobs and answers 404 for unknown admin paths", func() {
		s.runJob("createAffinityGroup", map[string]string{"name": "g", "type": "host affinity"})
		_, v := admin("GET", "/admin/jobs", "")
		Expect(v.([]any)[0].(map[string]any)["command"]).To(Equal("createAffinityGroup"))
		status, _ := admin("GET", "/admin/nothing", "")
		Expect(status).To(Equal(404))
	})
})
