package registry_test

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/cloudfoundry/bosh-agent/v2/platform/disk"
	boshsettings "github.com/cloudfoundry/bosh-agent/v2/settings"
	boshlog "github.com/cloudfoundry/bosh-utils/logger"
	fakesys "github.com/cloudfoundry/bosh-utils/system/fakes"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/registry"
)

// bootAgent is a first boot: the CPI's user-data goes to deployVirtualMachine,
// the virtual router serves it, and the agent's settings service loads it
// through the stemcell's HTTP source and caches it in settings.json.
func bootAgent(userData string) (boshsettings.Settings, *fakesys.FakeFileSystem, *virtualRouter) {
	router := newVirtualRouter(userData)
	DeferCleanup(router.Close)
	fs := fakesys.NewFakeFileSystem()
	service := boshsettings.NewService(fs, newStemcellHTTPSource(router.URL), vmPlatform{}, boshlog.NewLogger(boshlog.LevelNone))
	Expect(service.LoadSettings()).To(Succeed())
	return service.GetSettings(), fs, router
}

var _ = Describe("user-data, as the bosh-agent reads it", func() {
	It("is read from where the CloudStack stemcell's agent.json looks", func() {
		config := loadStemcellAgentConfig()
		Expect(config.Platform.Linux.DevicePathResolutionType).To(Equal("virtio"))
		Expect(config.Infrastructure.Settings.Sources).To(HaveLen(1))
		Expect(config.Infrastructure.Settings.Sources[0].Type).To(Equal("HTTP"))

		userData, err := registry.EncodeUserData(registry.BuildSettings(createEnvInput()), 0)
		Expect(err).NotTo(HaveOccurred())
		_, _, router := bootAgent(userData)
		Expect(router.requestLog()).To(Equal([]string{"GET /latest/user-data"}))
		Expect(router.URL).To(HavePrefix("http://127.0.0.1:"))
	})

	Describe("a director's VM: two NICs and a vip, persistent disk, full env", func() {
		var (
			agent boshsettings.Settings
			fs    *fakesys.FakeFileSystem
		)

		BeforeEach(func() {
			userData, err := registry.EncodeUserData(registry.BuildSettings(directorInput()), registry.DefaultUserDataMaxBytes)
			Expect(err).NotTo(HaveOccurred())
			agent, fs, _ = bootAgent(userData)
		})

		It("has the agent id and the VM name", func() {
			Expect(agent.AgentID).To(Equal(agentID))
			Expect(agent.VM.Name).To(Equal(vmName))
		})

		It("configures the manual network statically on the NIC with its MAC, and makes it the default", func() {
			manual := agent.Networks["default"]
			Expect(manual.Type).To(BeEquivalentTo("manual"))
			Expect(manual.IP).To(Equal("10.0.16.10"))
			Expect(manual.Netmask).To(Equal("255.255.255.0"))
			Expect(manual.Gateway).To(Equal("10.0.16.1"))
			Expect(manual.Prefix).To(Equal("32"))
			Expect(manual.DNS).To(Equal([]string{"10.0.16.1", "8.8.8.8"}))
			Expect(manual.Mac).To(Equal("1e:00:5a:00:00:12"))
			Expect(manual.IsDHCP()).To(BeFalse())

			for _, category := range []string{"gateway", "dns"} {
				network, found := agent.Networks.DefaultNetworkFor(category)
				Expect(found).To(BeTrue(), category)
				Expect(network).To(Equal(manual), category)
			}
			Expect(agent.Networks.NetworksForMac("1e:00:5a:00:00:12")).To(Equal([]boshsettings.Network{manual}))
			ip, found := agent.Networks.DefaultIP()
			Expect(found).To(BeTrue())
			Expect(ip).To(Equal("10.0.16.10"))
		})

		It("configures the dynamic network by DHCP on its own NIC, with its routes", func() {
			dynamic := agent.Networks["backend"]
			Expect(dynamic.Type).To(Equal(boshsettings.NetworkTypeDynamic))
			Expect(dynamic.IsDHCP()).To(BeTrue())
			Expect(dynamic.Mac).To(Equal("1e:00:5a:00:00:13"))
			Expect(dynamic.IP).To(Equal("10.1.0.5"))
			Expect(dynamic.Routes).To(Equal(boshsettings.Routes{{Destination: "192.168.0.0", Gateway: "10.1.0.1", Netmask: "255.255.0.0"}}))
		})

		It("leaves the vip to the CPI", func() {
			vip := agent.Networks["public"]
			Expect(vip.IsVIP()).To(BeTrue())
			Expect(vip.IP).To(Equal("203.0.113.7"))
			Expect(agent.Networks.HasInterfaceAlias()).To(BeFalse())
			Expect(agent.Networks.IsPreconfigured()).To(BeFalse())
			Expect(agent.Networks.IPs()).To(ConsistOf("10.0.16.10", "10.1.0.5", "203.0.113.7"))
		})

		It("finds the system, ephemeral and persistent disks, with the env's file system", func() {
			Expect(agent.Disks.System).To(Equal("/dev/xvda"))
			Expect(agent.EphemeralDiskSettings()).To(Equal(boshsettings.DiskSettings{Path: "/dev/xvdb", VolumeID: "1"}))
			Expect(agent.RawEphemeralDiskSettings()).To(BeEmpty())

			persistent, found := agent.PersistentDiskSettings(persistentID)
			Expect(found).To(BeTrue())
			Expect(persistent).To(Equal(boshsettings.DiskSettings{
				ID: persistentID, Path: "/dev/xvde", VolumeID: "4", FileSystemType: disk.FileSystemXFS,
			}))
		})

		It("takes mbus, blobstore and NTP from the env first, the top-level values being the fallback", func() {
			Expect(agent.Mbus).To(Equal("nats://10.0.16.6:4222"))
			Expect(agent.GetMbusURL()).To(Equal("nats://10.0.16.6:4222"))
			Expect(agent.GetMbusCerts()).To(Equal(boshsettings.CertKeyPair{
				CA:          "-----BEGIN CERTIFICATE-----\nMIIBCA\n-----END CERTIFICATE-----\n",
				Certificate: "-----BEGIN CERTIFICATE-----\nMIIBCC\n-----END CERTIFICATE-----\n",
				PrivateKey:  "-----BEGIN RSA PRIVATE KEY-----\nMIIEKEY\n-----END RSA PRIVATE KEY-----\n",
			}))

			Expect(agent.Blobstore).To(Equal(boshsettings.Blobstore{Type: "dav", Options: map[string]any{
				"endpoint": "http://10.0.16.6:25250", "user": "agent", "password": "top-level-pw",
			}}))
			Expect(agent.GetBlobstore().Type).To(Equal("dav"))
			Expect(agent.GetBlobstore().Options).To(HaveKeyWithValue("endpoint", "https://10.0.16.6:25250"))
			Expect(agent.GetBlobstore().Options).To(HaveKeyWithValue("password", "dav<&>pw"))

			Expect(agent.NTP).To(Equal([]string{"0.pool.ntp.org"}))
			Expect(agent.GetNtpServers()).To(Equal([]string{"time1.google.com", "time2.google.com"}))
		})

		It("reads the env as the director wrote it", func() {
			Expect(agent.Env.GetPassword()).To(HavePrefix("$6$4gDD3aV0rdqlrKC$"))
			Expect(*agent.Env.GetSwapSizeInBytes()).To(BeZero())
			Expect(agent.Env.PersistentDiskFS).To(Equal(disk.FileSystemXFS))
		})

		It("caches the settings for later boots without a metadata service", func() {
			cached, err := fs.ReadFile(agentSettingsPath)
			Expect(err).NotTo(HaveOccurred())
			var reread boshsettings.Settings
			Expect(json.Unmarshal(cached, &reread)).To(Succeed())
			Expect(reread.AgentID).To(Equal(agentID))
			Expect(reread.Networks["default"].Mac).To(Equal("1e:00:5a:00:00:12"))
		})
	})

	Describe("the create-env VM: one network without a MAC, a local blobstore", func() {
		It("maps the only network to the only NIC and uses the top-level mbus and blobstore", func() {
			userData, err := registry.EncodeUserData(registry.BuildSettings(createEnvInput()), 0)
			Expect(err).NotTo(HaveOccurred())
			agent, _, _ := bootAgent(userData)

			Expect(agent.AgentID).To(Equal("bm-2f5d6a0e-4b3c-4d2e-9f1a-0b8c7d6e5f4a"))
			network, found := agent.Networks.DefaultNetworkFor("gateway")
			Expect(found).To(BeTrue())
			Expect(network.IP).To(Equal("10.0.0.6"))
			Expect(network.Mac).To(BeEmpty())
			Expect(agent.GetMbusURL()).To(Equal("https://mbus:MbusPassw0rd@0.0.0.0:6868"))
			Expect(agent.GetBlobstore()).To(Equal(boshsettings.Blobstore{Type: "local", Options: map[string]any{
				"blobstore_path": "/var/vcap/micro_bosh/data/cache",
			}}))
			Expect(agent.GetNtpServers()).To(BeEmpty())
			Expect(agent.EphemeralDiskSettings()).To(Equal(boshsettings.DiskSettings{}))
			Expect(agent.Disks.Persistent).To(BeEmpty())
		})
	})

	It("keeps the legacy keys old agents read, in the shape they read them", func() {
		userData, err := registry.EncodeUserData(registry.BuildSettings(directorInput()), 0)
		Expect(err).NotTo(HaveOccurred())
		router := newVirtualRouter(userData)
		DeferCleanup(router.Close)

		read, err := newStemcellHTTPSource(router.URL).userData()
		Expect(err).NotTo(HaveOccurred())
		Expect(read.Server.Name).To(Equal(vmName))
		Expect(read.DNS.Nameserver).To(Equal([]string{"10.0.16.1", "8.8.8.8"}))
		Expect(read.Registry.Endpoint).To(BeEmpty())
	})

	It("gets settings past 32 KiB through when the limit is raised", func() {
		in := directorInput()
		in.Env = json.RawMessage(`{"bosh": {"password": "p", "mbus": {"cert": {"ca": "` + strings.Repeat("Q", 40000) + `"}}}}`)
		userData, err := registry.EncodeUserData(registry.BuildSettings(in), 1<<20)
		Expect(err).NotTo(HaveOccurred())
		agent, _, _ := bootAgent(userData)
		Expect(agent.GetMbusCerts().CA).To(HaveLen(40000))
	})

	It("is refused by the agent when it has no agent_id, which is why EncodeUserData refuses it first", func() {
		in := createEnvInput()
		in.AgentID = ""
		_, err := registry.EncodeUserData(registry.BuildSettings(in), 0)
		Expect(err).To(HaveOccurred())

		raw, err := registry.BuildSettings(in).JSON()
		Expect(err).NotTo(HaveOccurred())
		router := newVirtualRouter(encodeStd(raw))
		DeferCleanup(router.Close)
		_, err = newStemcellHTTPSource(router.URL).Settings()
		Expect(err).To(MatchError("Metadata does not provide settings"))
	})

	It("serves the SSH key and instance id paths the stemcell names", func() {
		router := newVirtualRouter(encodeStd([]byte(`{}`)))
		DeferCleanup(router.Close)
		key, err := newStemcellHTTPSource(router.URL).PublicSSHKeyForUsername("vcap")
		Expect(err).NotTo(HaveOccurred())
		Expect(key).To(Equal(vmPublicKey))
		resp, err := http.Get(router.URL + loadStemcellAgentConfig().Infrastructure.Settings.Sources[0].InstanceIDPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
	})
})
