package simulator_test

import (
	"github.com/apache/cloudstack-go/v2/cloudstack"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// Helpers for the VM, volume, network and snapshot specs.

// deployParams are the parameters of a small XenServer VM in zone1, with extra on top.
func (s *sim) deployParams(extra map[string]string) map[string]string {
	p := map[string]string{
		"zoneid":            s.firstID("listZones", "zone", "zone1"),
		"serviceofferingid": s.firstID("listServiceOfferings", "serviceoffering", "Small Instance"),
		"templateid":        simulator.TestTemplateXen,
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// deploy runs deployVirtualMachine to completion and returns the VM id and the finished job.
func (s *sim) deploy(extra map[string]string) (string, map[string]any) {
	first := s.ok("deployVirtualMachine", s.deployParams(extra))
	Expect(first).To(HaveKey("id"))
	return first["id"].(string), s.job(first["jobid"].(string))
}

// deployed deploys a VM that must come up Running and returns its id.
func (s *sim) deployed(extra map[string]string) string {
	id, job := s.deploy(extra)
	Expect(job["jobstatus"]).To(BeNumerically("==", 1), "deploy failed: %v", job["jobresult"])
	return id
}

// vm returns the listed VM, or nil when the list is empty.
func (s *sim) vm(id string) map[string]any {
	vms := items(s.ok("listVirtualMachines", map[string]string{"id": id}), "virtualmachine")
	if len(vms) == 0 {
		return nil
	}
	return vms[0]
}

// volume returns the listed volume, or nil when the list is empty.
func (s *sim) volume(id string) map[string]any {
	vols := items(s.ok("listVolumes", map[string]string{"id": id}), "volume")
	if len(vols) == 0 {
		return nil
	}
	return vols[0]
}

// newVolume creates a detached DATADISK from the custom offering and returns its id.
func (s *sim) newVolume(sizeGB string) string {
	job := s.runJob("createVolume", map[string]string{"zoneid": s.firstID("listZones", "zone", "zone1"),
		"diskofferingid": s.firstID("listDiskOfferings", "diskoffering", "custom"), "size": sizeGB, "name": "data"})
	Expect(job["jobstatus"]).To(BeNumerically("==", 1), "createVolume failed: %v", job["jobresult"])
	return result(job, "volume")["id"].(string)
}

// result returns the object of a succeeded job's result.
func result(job map[string]any, key string) map[string]any {
	Expect(job["jobstatus"]).To(BeNumerically("==", 1), "job failed: %v", job["jobresult"])
	return job["jobresult"].(map[string]any)[key].(map[string]any)
}

// failure returns the errorcode and errortext of a failed job.
func failure(job map[string]any) (float64, string) {
	Expect(job["jobstatus"]).To(BeNumerically("==", 2), "job succeeded: %v", job["jobresult"])
	r := job["jobresult"].(map[string]any)
	Expect(job["jobresultcode"]).To(Equal(r["errorcode"]))
	return r["errorcode"].(float64), r["errortext"].(string)
}

// csDeployParams are deployParams for cloudstack-go's typed client.
func csDeployParams(cs *cloudstack.CloudStackClient) *cloudstack.DeployVirtualMachineParams {
	o, _, err := cs.ServiceOffering.GetServiceOfferingID("Small Instance")
	Expect(err).NotTo(HaveOccurred())
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(o, simulator.TestTemplateXen, zone1(cs))
	p.SetName("vm-1")
	return p
}

// csDeploy deploys a VM through cloudstack-go's polling client and returns it.
func csDeploy(s *sim) *cloudstack.DeployVirtualMachineResponse {
	cs := s.asyncClient()
	vm, err := cs.VirtualMachine.DeployVirtualMachine(csDeployParams(cs))
	Expect(err).NotTo(HaveOccurred())
	Expect(vm.State).To(Equal("Running"))
	return vm
}

// csVolume creates a 20 GB volume through the polling client and returns it.
func csVolume(s *sim) *cloudstack.CreateVolumeResponse {
	cs := s.asyncClient()
	o, _, err := cs.DiskOffering.GetDiskOfferingID("custom")
	Expect(err).NotTo(HaveOccurred())
	p := cs.Volume.NewCreateVolumeParams()
	p.SetZoneid(zone1(cs))
	p.SetDiskofferingid(o)
	p.SetSize(20)
	p.SetName("disk")
	v, err := cs.Volume.CreateVolume(p)
	Expect(err).NotTo(HaveOccurred())
	return v
}
