package cloudstack_test

import (
	"context"
	"time"

	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// contractTemplateID is the ready XenServer template of zone1, seeded through
// Seed.Templates, that the compute contract tests deploy from.
const contractTemplateID = "5eedc0de-0000-4000-8000-000000000001"

// jobTimeout bounds the compute contract tests' waits; on the shared manual
// clock it costs no real time.
const jobTimeout = 10 * time.Minute

// computeEnv is a simulator with the default seed plus the contract template,
// and the ids the compute tests use.
type computeEnv struct {
	*simEnv
	ctx            context.Context
	zoneID         string
	smallOffering  string // fixed: 1 CPU, 512 MiB
	customOffering string // fully customized
	smallDisk      string // fixed 10 GB disk offering
	mediumDisk     string // fixed 50 GB disk offering
	customDisk     string // customized disk offering
	isolated       cloudstack.Network
	shared         cloudstack.Network
}

func newComputeEnv(edit func(*simulator.Options)) *computeEnv {
	seed := simulator.DefaultSeed()
	seed.Templates = append(seed.Templates, simulator.SeedTemplate{
		ID: contractTemplateID, Name: "contract-stemcell", Zones: []string{"zone1"},
		OSType: "Other PV (64-bit)", Hypervisor: "XenServer", Format: "VHD", Size: 3 << 30,
	})
	env := &computeEnv{ctx: context.Background()}
	env.simEnv = newSimEnv(func(o *simulator.Options) {
		o.Seed = seed
		if edit != nil {
			edit(o)
		}
	})
	c := env.client
	zone, found, err := c.Zones().Find(env.ctx, "zone1")
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue())
	env.zoneID = zone.ID
	env.smallOffering = env.serviceOffering("Small Instance")
	env.customOffering = env.serviceOffering("Custom")
	env.smallDisk = env.diskOffering("small")
	env.mediumDisk = env.diskOffering("medium")
	env.customDisk = env.diskOffering("custom")
	env.isolated = env.network("zone1-isolated")
	env.shared = env.network("zone1-shared")
	return env
}

func (env *computeEnv) serviceOffering(name string) string {
	o, found, err := env.client.Offerings().FindService(env.ctx, name, env.zoneID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), name)
	return o.ID
}

func (env *computeEnv) diskOffering(name string) string {
	o, found, err := env.client.Offerings().FindDisk(env.ctx, name, env.zoneID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), name)
	return o.ID
}

func (env *computeEnv) network(name string) cloudstack.Network {
	n, found, err := env.client.Networks().Find(env.ctx, name, env.zoneID)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), name)
	return n
}

// spec is the smallest deploy: the fixed offering, the isolated network.
func (env *computeEnv) spec(name string) cloudstack.DeploySpec {
	return cloudstack.DeploySpec{
		Name: name, ZoneID: env.zoneID, ServiceOfferingID: env.smallOffering, TemplateID: contractTemplateID,
		NICs: []cloudstack.NICSpec{{NetworkID: env.isolated.ID}},
	}
}

func (env *computeEnv) deploy(spec cloudstack.DeploySpec) cloudstack.VM {
	vm, err := env.client.VMs().Deploy(env.ctx, spec, jobTimeout)
	Expect(err).NotTo(HaveOccurred())
	return vm
}

func (env *computeEnv) getVM(id string) (cloudstack.VM, bool) {
	vm, found, err := env.client.VMs().Get(env.ctx, id)
	Expect(err).NotTo(HaveOccurred())
	return vm, found
}

// vmState is the state of a VM that must exist.
func (env *computeEnv) vmState(id string) string {
	vm, found := env.getVM(id)
	Expect(found).To(BeTrue(), "VM %s", id)
	return vm.State
}

func (env *computeEnv) getVolume(id string) (cloudstack.Volume, bool) {
	v, found, err := env.client.Volumes().Get(env.ctx, id)
	Expect(err).NotTo(HaveOccurred())
	return v, found
}

// createDisk makes a detached customized disk of sizeGiB.
func (env *computeEnv) createDisk(name string, sizeGiB int64) cloudstack.Volume {
	v, err := env.client.Volumes().Create(env.ctx, cloudstack.VolumeSpec{
		Name: name, ZoneID: env.zoneID, DiskOfferingID: env.customDisk, SizeGiB: sizeGiB,
	}, jobTimeout)
	Expect(err).NotTo(HaveOccurred())
	return v
}

// lastCall returns the parameters of the last logged call of command.
func (env *computeEnv) lastCall(command string) map[string]string {
	var params map[string]string
	for _, c := range env.sim.Calls() {
		if c.Command == command {
			params = c.Params
		}
	}
	Expect(params).NotTo(BeNil(), "no %s call was logged", command)
	return params
}
