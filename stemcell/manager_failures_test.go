package stemcell_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

var _ = Describe("Manager.Create when something fails", func() {
	var (
		c   *cloud
		ctx = context.Background()
	)
	BeforeEach(func() { c = newCloud() })

	Context("when an upload fails", func() {
		It("retries a transient failure with a new template and ticket, deleting the first", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadGateway, Text: "proxy error"}}
			id, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(id).To(Equal(template2ID))

			Expect(c.Journal()).To(Equal([]string{
				"Zones.Find zone1",
				"OSTypes.FindByDescription Other PV (64-bit)",
				"Templates.GetUploadParams",
				"POST /upload/" + template1ID,
				"Templates.Delete " + template1ID,
				"Templates.GetUploadParams",
				"POST /upload/" + template2ID,
				"Templates.Get " + template2ID + " " + zone1ID,
				"Tags.Upsert Template " + template2ID,
			}))
			Expect(c.Storage.Received()[1].Header.Get("X-Signature")).To(Equal("sig-" + template2ID))
			Expect(c.UploadSpec(1)).To(Equal(c.UploadSpec(0)), "the same template, asked for again")
			Expect(c.Log.Lines()).To(ContainElement(
				"WARN stemcell.Manager: upload attempt 1 of 3 failed (upload answered HTTP 502: proxy error); trying again with a new upload ticket"))
		})

		It("gives up after cloudstack.stemcell.upload_retries, deleting every template it created", func() {
			busy := storageAnswer{Status: http.StatusServiceUnavailable, Text: "busy"}
			c.Storage.answers = []storageAnswer{busy, busy, busy}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(MatchRegexp(
				`^uploading stemcell image 'testdata/tiny.vhd.bz2' as template 'bosh-cloudstack-xen-ubuntu-jammy-go_agent-1\.423-[0-9a-f]{8}': upload answered HTTP 503: busy$`)))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(3))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID, template2ID, template3ID}))
			Expect(c.Tags.UpsertCallCount()).To(BeZero())
		})

		It("tries once when no retries are configured", func() {
			c.Settings.UploadRetries = 0
			c.Storage.answers = []storageAnswer{{Status: http.StatusServiceUnavailable, Text: "busy"}}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("upload answered HTTP 503: busy")))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("does not retry a definitive failure, and deletes the template", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadRequest, Text: "File type mismatch between the sent file and the actual content. Received: QCOW2"}}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("upload answered HTTP 400: File type mismatch between the sent file and the actual content. Received: QCOW2")))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("does not retry an image it cannot read, and deletes the template, naming the image", func() {
			full := writeTgz(tarFile{Name: "root.img", Body: pattern(2<<20, 5)})
			truncated := copyPrefix(full, len(readFile(full))/2)
			_, err := c.Manager().Create(ctx, truncated, stemcell.Props{Name: "s", Version: "1"}, nil)
			Expect(err).To(MatchError(ContainSubstring("uploading stemcell image '" + truncated + "'")))
			Expect(err).To(MatchError(ContainSubstring("the image is truncated")))
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the templates it created with forced=true: no VM can use them yet", func() {
			c.Storage.answers = []storageAnswer{{Status: http.StatusBadRequest, Text: "no"}}
			_, _ = c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			_, id, zoneID, forced, timeout := c.Templates.DeleteArgsForCall(0)
			Expect([]any{id, zoneID, forced, timeout}).To(Equal([]any{template1ID, "", true, c.Settings.CopyTimeout}))
		})

		It("deletes the template even when the call's context is what ended the upload", func() {
			ctx, cancel := context.WithCancel(context.Background())
			issueTicket := c.Templates.GetUploadParamsStub
			c.Templates.GetUploadParamsStub = func(ctx context.Context, spec cloudstack.UploadSpec) (cloudstack.UploadParams, error) {
				defer cancel() // the deploy is cancelled just as the template exists
				return issueTicket(ctx, spec)
			}
			deleteCtxErr := errors.New("Delete was not called")
			c.Templates.DeleteStub = func(ctx context.Context, _, _ string, _ bool, _ time.Duration) error {
				deleteCtxErr = ctx.Err()
				return nil
			}
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(c.Templates.GetUploadParamsCallCount()).To(Equal(1))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
			Expect(deleteCtxErr).NotTo(HaveOccurred(), "the cleanup must not run on the cancelled context")
		})

		It("reports CloudStack refusing to create the template", func() {
			c.Templates.GetUploadParamsReturns(cloudstack.UploadParams{}, &cloudstack.APIError{Command: "getUploadParamsForTemplate",
				HTTPCode: 431, Text: "Please specify a valid zone Id."})
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("creating template 'bosh-cloudstack-xen-ubuntu-jammy-go_agent-1.423-")))
			Expect(err).To(MatchError(ContainSubstring("Please specify a valid zone Id.")))
			Expect(c.Storage.Received()).To(BeEmpty())
			Expect(c.DeletedIDs()).To(BeEmpty())
		})
	})

	Context("when something fails after the upload", func() {
		It("deletes the template when it fails in CloudStack", func() {
			c.Templates.GetReturns(templateWithStatus(template1ID, zone1ID, "UploadError"), true, nil)
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(`template ` + template1ID + ` failed in CloudStack with status "UploadError"`))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the template when tagging it fails", func() {
			c.Tags.UpsertReturns(errors.New("CloudStack API createTags failed with error 530: boom"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("tagging template " + template1ID + ": CloudStack API createTags failed with error 530: boom"))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("deletes the template when copying it to another zone fails", func() {
			c.Settings.Zones = []string{"zone2"}
			c.Templates.ListInZonesReturns([]cloudstack.Template{readyTemplate(template1ID, zone1ID)}, nil)
			c.Templates.CopyReturns(&cloudstack.JobError{Operation: "copyTemplate", JobID: "j1", Code: 530, Text: "secondary storage full"})
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError(ContainSubstring("copying template " + template1ID + " to zone " + zone2ID + ": ")))
			Expect(err).To(MatchError(ContainSubstring("secondary storage full")))
			Expect(c.DeletedIDs()).To(Equal([]string{template1ID}))
		})

		It("logs, and still reports the first failure, when the cleanup fails too", func() {
			c.Tags.UpsertReturns(errors.New("tags broke"))
			c.Templates.DeleteReturns(errors.New("delete broke"))
			_, err := c.Manager().Create(ctx, tinyVHDX, xenProps, nil)
			Expect(err).To(MatchError("tagging template " + template1ID + ": tags broke"))
			Expect(c.Log.Lines()).To(ContainElement(
				"WARN stemcell.Manager: could not delete template " + template1ID + " after a failed create_stemcell: delete broke"))
		})
	})
})
