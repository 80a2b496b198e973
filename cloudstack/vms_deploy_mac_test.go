package cloudstack_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// A NIC's MAC chosen by the caller: create_vm writes the MACs of a multi-NIC VM into the user-data, which
// must be complete before the deploy call.
var _ = Describe("VMs.Deploy with chosen MACs", func() {
	var (
		env *testEnv
		ctx context.Context
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
	})

	It("sends every NIC as iptonetworklist once one has a MAC, with its mac", func() {
		env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
		env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
			return 200, jobAnswer(deployJob, 1, 0, `{"virtualmachine":`+vmJSON(vmID, "vm-1", "Running")+`}`)
		})
		spec := deploySpec()
		spec.NICs = []cloudstack.NICSpec{{NetworkID: network1ID, MAC: "1e:00:5a:00:00:12"}, {NetworkID: network2ID, MAC: "1e:00:5a:00:00:13"}}
		_, err := env.client.VMs().Deploy(ctx, spec, time.Minute)
		Expect(err).NotTo(HaveOccurred())
		call := env.api.calls("deployVirtualMachine")[0]
		Expect(call.Get("iptonetworklist[0].networkid")).To(Equal(network1ID))
		Expect(call.Get("iptonetworklist[0].mac")).To(Equal("1e:00:5a:00:00:12"))
		Expect(call).NotTo(HaveKey("iptonetworklist[0].ip"))
		Expect(call.Get("iptonetworklist[1].mac")).To(Equal("1e:00:5a:00:00:13"))
		Expect(call).NotTo(HaveKey("networkids"))
	})

	DescribeTable("refuses a MAC CloudStack would refuse, without calling it",
		func(mac string) {
			spec := deploySpec()
			spec.NICs[0].MAC = mac
			_, err := env.client.VMs().Deploy(ctx, spec, time.Minute)
			Expect(err).To(MatchError(ContainSubstring("is not a unicast MAC address")))
			Expect(env.client.TotalCalls()).To(BeZero())
		},
		Entry("not a MAC", "1e:00:5a"),
		Entry("dashes", "1e-00-5a-00-00-12"),
		Entry("multicast", "01:00:5e:00:00:12"),
	)
})

var _ = Describe("contract with the bundled simulator: chosen MACs", Label("contract"), func() {
	It("gives each NIC the MAC asked for", func() {
		env := newComputeEnv(nil)
		spec := env.spec("vm-macs")
		spec.NICs = []cloudstack.NICSpec{
			{NetworkID: env.isolated.ID, IP: "10.1.1.80", MAC: "1e:00:5a:00:00:21"},
			{NetworkID: env.shared.ID, MAC: "1e:00:5a:00:00:22"},
		}
		vm := env.deploy(spec)
		Expect(vm.NICs).To(HaveLen(2))
		Expect(vm.NICs[0].MAC).To(Equal("1e:00:5a:00:00:21"))
		Expect(vm.NICs[0].IP).To(Equal("10.1.1.80"))
		Expect(vm.NICs[1].MAC).To(Equal("1e:00:5a:00:00:22"))
	})
})
