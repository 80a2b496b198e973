package cpi

import (
	"net/http"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

// Cloud is the CloudStack a method works on: the narrow interfaces of the cloudstack package, so unit
// tests can hand in counterfeiter fakes. *cloudstack.Client is the real one.
type Cloud interface {
	Zones() cloudstack.Zones
	OSTypes() cloudstack.OSTypes
	Offerings() cloudstack.Offerings
	Templates() cloudstack.Templates
	Tags() cloudstack.Tags
	Jobs() cloudstack.Jobs
	VMs() cloudstack.VMs
	Networks() cloudstack.Networks
	Volumes() cloudstack.Volumes
	Snapshots() cloudstack.Snapshots
	AffinityGroups() cloudstack.AffinityGroups
	SecurityGroups() cloudstack.SecurityGroups
	SSHKeyPairs() cloudstack.SSHKeyPairs
	PublicIPs() cloudstack.PublicIPs
	LoadBalancers() cloudstack.LoadBalancers
	// UploadClient streams images to the secondary storage VM: same TLS and proxy rules as the API,
	// no overall timeout.
	UploadClient() *http.Client
}

// CloudFactory builds the Cloud from the effective config; ServeOptions.NewCloud replaces it in tests.
type CloudFactory func(cfg config.Config, log *Logger) (Cloud, error)

// realCloud adds the upload client to the API client.
type realCloud struct {
	*cloudstack.Client
	upload *http.Client
}

func (c realCloud) UploadClient() *http.Client { return c.upload }

// newCloud connects to the configured CloudStack. Nothing is called yet: the client is built lazily by
// the first method that needs it, so info never touches the network.
func newCloud(cfg config.Config, log *Logger) (Cloud, error) {
	opts := cloudstackOptions(cfg, log)
	client, err := cloudstack.New(opts)
	if err != nil {
		return nil, NewCpiError(err, "configuring the CloudStack client")
	}
	return realCloud{Client: client, upload: opts.UploadHTTPClient()}, nil
}

func cloudstackOptions(cfg config.Config, log *Logger) cloudstack.Options {
	cs := cfg.CloudStack
	return cloudstack.Options{
		Endpoint:            cs.Endpoint,
		APIKey:              cs.APIKey,
		SecretKey:           cs.SecretAccessKey,
		CACert:              cs.CACert,
		SkipSSLValidation:   cs.SkipSSLValidation,
		HTTPTimeout:         time.Duration(cs.HTTPTimeout) * time.Second,
		PollInitialInterval: time.Duration(cs.Polling.InitialIntervalMS) * time.Millisecond,
		PollMaxInterval:     time.Duration(cs.Polling.MaxIntervalMS) * time.Millisecond,
		Logger:              log,
	}
}

// Cloud returns the CloudStack client, built on first use.
func (e *Env) Cloud() (Cloud, error) {
	if e.cloud == nil {
		factory := e.newCloud
		if factory == nil {
			factory = newCloud
		}
		c, err := factory(e.Config, e.Log)
		if err != nil {
			return nil, err
		}
		e.cloud = c
	}
	return e.cloud, nil
}
