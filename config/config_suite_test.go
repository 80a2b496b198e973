package config_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

func TestConfig(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Config Suite")
}

// minimalJSON sets only the required keys.
const minimalJSON = `{
  "cloudstack": {"endpoint": "https://cloud.example/client/api", "api_key": "K3y-0001",
                 "secret_access_key": "S3cret-0001", "default_zone": "zone1"},
  "agent": {"mbus": "https://mbus:MbusPassw0rd@0.0.0.0:6868"}
}`

// validConfig is Default() with the required keys set.
func validConfig() config.Config {
	c := config.Default()
	c.CloudStack.Endpoint = "https://cloud.example/client/api"
	c.CloudStack.APIKey = "K3y-0001"
	c.CloudStack.SecretAccessKey = "S3cret-0001"
	c.CloudStack.DefaultZone = "zone1"
	c.Agent.Mbus = "https://mbus:MbusPassw0rd@0.0.0.0:6868"
	return c
}
