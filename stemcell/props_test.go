package stemcell_test

import (
	"encoding/json"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Props", func() {
	decode := func(cloudProperties string) (stemcell.Props, error) {
		var props stemcell.Props
		err := json.Unmarshal([]byte(cloudProperties), &props)
		return props, err
	}

	It("reads a cloudstack stemcell.MF's cloud_properties, ignoring the keys it has no use for", func() {
		props, err := decode(`{"name": "bosh-cloudstack-xen-ubuntu-jammy-go_agent", "version": "1.423", "infrastructure": "cloudstack",
			"hypervisor": "xen", "disk": 3072, "disk_format": "vhdx", "container_format": "bare", "os_type": "linux",
			"os_distro": "ubuntu", "architecture": "x86_64", "auto_disk_config": true}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(props).To(Equal(xenProps))
		Expect(props.IsLight()).To(BeFalse())
	})

	It("reads a light stemcell's template and the CPI's own keys", func() {
		props, err := decode(`{"name": "light", "version": "1", "light_template": "golden", "template_id": "", "template_name": "",
			"url": "https://x/y", "sha1": "abc", "cloudstack_os_type": "Ubuntu 22.04 LTS"}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(props.IsLight()).To(BeTrue())
		Expect([]string{props.LightTemplate, props.URL, props.SHA1, props.OSType}).To(Equal([]string{"golden", "https://x/y", "abc", "Ubuntu 22.04 LTS"}))
	})

	DescribeTable("takes a version written as a YAML number, as a hand-made stemcell.MF has it, as its text",
		func(version, want string) {
			props, err := decode(`{"name": "s", "version": ` + version + `}`)
			Expect(err).NotTo(HaveOccurred())
			Expect(props.Version).To(Equal(want))
			Expect(props.Name).To(Equal("s"))
		},
		Entry("an integer", `7`, "7"),
		Entry("a decimal, keeping its trailing zero", `1.50`, "1.50"),
		Entry("a string", `"621.74"`, "621.74"),
		Entry("null", `null`, ""),
	)

	It("still reports another field of the wrong type by its name", func() {
		_, err := decode(`{"name": 5}`)
		var typeErr *json.UnmarshalTypeError
		Expect(errors.As(err, &typeErr)).To(BeTrue())
		Expect(typeErr.Field).To(Equal("name"))
	})

	It("refuses a version that is neither a string nor a number, naming it", func() {
		_, err := decode(`{"version": {"major": 1}}`)
		Expect(err).To(MatchError(ContainSubstring("version must be a string or a number")))
	})
})
