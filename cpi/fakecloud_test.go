package cpi_test

import (
	"net/http"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/cloudstackfakes"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// fakeCloud is a CloudStack of counterfeiter fakes for the method tests.
type fakeCloud struct {
	zones          *cloudstackfakes.FakeZones
	osTypes        *cloudstackfakes.FakeOSTypes
	offerings      *cloudstackfakes.FakeOfferings
	templates      *cloudstackfakes.FakeTemplates
	tags           *cloudstackfakes.FakeTags
	jobs           *cloudstackfakes.FakeJobs
	vms            *cloudstackfakes.FakeVMs
	networks       *cloudstackfakes.FakeNetworks
	volumes        *cloudstackfakes.FakeVolumes
	snapshots      *cloudstackfakes.FakeSnapshots
	affinityGroups *cloudstackfakes.FakeAffinityGroups
	securityGroups *cloudstackfakes.FakeSecurityGroups
	sshKeyPairs    *cloudstackfakes.FakeSSHKeyPairs
	publicIPs      *cloudstackfakes.FakePublicIPs
	loadBalancers  *cloudstackfakes.FakeLoadBalancers
	upload         *http.Client
}

func newFakeCloud() *fakeCloud {
	return &fakeCloud{
		zones: &cloudstackfakes.FakeZones{}, osTypes: &cloudstackfakes.FakeOSTypes{},
		offerings: &cloudstackfakes.FakeOfferings{}, templates: &cloudstackfakes.FakeTemplates{},
		tags: &cloudstackfakes.FakeTags{}, jobs: &cloudstackfakes.FakeJobs{}, vms: &cloudstackfakes.FakeVMs{},
		networks: &cloudstackfakes.FakeNetworks{}, volumes: &cloudstackfakes.FakeVolumes{},
		snapshots: &cloudstackfakes.FakeSnapshots{}, affinityGroups: &cloudstackfakes.FakeAffinityGroups{},
		securityGroups: &cloudstackfakes.FakeSecurityGroups{}, sshKeyPairs: &cloudstackfakes.FakeSSHKeyPairs{},
		publicIPs: &cloudstackfakes.FakePublicIPs{}, loadBalancers: &cloudstackfakes.FakeLoadBalancers{},
		upload: http.DefaultClient,
	}
}

func (f *fakeCloud) Zones() cloudstack.Zones                   { return f.zones }
func (f *fakeCloud) OSTypes() cloudstack.OSTypes               { return f.osTypes }
func (f *fakeCloud) Offerings() cloudstack.Offerings           { return f.offerings }
func (f *fakeCloud) Templates() cloudstack.Templates           { return f.templates }
func (f *fakeCloud) Tags() cloudstack.Tags                     { return f.tags }
func (f *fakeCloud) Jobs() cloudstack.Jobs                     { return f.jobs }
func (f *fakeCloud) VMs() cloudstack.VMs                       { return f.vms }
func (f *fakeCloud) Networks() cloudstack.Networks             { return f.networks }
func (f *fakeCloud) Volumes() cloudstack.Volumes               { return f.volumes }
func (f *fakeCloud) Snapshots() cloudstack.Snapshots           { return f.snapshots }
func (f *fakeCloud) AffinityGroups() cloudstack.AffinityGroups { return f.affinityGroups }
func (f *fakeCloud) SecurityGroups() cloudstack.SecurityGroups { return f.securityGroups }
func (f *fakeCloud) SSHKeyPairs() cloudstack.SSHKeyPairs       { return f.sshKeyPairs }
func (f *fakeCloud) PublicIPs() cloudstack.PublicIPs           { return f.publicIPs }
func (f *fakeCloud) LoadBalancers() cloudstack.LoadBalancers   { return f.loadBalancers }
func (f *fakeCloud) UploadClient() *http.Client                { return f.upload }

// factory hands the fake to cpi.Serve in place of a real CloudStack client.
func (f *fakeCloud) factory() cpi.CloudFactory {
	return func(config.Config, *cpi.Logger) (cpi.Cloud, error) { return f, nil }
}
