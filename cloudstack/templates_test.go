package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

const (
	templateID = "5ce8f0b1-a910-4631-a8de-1e332bf3a6b7"
	osTypeID   = "f3404cc6-c38c-11eb-848b-1e006800018c"
)

// templateJSON is the recorded listTemplates row, per zone.
func templateJSON(id, name, zoneID string, ready bool, status string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"displaytext":%q,"ispublic":false,"created":"2021-10-04T08:41:23+0000","isready":%t,
 "passwordenabled":false,"format":"VHD","isfeatured":false,"crossZones":false,"ostypeid":%q,"ostypename":"Amazon Linux 3 (64 bit)",
 "zoneid":%q,"zonename":"z","status":%q,"size":5242880,"physicalsize":5242880,"templatetype":"USER","hypervisor":"XenServer",
 "isextractable":false,"details":{},"downloaddetails":[{"downloadState":"DOWNLOADED","datastore":"secon","downloadPercent":"100"}],
 "bits":64,"sshkeyenabled":false,"isdynamicallyscalable":false,"directdownload":false,"deployasis":false,"requireshvm":false,
 "tags":[{"key":"director_uuid","value":"d-1","resourcetype":"Template","resourceid":%q,"account":"admin","domainid":"e","domain":"ROOT"}]}`,
		id, name, name, ready, osTypeID, zoneID, status, id)
}

func jobResult(jobID string, status int, result string) string {
	return envelope("queryAsyncJobResult", fmt.Sprintf(
		`{"accountid":"27ef","userid":"27f2","cmd":"org.apache.cloudstack.api.command.user.template.X","jobstatus":%d,"jobprocstatus":0,"jobresultcode":%d,"jobresulttype":"object","jobresult":%s,"created":"2021-10-04T09:53:06+0000","jobid":%q}`,
		status, map[int]int{0: 0, 1: 0, 2: 530}[status], result, jobID))
}

var _ = Describe("Templates", func() {
	var (
		env       *testEnv
		ctx       context.Context
		templates cloudstack.Templates
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
		templates = env.client.Templates()
	})

	Describe("Get", func() {
		It("returns the row of the zone asked for, even when CloudStack answers with every zone's row", func() {
			env.api.ok("listTemplates", listBody("template", 2,
				templateJSON(templateID, "stemcell", zone2ID, false, "37% Downloaded"),
				templateJSON(templateID, "stemcell", zone1ID, true, "Download Complete")))
			t, found, err := templates.Get(ctx, templateID, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(t).To(Equal(cloudstack.Template{ID: templateID, Name: "stemcell", DisplayText: "stemcell", ZoneID: zone1ID,
				OSTypeID: osTypeID, Status: "Download Complete", IsReady: true, Format: "VHD", Hypervisor: "XenServer",
				Size: 5242880, Tags: map[string]string{"director_uuid": "d-1"}}))
			call := env.api.calls("listTemplates")[0]
			Expect(call.Get("id")).To(Equal(templateID))
			Expect(call.Get("zoneid")).To(Equal(zone1ID))
			Expect(call.Get("templatefilter")).To(Equal("self"))
			Expect(env.api.calls("listTemplates")).To(HaveLen(1), "the caller's own template needs no second look")
		})

		It("looks among deployable (public, shared) templates when the caller has none by that id", func() {
			env.api.ok("listTemplates", `{}`)
			_, found, err := templates.Get(ctx, templateID, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
			calls := env.api.calls("listTemplates")
			Expect(calls).To(HaveLen(2))
			Expect(calls[0].Get("templatefilter")).To(Equal("self"))
			Expect(calls[1].Get("templatefilter")).To(Equal("executable"))
		})

		It("reports a template missing from that zone as not found", func() {
			env.api.ok("listTemplates", `{}`)
			_, found, err := templates.Get(ctx, templateID, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("reports an unknown id as not found", func() {
			env.api.on("listTemplates", func(url.Values) (int, string) {
				return apiError("listTemplates", 431, 9999, fmt.Sprintf(unknownIDText, templateID))
			})
			_, found, err := templates.Get(ctx, templateID, zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeFalse())
		})

		It("refuses what is not a uuid, and a missing zone, without calling CloudStack", func() {
			_, _, err := templates.Get(ctx, "cpitemplate-1", zone1ID)
			Expect(err).To(MatchError(ContainSubstring(`"cpitemplate-1" is not a CloudStack uuid`)))
			_, _, err = templates.Get(ctx, templateID, "")
			Expect(err).To(MatchError(ContainSubstring("zone id is required")))
			Expect(env.client.TotalCalls()).To(BeZero())
		})
	})

	Describe("FindByName", func() {
		It("finds the one template of that exact name in the zone", func() {
			env.api.ok("listTemplates", listBody("template", 2,
				templateJSON(templateID, "bosh-stemcell", zone1ID, true, "Download Complete"),
				templateJSON("6ce8f0b1-a910-4631-a8de-1e332bf3a6b7", "bosh-stemcell-2", zone1ID, true, "Download Complete")))
			t, found, err := templates.FindByName(ctx, "bosh-stemcell", zone1ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(t.ID).To(Equal(templateID))
			Expect(env.api.calls("listTemplates")[0].Get("name")).To(Equal("bosh-stemcell"))
		})

		It("refuses an ambiguous name", func() {
			env.api.ok("listTemplates", listBody("template", 2,
				templateJSON(templateID, "bosh-stemcell", zone1ID, true, "Download Complete"),
				templateJSON("6ce8f0b1-a910-4631-a8de-1e332bf3a6b7", "bosh-stemcell", zone1ID, true, "Download Complete")))
			_, _, err := templates.FindByName(ctx, "bosh-stemcell", zone1ID)
			Expect(err).To(BeAssignableToTypeOf(&cloudstack.AmbiguousError{}))
		})

		It("counts one template in several zones once", func() {
			env.api.ok("listTemplates", listBody("template", 2,
				templateJSON(templateID, "bosh-stemcell", zone1ID, true, "Download Complete"),
				templateJSON(templateID, "bosh-stemcell", zone2ID, true, "Download Complete")))
			t, found, err := templates.FindByName(ctx, "bosh-stemcell", "")
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(BeTrue())
			Expect(t.ID).To(Equal(templateID))
		})
	})

	It("lists a template's row in every zone", func() {
		env.api.ok("listTemplates", listBody("template", 2,
			templateJSON(templateID, "stemcell", zone1ID, true, "Download Complete"),
			templateJSON(templateID, "stemcell", zone2ID, false, "Processing")))
		rows, err := templates.ListInZones(ctx, templateID)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(2))
		Expect([]string{rows[0].ZoneID, rows[1].ZoneID}).To(ConsistOf(zone1ID, zone2ID))
		Expect(env.api.calls("listTemplates")[0].Has("zoneid")).To(BeFalse())
	})

	Describe("GetUploadParams", func() {
		spec := cloudstack.UploadSpec{
			Name: "bosh-stemcell-1", Format: "VHD", Hypervisor: "XenServer", ZoneID: zone1ID, OSTypeID: osTypeID,
			Bits: 64, RequiresHVM: false, Details: map[string]string{"rootDiskController": "scsi"},
		}

		It("asks for an upload ticket for a private, non-extractable template", func() {
			env.api.on("getUploadParamsForTemplate", func(url.Values) (int, string) {
				return 200, `{"postuploadtemplateresponse":{"getuploadparams":{"id":"` + templateID + `",` +
					`"postURL":"https://10-1-1-5.realhostip.com/upload/a4dd5a84","metadata":"bWV0YQ==","expires":"2024-05-01T13:00:00.000Z","signature":"c2ln"}}}`
			})
			params, err := templates.GetUploadParams(ctx, spec)
			Expect(err).NotTo(HaveOccurred())
			Expect(params).To(Equal(cloudstack.UploadParams{ID: templateID, PostURL: "https://10-1-1-5.realhostip.com/upload/a4dd5a84",
				Signature: "c2ln", Metadata: "bWV0YQ==", Expires: "2024-05-01T13:00:00.000Z"}))

			calls := env.api.calls("getUploadParamsForTemplate")
			Expect(calls).To(HaveLen(1))
			sent := calls[0]
			for name, value := range map[string]string{
				"name": "bosh-stemcell-1", "displaytext": "bosh-stemcell-1", "format": "VHD", "hypervisor": "XenServer",
				"zoneid": zone1ID, "ostypeid": osTypeID, "bits": "64", "requireshvm": "false", "ispublic": "false",
				"isfeatured": "false", "isextractable": "false", "passwordenabled": "false", "details[0].rootDiskController": "scsi",
			} {
				Expect(sent.Get(name)).To(Equal(value), name)
			}
		})

		DescribeTable("names a missing field without calling CloudStack",
			func(edit func(*cloudstack.UploadSpec), message string) {
				s := spec
				edit(&s)
				_, err := templates.GetUploadParams(ctx, s)
				Expect(err).To(MatchError(ContainSubstring(message)))
				Expect(env.client.TotalCalls()).To(BeZero())
			},
			Entry("name", func(s *cloudstack.UploadSpec) { s.Name = "" }, "name is required"),
			Entry("format", func(s *cloudstack.UploadSpec) { s.Format = "" }, "format is required"),
			Entry("hypervisor", func(s *cloudstack.UploadSpec) { s.Hypervisor = "" }, "hypervisor is required"),
			Entry("zone", func(s *cloudstack.UploadSpec) { s.ZoneID = "" }, "zone id is required"),
			Entry("OS type", func(s *cloudstack.UploadSpec) { s.OSTypeID = "" }, "OS type id is required"),
		)
	})

	It("registers a template from a URL and returns the zone's row", func() {
		env.api.ok("registerTemplate", listBody("template", 1, templateJSON(templateID, "light", zone1ID, false, "Processing")))
		t, err := templates.Register(ctx, cloudstack.RegisterSpec{
			UploadSpec: cloudstack.UploadSpec{Name: "light", Format: "VHD", Hypervisor: "XenServer", ZoneID: zone1ID, OSTypeID: osTypeID},
			URL:        "http://images.example/root.vhd.bz2",
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(t.ID).To(Equal(templateID))
		Expect(t.Status).To(Equal("Processing"))
		calls := env.api.calls("registerTemplate")
		Expect(calls).To(HaveLen(1))
		Expect(calls[0].Get("url")).To(Equal("http://images.example/root.vhd.bz2"))
		Expect(calls[0].Get("zoneid")).To(Equal(zone1ID))
		Expect(env.api.requests[0].Method).To(Equal("POST"))
	})

	Describe("Copy", func() {
		It("starts the copy and waits for its job", func() {
			env.api.ok("copyTemplate", `{"jobid":"job-copy"}`)
			polls := 0
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				polls++
				if polls < 3 {
					return 200, jobResult(p.Get("jobid"), 0, `{}`)
				}
				return 200, jobResult(p.Get("jobid"), 1, `{"template":`+templateJSON(templateID, "s", zone2ID, false, "Processing")+`}`)
			})
			Expect(templates.Copy(ctx, templateID, zone1ID, zone2ID, time.Minute)).To(Succeed())
			sent := env.api.calls("copyTemplate")[0]
			Expect(sent.Get("id")).To(Equal(templateID))
			Expect(sent.Get("sourcezoneid")).To(Equal(zone1ID))
			Expect(sent.Get("destzoneid")).To(Equal(zone2ID))
			Expect(env.api.calls("queryAsyncJobResult")[0].Get("jobid")).To(Equal("job-copy"))
			Expect(env.clock.slept()).To(HaveLen(3))
		})

		It("returns the job's failure", func() {
			env.api.ok("copyTemplate", `{"jobid":"job-copy"}`)
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				return 200, jobResult(p.Get("jobid"), 2, `{"errorcode":530,"errortext":"Failed to copy template"}`)
			})
			err := templates.Copy(ctx, templateID, zone1ID, zone2ID, time.Minute)
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Text).To(Equal("Failed to copy template"))
			Expect(jobErr.Operation).To(Equal("copyTemplate"))
		})
	})

	Describe("Delete", func() {
		It("deletes the template in a zone, forced if asked, and waits for the job", func() {
			env.api.ok("deleteTemplate", `{"jobid":"job-del"}`)
			env.api.jobsSucceed()
			Expect(templates.Delete(ctx, templateID, zone1ID, true, time.Minute)).To(Succeed())
			sent := env.api.calls("deleteTemplate")[0]
			Expect(sent.Get("id")).To(Equal(templateID))
			Expect(sent.Get("zoneid")).To(Equal(zone1ID))
			Expect(sent.Get("forced")).To(Equal("true"))
			Expect(env.api.calls("queryAsyncJobResult")).To(HaveLen(1))
		})

		It("counts an unknown template as deleted", func() {
			env.api.on("deleteTemplate", func(url.Values) (int, string) {
				return apiError("deleteTemplate", 431, 9999, fmt.Sprintf(unknownIDText, templateID))
			})
			Expect(templates.Delete(ctx, templateID, "", false, time.Minute)).To(Succeed())
			Expect(env.api.calls("deleteTemplate")[0].Has("forced")).To(BeFalse())
			Expect(env.api.calls("deleteTemplate")[0].Has("zoneid")).To(BeFalse())
		})

		It("counts a job that found no template as deleted", func() {
			env.api.ok("deleteTemplate", `{"jobid":"job-del"}`)
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				return 200, jobResult(p.Get("jobid"), 2, `{"errorcode":431,"errortext":"unable to find template with id `+templateID+`"}`)
			})
			Expect(templates.Delete(ctx, templateID, zone1ID, false, time.Minute)).To(Succeed())
		})

		It("returns other failures, with CloudStack's text", func() {
			env.api.ok("deleteTemplate", `{"jobid":"job-del"}`)
			env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
				return 200, jobResult(p.Get("jobid"), 2, `{"errorcode":431,"errortext":"Unable to delete template with id: `+templateID+` because VM instances: [vm-1] are using it."}`)
			})
			err := templates.Delete(ctx, templateID, zone1ID, false, time.Minute)
			Expect(err).To(MatchError(ContainSubstring("VM instances: [vm-1] are using it")))
		})
	})

	DescribeTable("telling a failed template from one on its way",
		func(status string, ready, failed bool) {
			Expect(cloudstack.Template{Status: status, IsReady: ready}.Failed()).To(Equal(failed))
		},
		Entry(nil, "Download Complete", true, false),
		Entry(nil, "NotUploaded", false, false),
		Entry(nil, "37% Downloaded", false, false),
		Entry(nil, "Installing Template", false, false),
		Entry(nil, "Processing", false, false),
		Entry(nil, "UploadError", false, true),
		Entry(nil, "UploadAbandoned", false, true),
		Entry(nil, "File type mismatch between the sent file and the actual content. Received: vhd", false, true),
		Entry(nil, "Failed post download script: checksum invalid", false, true),
	)
})
