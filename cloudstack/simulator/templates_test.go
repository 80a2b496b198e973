package simulator_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// templateSeed is the default cloud plus a XenServer template in zone1, a KVM one in zone2
// and a cross-zone one (no zones: every zone).
func templateSeed() *simulator.Seed {
	seed := simulator.DefaultSeed()
	seed.Templates = []simulator.SeedTemplate{
		{Name: "ubuntu-xen", DisplayText: "Ubuntu Jammy for Xen", Zones: []string{"zone1"}, OSType: "Ubuntu 22.04 LTS", Hypervisor: "XenServer", Format: "VHD", Size: 5 << 30},
		{Name: "ubuntu-kvm", Zones: []string{"zone2"}, OSType: "Ubuntu 22.04 LTS", Hypervisor: "kvm", Format: "qcow2"},
		{Name: "everywhere", OSType: "Other (64-bit)", Hypervisor: "Simulator", Format: "RAW"},
	}
	return seed
}

func names(rows []map[string]any) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r["name"].(string)+"@"+r["zonename"].(string))
	}
	return out
}

var _ = Describe("templates", func() {
	var s *sim

	BeforeEach(func() {
		s = startSim(func(o *simulator.Options) { o.Seed = templateSeed() })
	})

	list := func(params map[string]string) []map[string]any {
		if _, ok := params["templatefilter"]; !ok {
			params["templatefilter"] = "self"
		}
		return items(s.ok("listTemplates", params), "template")
	}

	Describe("listTemplates", func() {
		It("requires a valid templatefilter", func() {
			Expect(s.apiError("listTemplates", nil, 431)["errortext"]).To(Equal("Unable to execute API command listtemplates due to missing parameter templatefilter"))
			Expect(s.apiError("listTemplates", map[string]string{"templatefilter": "mine"}, 431)["errortext"]).To(ContainSubstring("templatefilter value=mine"))
		})

		It("lists one row per (template, zone), with the same id in every zone of a cross-zone template", func() {
			Expect(names(list(map[string]string{}))).To(Equal([]string{"ubuntu-xen@zone1", "ubuntu-kvm@zone2", "everywhere@zone1", "everywhere@zone2"}))
			everywhere := list(map[string]string{"name": "everywhere"})
			Expect(everywhere).To(HaveLen(2))
			Expect(everywhere[0]["id"]).To(Equal(everywhere[1]["id"]))
			Expect(everywhere[0]["crossZones"]).To(BeTrue())
			Expect(list(map[string]string{"name": "ubuntu-xen"})[0]["crossZones"]).To(BeFalse())

			body := s.ok("listTemplates", map[string]string{"templatefilter": "all", "showunique": "true"})
			Expect(body["count"]).To(BeNumerically("==", 3))
			Expect(names(items(body, "template"))).To(Equal([]string{"ubuntu-xen@zone1", "ubuntu-kvm@zone2", "everywhere@zone1"}))

			zone2 := s.firstID("listZones", "zone", "zone2")
			Expect(names(list(map[string]string{"zoneid": zone2}))).To(Equal([]string{"ubuntu-kvm@zone2", "everywhere@zone2"}))
		})

		It("renders seeded templates ready, with CloudStack's fields and types", func() {
			t := list(map[string]string{"name": "ubuntu-xen"})[0]
			Expect(t).To(MatchKeys(IgnoreExtras, Keys{
				"displaytext": Equal("Ubuntu Jammy for Xen"), "isready": BeTrue(), "status": Equal("Download Complete"),
				"format": Equal("VHD"), "hypervisor": Equal("XenServer"), "ostypename": Equal("Ubuntu 22.04 LTS"),
				"size": BeNumerically("==", 5<<30), "templatetype": Equal("USER"), "bits": BeNumerically("==", 64),
				"requireshvm": BeTrue(), "ispublic": BeFalse(), "details": Equal(map[string]any{}), "tags": Equal([]any{}),
				"downloaddetails": Equal([]any{map[string]any{"datastore": "zone1-secondary", "downloadPercent": "100", "downloadState": "DOWNLOADED"}}),
				"account":         Equal("admin"), "zonename": Equal("zone1"),
			}))
			kvm := list(map[string]string{"name": "ubuntu-kvm"})[0]
			Expect(kvm["hypervisor"]).To(Equal("KVM"))
			Expect(kvm["format"]).To(Equal("QCOW2"))
			Expect(kvm["displaytext"]).To(Equal("ubuntu-kvm"))
			Expect(kvm["size"]).To(BeNumerically("==", 3<<30))
		})

		It("matches name exactly and keyword as a substring of name or display text", func() {
			Expect(list(map[string]string{"name": "ubuntu"})).To(BeEmpty())
			Expect(names(list(map[string]string{"keyword": "UBUNTU"}))).To(Equal([]string{"ubuntu-xen@zone1", "ubuntu-kvm@zone2"}))
			Expect(names(list(map[string]string{"keyword": "jammy"}))).To(Equal([]string{"ubuntu-xen@zone1"}))
		})

		It("filters by hypervisor (any case), by tag, and pages", func() {
			Expect(names(list(map[string]string{"hypervisor": "kvm"}))).To(Equal([]string{"ubuntu-kvm@zone2"}))

			id := list(map[string]string{"name": "everywhere"})[0]["id"].(string)
			job := s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "Template", "tags[0].key": "bosh", "tags[0].value": "stemcell"})
			Expect(job["jobstatus"]).To(BeNumerically("==", 1))
			tagged := list(map[string]string{"tags[0].key": "bosh", "tags[0].value": "stemcell"})
			Expect(names(tagged)).To(Equal([]string{"everywhere@zone1", "everywhere@zone2"}))
			Expect(tagged[1]["tags"]).To(ConsistOf(HaveKeyWithValue("key", "bosh")))

			body := s.ok("listTemplates", map[string]string{"templatefilter": "self", "page": "2", "pagesize": "3"})
			Expect(body["count"]).To(BeNumerically("==", 4))
			Expect(names(items(body, "template"))).To(Equal([]string{"everywhere@zone2"}))
		})

		It("answers 431 for an unknown id and {} for a deleted one", func() {
			s.apiError("listTemplates", map[string]string{"templatefilter": "self", "id": simulator.NewUUID()}, 431)
			id := list(map[string]string{"name": "ubuntu-xen"})[0]["id"].(string)
			Expect(s.runJob("deleteTemplate", map[string]string{"id": id})["jobstatus"]).To(BeNumerically("==", 1))
			Expect(s.ok("listTemplates", map[string]string{"templatefilter": "self", "id": id})).To(BeEmpty())
			Expect(s.templateRows(id, "showremoved", "true")[0]).To(HaveKey("removed"))
		})

		It("applies the filters' ownership and readiness rules", func() {
			pending := s.uploadTicket(xenUploadParams(s, "pending")).ID
			params := xenUploadParams(s, "featured")
			params["ispublic"], params["isfeatured"] = "true", "true"
			featured := s.uploadTicket(params)
			Expect(fileUpload("f.vhd", randomBytes(10)).send(featured).Status).To(Equal(200))
			params = xenUploadParams(s, "community")
			params["ispublic"] = "true"
			community := s.uploadTicket(params)
			Expect(fileUpload("c.vhd", randomBytes(10)).send(community).Status).To(Equal(200))

			ids := func(filter string, extra ...string) []string {
				p := map[string]string{"templatefilter": filter}
				for i := 0; i+1 < len(extra); i += 2 {
					p[extra[i]] = extra[i+1]
				}
				var out []string
				for _, r := range items(s.ok("listTemplates", p), "template") {
					out = append(out, r["name"].(string))
				}
				return out
			}
			Expect(ids("self")).To(ContainElement("pending"))
			Expect(ids("executable")).To(ContainElement("pending"))
			Expect(ids("all")).To(ContainElement("pending"))
			Expect(ids("selfexecutable")).NotTo(ContainElement("pending"))
			Expect(ids("self", "isready", "true")).NotTo(ContainElement("pending"))
			Expect(ids("self", "isready", "false")).To(Equal([]string{"pending"}))
			Expect(ids("featured")).To(Equal([]string{"featured"}))
			Expect(ids("community")).To(Equal([]string{"community"}))
			Expect(ids("sharedexecutable")).To(BeEmpty())
			Expect(pending).NotTo(BeEmpty())
		})
	})

	Describe("getUploadParamsForTemplate", func() {
		It("creates the template NotUploaded, canonicalising hypervisor and format, display text defaulting to the name", func() {
			params := xenUploadParams(s, "stemcell")
			params["format"], params["hypervisor"] = "vhd", "xenserver"
			delete(params, "displaytext")
			t := s.uploadTicket(params)
			row := s.templateRow(t.ID)
			Expect(row).To(MatchKeys(IgnoreExtras, Keys{"format": Equal("VHD"), "hypervisor": Equal("XenServer"),
				"displaytext": Equal("stemcell"), "status": Equal("NotUploaded"), "isready": BeFalse(), "crossZones": BeFalse()}))
			Expect(t.PostURL).To(Equal(s.HTTP.URL + "/upload/" + t.ID))
		})

		DescribeTable("validates its parameters like CloudStack",
			func(change func(p map[string]string), text string) {
				params := xenUploadParams(s, "stemcell")
				change(params)
				Expect(s.apiError("getUploadParamsForTemplate", params, 431)["errortext"]).To(ContainSubstring(text))
				Expect(s.ok("listTemplates", map[string]string{"templatefilter": "all"})["count"]).To(BeNumerically("==", 4))
			},
			Entry("name missing", func(p map[string]string) { delete(p, "name") },
				"Unable to execute API command getuploadparamsfortemplate due to missing parameter name"),
			Entry("ostypeid missing", func(p map[string]string) { delete(p, "ostypeid") }, "due to missing parameter ostypeid"),
			Entry("format missing", func(p map[string]string) { delete(p, "format") }, "due to missing parameter format"),
			Entry("zoneid -1", func(p map[string]string) { p["zoneid"] = "-1" }, "Invalid parameter zoneid value=-1"),
			Entry("unknown zone", func(p map[string]string) { p["zoneid"] = "8d6e0c3a-6a4b-4e0e-9d7a-1f2e3d4c5b6a" }, "Invalid parameter zoneid value=8d6e0c3a"),
			Entry("name too long", func(p map[string]string) { p["name"] = strings.Repeat("n", 256) },
				"Value greater than max allowed length 255 for param: name"),
			Entry("display text too long", func(p map[string]string) { p["displaytext"] = strings.Repeat("d", 4097) },
				"Value greater than max allowed length 4096 for param: displayText"),
			Entry("blank name", func(p map[string]string) { p["name"] = "   " }, "must not be blank"),
			Entry("unknown hypervisor", func(p map[string]string) { p["hypervisor"] = "Xen" },
				"Hypervisor Type: Xen is invalid. Supported Hypervisor types are: XenServer, KVM, VMware"),
			Entry("unknown format", func(p map[string]string) { p["format"] = "VHDZ" },
				"Image format: VHDZ is incorrect. Supported formats are [QCOW2, RAW, VHD, VHDX, ISO, OVA"),
			Entry("format the hypervisor cannot boot", func(p map[string]string) { p["format"] = "QCOW2" },
				"image format QCOW2 cannot be used with hypervisor XenServer (use VHD)"),
			Entry("hypervisor the zone does not run", func(p map[string]string) { p["hypervisor"], p["format"] = "KVM", "QCOW2" },
				"zone zone1 runs XenServer hosts, not KVM"),
		)
	})

	Describe("the seed", func() {
		DescribeTable("refuses templates it cannot place",
			func(t simulator.SeedTemplate, text string) {
				seed := simulator.DefaultSeed()
				seed.Templates = []simulator.SeedTemplate{t}
				_, err := simulator.New(simulator.Options{Seed: seed})
				Expect(err).To(MatchError(ContainSubstring(text)))
			},
			Entry("unknown OS type", simulator.SeedTemplate{Name: "t", OSType: "BeOS", Hypervisor: "KVM", Format: "QCOW2"}, `unknown os_type "BeOS"`),
			Entry("unknown zone", simulator.SeedTemplate{Name: "t", Zones: []string{"zone9"}, OSType: "Other (64-bit)", Hypervisor: "KVM", Format: "QCOW2"}, `unknown zone "zone9"`),
			Entry("wrong hypervisor for the zone", simulator.SeedTemplate{Name: "t", Zones: []string{"zone1"}, OSType: "Other (64-bit)", Hypervisor: "KVM", Format: "QCOW2"}, "zone zone1 runs XenServer hosts"),
			Entry("missing format", simulator.SeedTemplate{Name: "t", OSType: "Other (64-bit)", Hypervisor: "KVM"}, "format are required"),
		)
	})

	It("lets the VM family look a template up by id and zone", func() {
		id := list(map[string]string{"name": "ubuntu-xen"})[0]["id"].(string)
		zone1, zone2 := s.firstID("listZones", "zone", "zone1"), s.firstID("listZones", "zone", "zone2")
		var inZone1, inZone2 bool
		var found *simulator.Template
		s.Server.Do(func(st *simulator.Store) {
			found, inZone1 = simulator.LookupTemplate(st, id, zone1)
			_, inZone2 = simulator.LookupTemplate(st, id, zone2)
		})
		Expect(inZone1).To(BeTrue())
		Expect(inZone2).To(BeFalse())
		Expect(found.IsReady()).To(BeTrue())
		Expect(found.Hypervisor).To(Equal("XenServer"))
		Expect(found.Size).To(Equal(int64(5 << 30)))
		Expect(found.OSTypeID).To(Equal(osTypeIDOf(s, "Ubuntu 22.04 LTS")))
	})

	It("registers Template as a resource type, so templates take tags", func() {
		id := list(map[string]string{"name": "ubuntu-kvm"})[0]["id"].(string)
		Expect(s.runJob("createTags", map[string]string{"resourceids": id, "resourcetype": "template",
			"tags[0].key": "director", "tags[0].value": "d1"})["jobstatus"]).To(BeNumerically("==", 1))
		tags := items(s.ok("listTags", map[string]string{"resourceid": id}), "tag")
		Expect(tags).To(ConsistOf(HaveKeyWithValue("resourcetype", "Template")))
	})
})

var _ = Describe("TemplateOptions", func() {
	DescribeTable("Validate",
		func(o simulator.TemplateOptions, problem string) {
			err := o.Validate()
			if problem == "" {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(MatchError(ContainSubstring(problem)))
			}
		},
		Entry("zero value", simulator.TemplateOptions{}, ""),
		Entry("http base", simulator.TemplateOptions{UploadBaseURL: "http://ssvm:8210/"}, ""),
		Entry("https base", simulator.TemplateOptions{UploadBaseURL: "https://10-1-1-5.realhostip.com"}, ""),
		Entry("base with a path", simulator.TemplateOptions{UploadBaseURL: "http://ssvm/upload"}, "must look like"),
		Entry("base without scheme", simulator.TemplateOptions{UploadBaseURL: "ssvm:8210"}, "must look like"),
		Entry("negative delay", simulator.TemplateOptions{InstallDelay: -1}, "must not be negative"),
	)
})
