package config_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/config"
)

var _ = Describe("Default", func() {
	It("fills every default and leaves the required keys empty", func() {
		Expect(config.Default()).To(Equal(config.Config{
			LogLevel: "info",
			CloudStack: config.CloudStack{
				ExpungeVM:         true,
				HTTPTimeout:       60,
				UserDataMaxBytes:  32768,
				EphemeralDiskMode: "deploy",
				Timeout:           config.Timeouts{Global: 1800},
				Polling:           config.Polling{InitialIntervalMS: 200, MaxIntervalMS: 5000},
				Stemcell: config.Stemcell{
					RequiresHVM:   true,
					OSType:        "Other PV (64-bit)",
					Formats:       []string{"cloudstack-vhdx", "cloudstack-light"},
					UploadRetries: 3,
					Zones:         []string{},
				},
				AutoAntiAffinityType: "host anti-affinity",
				Calculate: config.Calculate{
					DiskTags: []string{}, NotDiskTags: []string{}, ComputeTags: []string{}, NotComputeTags: []string{},
				},
			},
			Agent:    config.Agent{NTP: []string{}},
			Registry: config.Registry{Port: 6901},
		}))
	})

	It("returns fresh slices every time", func() {
		first := config.Default()
		first.CloudStack.Stemcell.Formats[0] = "changed"
		Expect(config.Default().CloudStack.Stemcell.Formats[0]).To(Equal("cloudstack-vhdx"))
	})

	It("does not validate until the required keys are set", func() {
		err := config.Default().Validate()
		Expect(err).To(MatchError(ContainSubstring("cloudstack.endpoint: must not be empty")))
		Expect(err).To(MatchError(ContainSubstring("agent.mbus: must not be empty")))
		Expect(validConfig().Validate()).To(Succeed())
	})
})

var _ = Describe("Timeouts.For", func() {
	timeouts := config.Timeouts{Global: 100, CreateVM: 300, AttachVolume: 50}

	DescribeTable("gives an operation its own bound, or the global one",
		func(name string, expected time.Duration) {
			Expect(timeouts.For(name)).To(Equal(expected))
		},
		Entry("a set operation", "create_vm", 300*time.Second),
		Entry("a shorter set operation", "attach_volume", 50*time.Second),
		Entry("an unset operation", "delete_vm", 100*time.Second),
		Entry("an unknown name", "bake_cake", 100*time.Second),
		Entry("the global name", "global", 100*time.Second),
	)

	It("knows every operation by its JSON name", func() {
		all := config.Timeouts{
			Global: 1, RebootVM: 2, CreateVM: 3, DeleteVM: 4, StopVM: 5, CreateVolume: 6, DeleteVolume: 7,
			ResizeVolume: 8, AttachVolume: 9, DetachVolume: 10, PollTemplate: 11, SnapshotVolume: 12, DeleteSnapshotVolume: 13,
		}
		names := []string{"reboot_vm", "create_vm", "delete_vm", "stop_vm", "create_volume", "delete_volume",
			"resize_volume", "attach_volume", "detach_volume", "poll_template", "snapshot_volume", "delete_snapshot_volume"}
		for i, name := range names {
			Expect(all.For(name)).To(Equal(time.Duration(i+2)*time.Second), name)
		}
	})

	It("never returns an unbounded wait, even from a zero Timeouts", func() {
		Expect(config.Timeouts{}.For("create_vm")).To(Equal(1800 * time.Second))
	})
})

var _ = Describe("Registry", func() {
	It("is not configured without a host or an endpoint", func() {
		Expect(config.Registry{Port: 6901}.Configured()).To(BeFalse())
		Expect(config.Registry{Port: 6901}.URL()).To(BeEmpty())
	})

	It("builds its URL from host and port", func() {
		r := config.Registry{Host: "10.0.0.6", Port: 25777}
		Expect(r.Configured()).To(BeTrue())
		Expect(r.URL()).To(Equal("http://10.0.0.6:25777"))
	})

	It("uses port 6901 when the port is 0, and brackets IPv6 hosts", func() {
		Expect(config.Registry{Host: "fd00::6"}.URL()).To(Equal("http://[fd00::6]:6901"))
	})

	It("prefers the endpoint", func() {
		r := config.Registry{Host: "10.0.0.6", Port: 25777, Endpoint: "https://registry.example:443"}
		Expect(r.Configured()).To(BeTrue())
		Expect(r.URL()).To(Equal("https://registry.example:443"))
	})
})

var _ = Describe("LogLevelOrDefault", func() {
	DescribeTable("returns a known level in lower case, else info",
		func(level, expected string) {
			Expect(config.Config{LogLevel: level}.LogLevelOrDefault()).To(Equal(expected))
		},
		Entry(nil, "debug", "debug"),
		Entry(nil, "WARN", "warn"),
		Entry(nil, " error ", "error"),
		Entry(nil, "", "info"),
		Entry(nil, "verbose", "info"),
	)
})
