package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// vmID is tags_test.go's.
const (
	network1ID = "87503ba2-d59d-4a5e-8f7f-b3f486cedbd8"
	network2ID = "eb9c270d-dd66-443b-9524-ada1eff4442a"
	offeringID = "498ce071-a077-4237-9492-e55c42553327"
	deployJob  = "a2b3c4d5-0000-4000-8000-00000000d001"
)

// vmJSON is a listVirtualMachines row in the recorded shape, NICs listed out
// of device order, statically NATed and in one affinity group.
func vmJSON(id, name, state string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"displayname":"%s-display","account":"admin","domainid":"e4874e10","domain":"ROOT",
 "created":"2021-10-04T09:24:38+0000","state":%q,"haenable":false,"zoneid":%q,"zonename":"zone1","hypervisor":"XenServer",
 "templateid":%q,"serviceofferingid":%q,"cpunumber":1,"cpuspeed":100,"memory":256,"cpuused":"10%%","rootdeviceid":0,
 "details":{},"publicip":"203.0.113.11","publicipid":"0c5f0f0e-1111-4222-8333-444455556666",
 "affinitygroup":[{"id":"5059d7e3-1111-4222-8333-444455556666","name":"anti","type":"host anti-affinity"}],"securitygroup":[],
 "tags":[{"key":"director","value":"bosh","resourcetype":"UserVm","resourceid":%q}],
 "nic":[{"id":"n-1","networkid":%q,"networkname":"shared","ipaddress":"10.1.2.5","netmask":"255.255.255.0","gateway":"10.1.2.1",
   "macaddress":"02:00:34:fb:00:02","isdefault":false,"deviceid":"10","traffictype":"Guest","type":"Shared","secondaryip":[],"extradhcpoption":[]},
  {"id":"n-0","networkid":%q,"networkname":"isolated","ipaddress":"10.1.1.62","netmask":"255.255.255.0","gateway":"10.1.1.1",
   "macaddress":"02:00:34:fb:00:01","isdefault":true,"deviceid":"2","traffictype":"Guest","type":"Isolated","secondaryip":[],"extradhcpoption":[]}]}`,
		id, name, name, state, zone1ID, templateID, offeringID, id, network2ID, network1ID)
}

// jobAnswer is a queryAsyncJobResult answer: status 0 pending, 1 done, 2 failed with code.
func jobAnswer(jobID string, status, code int, result string) string {
	return envelope("queryAsyncJobResult", fmt.Sprintf(
		`{"accountid":"27ef","userid":"27f2","cmd":"org.apache.cloudstack.api.command.user.vm.DeployVMCmd","jobstatus":%d,"jobprocstatus":0,"jobresultcode":%d,"jobresulttype":"object","jobresult":%s,"created":"2021-10-04T09:53:06+0000","jobid":%q}`,
		status, code, result, jobID))
}

func deploySpec() cloudstack.DeploySpec {
	return cloudstack.DeploySpec{Name: "vm-1", ZoneID: zone1ID, ServiceOfferingID: offeringID, TemplateID: templateID,
		NICs: []cloudstack.NICSpec{{NetworkID: network1ID}}}
}

var _ = Describe("VMs", func() {
	var (
		env *testEnv
		ctx context.Context
		vms cloudstack.VMs
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
		vms = env.client.VMs()
	})

	Describe("Deploy", func() {
		It("POSTs the request, user-data in the body, and returns the VM of the job result", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(deployJob, 1, 0, `{"virtualmachine":`+vmJSON(vmID, "vm-1", "Running")+`}`)
			})
			spec := deploySpec()
			spec.UserData = "eyJhZ2VudF9pZCI6ImEifQ=="
			spec.AffinityGroupIDs = []string{"5059d7e3-1111-4222-8333-444455556666"}
			vm, err := vms.Deploy(ctx, spec, time.Minute)
			Expect(err).NotTo(HaveOccurred())

			Expect(env.api.requests[0].Method).To(Equal("POST"))
			call := env.api.calls("deployVirtualMachine")[0]
			Expect(call.Get("userdata")).To(Equal(spec.UserData))
			Expect(call.Get("networkids")).To(Equal(network1ID))
			Expect(call.Get("affinitygroupids")).To(Equal("5059d7e3-1111-4222-8333-444455556666"))
			Expect(call.Get("name")).To(Equal("vm-1"))
			Expect(call.Get("startvm")).To(Equal("true"))
			Expect(call).NotTo(HaveKey("rootdisksize"))
			Expect(call).NotTo(HaveKey("details[0].cpuNumber"))

			Expect(vm.ID).To(Equal(vmID))
			Expect(vm.PublicIP).To(Equal("203.0.113.11"))
			Expect(vm.PublicIPID).To(Equal("0c5f0f0e-1111-4222-8333-444455556666"))
			Expect(vm.AffinityGroupIDs).To(Equal([]string{"5059d7e3-1111-4222-8333-444455556666"}))
			Expect(vm.Tags).To(Equal(map[string]string{"director": "bosh"}))
			Expect(vm.NICs).To(HaveLen(2))
			Expect(vm.NICs[0].DeviceID).To(Equal("2"), "NICs are sorted by device id as numbers")
			Expect(vm.NICs[1].DeviceID).To(Equal("10"))
		})

		It("wraps a failed job in a CreateError with the VM's id, through which the classifiers still see", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(deployJob, 2, 533, `{"errorcode":533,"errortext":"Unable to create a deployment for VM[User|i-2-683-VM]"}`)
			})
			_, err := vms.Deploy(ctx, deploySpec(), time.Minute)
			wrapped := fmt.Errorf("create_vm: %w", err)

			var createErr *cloudstack.CreateError
			Expect(errors.As(wrapped, &createErr)).To(BeTrue())
			Expect(*createErr).To(beVMCreateError(vmID))
			Expect(cloudstack.IsCapacity(wrapped)).To(BeTrue())
			Expect(cloudstack.IsTransient(wrapped)).To(BeFalse())
			Expect(cloudstack.IsNotFound(wrapped)).To(BeFalse())
			Expect(err.Error()).To(ContainSubstring("VM " + vmID))
			Expect(err.Error()).To(ContainSubstring("Unable to create a deployment"))
		})

		It("returns the VM's id with the context error when the caller gives up", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
			cancelled, cancel := context.WithCancel(ctx)
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				cancel()
				return 200, jobAnswer(deployJob, 0, 0, `{}`)
			})
			_, err := vms.Deploy(cancelled, deploySpec(), time.Hour)
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeTrue())
			Expect(createErr.ID).To(Equal(vmID))
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(cloudstack.IsTransient(err)).To(BeFalse())
		})

		It("cannot name a VM CloudStack did not name, and says so", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"jobid":%q}`, deployJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(deployJob, 2, 530, `{"errorcode":530,"errortext":"boom"}`)
			})
			_, err := vms.Deploy(ctx, deploySpec(), time.Minute)
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			var createErr *cloudstack.CreateError
			Expect(errors.As(err, &createErr)).To(BeFalse())
			Expect(env.log.all()).To(ContainSubstring("without the new VM's id"))
		})

		It("reads the VM back when the job reports none", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(deployJob, 1, 0, `{}`)
			})
			env.api.ok("listVirtualMachines", listBody("virtualmachine", 1, vmJSON(vmID, "vm-1", "Running")))
			vm, err := vms.Deploy(ctx, deploySpec(), time.Minute)
			Expect(err).NotTo(HaveOccurred())
			Expect(vm.ID).To(Equal(vmID))
			Expect(env.api.calls("listVirtualMachines")[0].Get("id")).To(Equal(vmID))
		})

		It("sends every NIC as iptonetworklist once one has a static address, and custom sizes as details", func() {
			env.api.ok("deployVirtualMachine", fmt.Sprintf(`{"id":%q,"jobid":%q}`, vmID, deployJob))
			env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
				return 200, jobAnswer(deployJob, 1, 0, `{"virtualmachine":`+vmJSON(vmID, "vm-1", "Running")+`}`)
			})
			spec := deploySpec()
			spec.NICs = []cloudstack.NICSpec{{NetworkID: network2ID}, {NetworkID: network1ID, IP: "10.1.1.62"}}
			spec.CPUNumber, spec.MemoryMiB = 2, 1024
			spec.RootDiskSizeGiB = 30
			spec.DataDiskOfferingID, spec.DataDiskSizeGiB = offeringID, 5
			spec.LeaveStopped = true
			_, err := vms.Deploy(ctx, spec, time.Minute)
			Expect(err).NotTo(HaveOccurred())
			call := env.api.calls("deployVirtualMachine")[0]
			Expect(call.Get("iptonetworklist[0].networkid")).To(Equal(network2ID))
			Expect(call).NotTo(HaveKey("iptonetworklist[0].ip"))
			Expect(call.Get("iptonetworklist[1].networkid")).To(Equal(network1ID))
			Expect(call.Get("iptonetworklist[1].ip")).To(Equal("10.1.1.62"))
			Expect(call).NotTo(HaveKey("networkids"))
			Expect(call.Get("details[0].cpuNumber")).To(Equal("2"))
			Expect(call.Get("details[1].memory")).To(Equal("1024"))
			Expect(call).NotTo(HaveKey("details[2].cpuSpeed"))
			Expect(call.Get("rootdisksize")).To(Equal("30"))
			Expect(call.Get("diskofferingid")).To(Equal(offeringID))
			Expect(call.Get("size")).To(Equal("5"))
			Expect(call.Get("startvm")).To(Equal("false"))
		})

		DescribeTable("refuses a bad spec without calling CloudStack",
			func(edit func(*cloudstack.DeploySpec), message string) {
				spec := deploySpec()
				edit(&spec)
				_, err := vms.Deploy(ctx, spec, time.Minute)
				Expect(err).To(MatchError(ContainSubstring(message)))
				Expect(env.client.TotalCalls()).To(BeZero())
			},
			Entry("no zone", func(s *cloudstack.DeploySpec) { s.ZoneID = "" }, "the zone id is required"),
			Entry("no offering", func(s *cloudstack.DeploySpec) { s.ServiceOfferingID = "" }, "the service offering id is required"),
			Entry("no template", func(s *cloudstack.DeploySpec) { s.TemplateID = "" }, "the template id is required"),
			Entry("a NIC without network", func(s *cloudstack.DeploySpec) { s.NICs = []cloudstack.NICSpec{{IP: "10.0.0.2"}} }, "NIC 0 has no network id"),
			Entry("one network twice", func(s *cloudstack.DeploySpec) {
				s.NICs = []cloudstack.NICSpec{{NetworkID: network1ID}, {NetworkID: network1ID}}
			}, "named for two NICs"),
			Entry("an IPv6 address", func(s *cloudstack.DeploySpec) { s.NICs[0].IP = "fd00::1" }, "is not an IPv4 address"),
			Entry("a negative root disk", func(s *cloudstack.DeploySpec) { s.RootDiskSizeGiB = -1 }, "root disk size must not be negative"),
			Entry("a disk size without offering", func(s *cloudstack.DeploySpec) { s.DataDiskSizeGiB = 5 }, "needs a data disk offering"),
			Entry("negative memory", func(s *cloudstack.DeploySpec) { s.MemoryMiB = -1 }, "must not be negative"),
		)
	})

	Describe("Get", func() {
		It("reports an id CloudStack does not know as not found", func() {
			env.api.on("listVirtualMachines", func(url.Values) (int, string) {
				return apiError("listVirtualMachines", 431, 9999, fmt.Sprintf(unknownIDText, vmID))
			})
			_, found, err := vms.Get(ctx, vmID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("tells Destroyed and Expunging VMs (gone) from Error ones (failed, still there)", func() {
			for state, gone := range map[string]bool{"Destroyed": true, "Expunging": true, "Error": false, "Running": false, "Stopped": false} {
				env.api.ok("listVirtualMachines", listBody("virtualmachine", 1, vmJSON(vmID, "vm-1", state)))
				vm, found, err := vms.Get(ctx, vmID)
				Expect(err).NotTo(HaveOccurred())
				Expect(found).To(BeTrue())
				Expect(vm.Gone()).To(Equal(gone), state)
				Expect(vm.Failed()).To(Equal(state == "Error"), state)
			}
		})
	})

	It("finds by name only an exact match, even on a server that matches substrings", func() {
		env.api.ok("listVirtualMachines", listBody("virtualmachine", 1, vmJSON(vmID, "cpivm-1234", "Running")))
		_, found, err := vms.FindByName(ctx, "cpivm-12")
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse())
		Expect(env.api.calls("listVirtualMachines")[0].Get("name")).To(Equal("cpivm-12"))

		env.api.ok("listVirtualMachines", listBody("virtualmachine", 2,
			vmJSON(vmID, "cpivm-12", "Running"), vmJSON("015653c4-298b-4d74-bdee-4ced282114f1", "cpivm-12", "Destroyed")))
		_, _, err = vms.FindByName(ctx, "cpivm-12")
		var ambiguous *cloudstack.AmbiguousError
		Expect(errors.As(err, &ambiguous)).To(BeTrue())
		Expect(ambiguous.Kind).To(Equal("VM"))
	})

	It("destroys without expunge unless asked, and counts a vanished VM as destroyed", func() {
		env.api.ok("destroyVirtualMachine", `{"jobid":"j-1"}`)
		env.api.jobsSucceed()
		Expect(vms.Destroy(ctx, vmID, false, time.Minute)).To(Succeed())
		Expect(env.api.calls("destroyVirtualMachine")[0]).NotTo(HaveKey("expunge"))
		Expect(vms.Destroy(ctx, vmID, true, time.Minute)).To(Succeed())
		Expect(env.api.calls("destroyVirtualMachine")[1].Get("expunge")).To(Equal("true"))

		env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
			return 200, jobAnswer("j-1", 2, 431, `{"errorcode":431,"errortext":"unable to find a virtual machine with specified vmId"}`)
		})
		Expect(vms.Destroy(ctx, vmID, true, time.Minute)).To(Succeed())

		env.api.on("queryAsyncJobResult", func(url.Values) (int, string) {
			return 200, jobAnswer("j-1", 2, 530, `{"errorcode":530,"errortext":"Parameter expunge can be passed by Admin only"}`)
		})
		err := vms.Destroy(ctx, vmID, true, time.Minute)
		Expect(err).To(MatchError(ContainSubstring("expunge can be passed by Admin only")))
	})

	It("refuses what is not a uuid without calling CloudStack", func() {
		Expect(vms.Destroy(ctx, "cpivm-1", true, time.Minute)).To(MatchError(ContainSubstring(`"cpivm-1" is not a CloudStack uuid`)))
		Expect(vms.Start(ctx, "", time.Minute)).To(MatchError(ContainSubstring("not a CloudStack uuid")))
		Expect(vms.SetDisplayName(ctx, vmID, "")).To(MatchError(ContainSubstring("display name is empty")))
		Expect(env.client.TotalCalls()).To(BeZero())
	})
})

// beVMCreateError checks a CreateError for a VM.
func beVMCreateError(id string) OmegaMatcher {
	return And(HaveField("Kind", "VM"), HaveField("ID", id), HaveField("Err", HaveOccurred()))
}
