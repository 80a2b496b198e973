package integration_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// templateRow is a template row of the simulator's inventory.
type templateRow struct {
	ID             string `json:"id"`
	ZoneID         string `json:"zoneid"`
	Name           string `json:"name"`
	Format         string `json:"format"`
	Hypervisor     string `json:"hypervisor"`
	State          string `json:"state"`
	FileName       string `json:"filename"`
	ReceivedSHA256 string `json:"received_sha256"`
}

func templates(t *target) []templateRow {
	inv, err := t.Sim.Inventory()
	Expect(err).NotTo(HaveOccurred())
	var rows []templateRow
	for _, raw := range inv["templates"] {
		var row templateRow
		Expect(json.Unmarshal(raw, &row)).To(Succeed())
		rows = append(rows, row)
	}
	return rows
}

// seedWithMoreZones is the default cloud plus a VMware zone, for OVA stemcells, and a second XenServer
// zone to copy templates to.
func seedWithMoreZones() *simulator.Seed {
	seed := simulator.DefaultSeed()
	seed.Zones = append(seed.Zones, simulator.SeedZone{Name: "zone3", Hypervisor: "VMware"},
		simulator.SeedZone{Name: "zone4", Hypervisor: "XenServer"})
	return seed
}

// These specs read the simulator's inventory and inject its faults; `make acceptance` leaves them out
// with --label-filter='!simulator'.
var _ = Describe("stemcells through the binary", Label("simulator"), func() {
	var t *target

	BeforeEach(func() {
		t = startTarget(simulator.Options{Seed: seedWithMoreZones()})
	})

	stemcellProps := func(hypervisor string) map[string]any {
		return map[string]any{"name": "bosh-cloudstack-" + hypervisor + "-ubuntu-jammy-go_agent", "version": "1.423",
			"infrastructure": "cloudstack", "hypervisor": hypervisor}
	}

	DescribeTable("uploads every image format as the right template, and deletes it",
		func(zone, hypervisor string, image func() (string, []byte), format, cloudstackHypervisor, extension string) {
			config := t.config(func(cs map[string]any) { cs["default_zone"] = zone })
			path, uploaded := image()

			run := t.cpi(config, "create_stemcell", []any{path, stemcellProps(hypervisor)}, 2)
			Expect(run.Response.Error).To(BeNil(), run.Stderr)
			cid, ok := run.Response.Result.(string)
			Expect(ok).To(BeTrue())

			rows := templates(t)
			Expect(rows).To(HaveLen(1))
			Expect(rows[0].ID).To(Equal(cid))
			Expect(rows[0].Format).To(Equal(format))
			Expect(rows[0].Hypervisor).To(Equal(cloudstackHypervisor))
			Expect(rows[0].FileName).To(HaveSuffix(extension))
			Expect(rows[0].ReceivedSHA256).To(Equal(sha256Of(uploaded)), "the bytes CloudStack received are the image's")

			Expect(t.cpi(config, "delete_stemcell", []any{cid}, 2).Response.Error).To(BeNil())
			Expect(templates(t)).To(BeEmpty())
			Expect(t.cpi(config, "delete_stemcell", []any{cid}, 2).Response.Error).To(BeNil(), "deleting twice is fine")
		},
		Entry("cloudstack-vhdx on XenServer", "zone1", "xen", vhdxImage, "VHD", "XenServer", ".vhd.bz2"),
		Entry("openstack-qcow2 on KVM", "zone2", "kvm", qcow2Image, "QCOW2", "KVM", ".qcow2"),
		Entry("openstack-raw on KVM", "zone2", "kvm", rawImage, "RAW", "KVM", ".img"),
	)

	It("repacks a vSphere image as an OVA with the descriptor first", func() {
		config := t.config(func(cs map[string]any) { cs["default_zone"] = "zone3" })
		run := t.cpi(config, "create_stemcell", []any{ovaImage(), stemcellProps("esxi")}, 2)
		Expect(run.Response.Error).To(BeNil(), run.Stderr)
		rows := templates(t)
		Expect(rows).To(HaveLen(1))
		Expect(rows[0].Format).To(Equal("OVA"))
		Expect(rows[0].FileName).To(HaveSuffix(".ova"))
	})

	It("copies the template to the configured zones, once each", func() {
		config := t.config(func(cs map[string]any) {
			cs["stemcell"] = map[string]any{"zones": []string{"zone4", "zone1", "zone4"}}
		})
		path, _ := vhdxImage()
		run := t.cpi(config, "create_stemcell", []any{path, stemcellProps("xen")}, 2)
		Expect(run.Response.Error).To(BeNil(), run.Stderr)
		rows := templates(t)
		Expect(rows).To(HaveLen(2), "the default zone and zone4; neither twice")
		Expect(rows[0].ID).To(Equal(rows[1].ID))
		Expect(rows[0].ZoneID).NotTo(Equal(rows[1].ZoneID))
		Expect(t.Sim.CallCount("copyTemplate")).To(Equal(1))

		Expect(t.cpi(config, "delete_stemcell", []any{rows[0].ID}, 2).Response.Error).To(BeNil())
		Expect(templates(t)).To(BeEmpty(), "deleted in every zone")
	})

	It("answers a light stemcell's template and never deletes it", func() {
		config := t.config(nil)
		path, _ := vhdxImage()
		heavy := t.cpi(config, "create_stemcell", []any{path, stemcellProps("xen")}, 2)
		Expect(heavy.Response.Error).To(BeNil(), heavy.Stderr)
		cid := heavy.Response.Result.(string)

		light := t.cpi(config, "create_stemcell", []any{"/var/vcap/data/tmp/light-image", map[string]any{"template_id": cid}}, 2)
		Expect(light.Response.Error).To(BeNil(), light.Stderr)
		Expect(light.Response.Result).To(Equal(cid))
		Expect(t.cpi(config, "delete_stemcell", []any{cid}, 2).Response.Error).To(BeNil())
		Expect(templates(t)).To(HaveLen(1), "a template a light stemcell uses stays")

		missing := t.cpi(config, "create_stemcell", []any{"/x", map[string]any{"template_name": "no-such-template"}}, 2)
		Expect(missing.Response.Error).NotTo(BeNil())
		Expect(missing.Response.Error.Type).To(Equal("Bosh::Clouds::CloudError"))
		Expect(missing.Response.Error.Message).To(ContainSubstring("no-such-template"))
	})

	It("has CloudStack download a stemcell that names a url", func() {
		path, content := vhdxImage()
		images := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, path)
		}))
		DeferCleanup(images.Close)
		props := stemcellProps("xen")
		props["url"] = images.URL + "/stemcell.vhd.bz2"

		run := t.cpi(t.config(nil), "create_stemcell", []any{"/var/vcap/data/tmp/no-local-image", props}, 2)
		Expect(run.Response.Error).To(BeNil(), run.Stderr)
		rows := templates(t)
		Expect(rows).To(HaveLen(1))
		Expect(rows[0].ReceivedSHA256).To(Equal(sha256Of(content)))
		Expect(t.Sim.CallCount("getUploadParamsForTemplate")).To(BeZero())
	})

	It("retries an upload the storage VM failed, leaving one template", func() {
		Expect(t.Sim.AddFault(simulator.FaultRule{Command: "upload", Nth: 1, Kind: "http", ErrorCode: 503})).To(Succeed())
		path, uploaded := vhdxImage()
		run := t.cpi(t.config(nil), "create_stemcell", []any{path, stemcellProps("xen")}, 2)
		Expect(run.Response.Error).To(BeNil(), run.Stderr)
		Expect(t.Sim.CallCount("getUploadParamsForTemplate")).To(Equal(2))
		rows := templates(t)
		Expect(rows).To(HaveLen(1), "the first attempt's template is deleted")
		Expect(rows[0].ReceivedSHA256).To(Equal(sha256Of(uploaded)))
	})

	It("gives up at the poll_template timeout quoting CloudStack's status, and leaves nothing", func() {
		t = startTarget(simulator.Options{Templates: simulator.TemplateOptions{InstallDelay: time.Hour}})
		config := t.config(func(cs map[string]any) { cs["timeout"] = map[string]any{"poll_template": 1} })
		path, _ := vhdxImage()
		run := t.cpi(config, "create_stemcell", []any{path, stemcellProps("xen")}, 2)
		Expect(run.Response.Error).NotTo(BeNil())
		Expect(run.Response.Error.Type).To(Equal("Bosh::Clouds::CloudError"))
		Expect(run.Response.Error.Message).To(ContainSubstring("Installing Template"))
		Expect(templates(t)).To(BeEmpty())
	})

	DescribeTable("refuses bad input with a CloudError naming it, creating nothing",
		func(image func() string, props map[string]any, message string) {
			run := t.cpi(t.config(nil), "create_stemcell", []any{image(), props}, 2)
			Expect(run.Response.Error).NotTo(BeNil())
			Expect(run.Response.Error.Type).To(Equal("Bosh::Clouds::CloudError"))
			Expect(run.Response.Error.Message).To(ContainSubstring(message))
			Expect(templates(t)).To(BeEmpty())
			Expect(t.Sim.CallCount("getUploadParamsForTemplate")).To(BeZero(), "found before CloudStack is asked anything")
		},
		Entry("a missing image", func() string { return "/nonexistent/image" }, stemcellProps("xen"), "/nonexistent/image"),
		Entry("an unknown format", func() string {
			path := filepath.Join(GinkgoT().TempDir(), "image")
			Expect(os.WriteFile(path, []byte("just some text\n"), 0o644)).To(Succeed())
			return path
		}, stemcellProps("xen"), "is not a format this CPI knows"),
		Entry("a wrong checksum", func() string { p, _ := vhdxImage(); return p },
			map[string]any{"hypervisor": "xen", "sha1": "0000000000000000000000000000000000000000"}, "SHA-1"),
		Entry("a hypervisor the image contradicts", func() string { p, _ := vhdxImage(); return p }, stemcellProps("kvm"), "hypervisor"),
		Entry("an OS type that does not exist", func() string { p, _ := vhdxImage(); return p },
			map[string]any{"hypervisor": "xen", "cloudstack_os_type": "Plan 9"}, "Plan 9"),
	)

	It("deletes the template when the image turns out truncated while it streams", func() {
		// A tarball's root.img is streamed, not read twice, so a truncated one shows during the upload.
		full, _ := rawImage()
		data, err := os.ReadFile(full)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(full, data[:len(data)/2], 0o644)).To(Succeed())

		config := t.config(func(cs map[string]any) { cs["default_zone"] = "zone2" })
		run := t.cpi(config, "create_stemcell", []any{full, stemcellProps("kvm")}, 2)
		Expect(run.Response.Error).NotTo(BeNil())
		Expect(run.Response.Error.Type).To(Equal("Bosh::Clouds::CloudError"))
		Expect(run.Response.Error.Message).To(ContainSubstring(full))
		Expect(t.Sim.CallCount("getUploadParamsForTemplate")).To(Equal(1), "a broken image is not retried")
		Expect(templates(t)).To(BeEmpty())
	})
})
