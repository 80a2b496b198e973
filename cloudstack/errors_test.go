package cloudstack_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("errors", func() {
	// The exact strings cloudstack-go v2.19.0 produces.
	csError := func(code, csCode int, text string) error {
		return fmt.Errorf("CloudStack API error %d (CSExceptionErrorCode: %d): %s", code, csCode, text)
	}

	Describe("parsing cloudstack-go's error strings", func() {
		It("turns an API error into an APIError with the codes and CloudStack's own text", func() {
			err := cloudstack.WrapError("deployVirtualMachine", csError(431, 9999, "Unable to execute API command deployvirtualmachine due to missing parameter zoneid"))
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(*apiErr).To(Equal(cloudstack.APIError{
				Command: "deployVirtualMachine", HTTPCode: 431, CSCode: 9999,
				Text: "Unable to execute API command deployvirtualmachine due to missing parameter zoneid",
			}))
			Expect(err.Error()).To(ContainSubstring("deployVirtualMachine"))
			Expect(err.Error()).To(ContainSubstring("due to missing parameter zoneid"))
		})

		It("keeps multi-line texts and negative cs codes", func() {
			err := cloudstack.WrapError("listZones", csError(530, -1, "line one\nline two"))
			var apiErr *cloudstack.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.CSCode).To(Equal(-1))
			Expect(apiErr.Text).To(Equal("line one\nline two"))
		})

		It("turns the async client's failed-job string into a JobError", func() {
			err := cloudstack.WrapError("destroyVirtualMachine",
				errors.New(`Undefined error: {"errorcode":530,"errortext":"Parameter expunge can be passed by Admin only"}`))
			var jobErr *cloudstack.JobError
			Expect(errors.As(err, &jobErr)).To(BeTrue())
			Expect(jobErr.Code).To(Equal(530))
			Expect(jobErr.Text).To(Equal("Parameter expunge can be passed by Admin only"))
		})

		It("names the command and never the URL of a transport failure", func() {
			urlErr := &url.Error{
				Op:  "Get",
				URL: "https://cloud.example/client/api?apiKey=" + testAPIKey + "&command=listZones&signature=c2lnbmF0dXJl",
				Err: syscall.ECONNREFUSED,
			}
			err := cloudstack.WrapError("listZones", urlErr)
			Expect(err.Error()).To(ContainSubstring("listZones"))
			Expect(err.Error()).To(ContainSubstring("cloud.example"))
			Expect(err.Error()).NotTo(ContainSubstring(testAPIKey))
			Expect(err.Error()).NotTo(ContainSubstring("c2lnbmF0dXJl"))
			Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue())
		})

		It("explains a 200 answer that is not JSON", func() {
			var v any
			syntaxErr := jsonSyntaxError(&v, "<html>login</html>")
			err := cloudstack.WrapError("listZones", syntaxErr)
			Expect(err.Error()).To(ContainSubstring("/client/api"))
		})

		It("hints at keys and clock skew on 401", func() {
			err := cloudstack.WrapError("listZones", csError(401, 0, "unable to verify user credentials and/or request signature"))
			Expect(cloudstack.IsAuth(err)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring("API key and secret key"))
			Expect(err.Error()).To(ContainSubstring("clock"))
		})

		It("leaves nil alone", func() {
			Expect(cloudstack.WrapError("listZones", nil)).To(BeNil())
		})
	})

	Describe("classifiers", func() {
		wrapped := func(err error) error { return fmt.Errorf("finding VM 'vm-1': %w", err) }

		DescribeTable("IsNotFound",
			func(err error, expected bool) {
				Expect(cloudstack.IsNotFound(err)).To(Equal(expected))
				Expect(cloudstack.IsNotFound(wrapped(err))).To(Equal(expected))
			},
			Entry("unknown uuid", &cloudstack.APIError{HTTPCode: 431, CSCode: 9999,
				Text: "Unable to execute API command listvirtualmachines due to invalid value. Invalid parameter id value=8d6e2a1e-0000-0000-0000-000000000000 due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class."}, true),
			Entry("entity does not exist in a job", &cloudstack.JobError{Code: 431, Text: "Volume with specified id does not exist"}, true),
			Entry("unable to find in a job", &cloudstack.JobError{Code: 431, Text: "unable to find template with id 42"}, true),
			Entry("cloudstack-go by-id helper", errors.New("No match found for 8d6e2a1e: &{Count:0 VirtualMachines:[]}"), true),
			Entry("other 431", &cloudstack.APIError{HTTPCode: 431, Text: "Unable to execute API command deployvirtualmachine due to missing parameter zoneid"}, false),
			Entry("401 for an unknown command", &cloudstack.APIError{HTTPCode: 401, Text: "The given command 'foo' either does not exist, is not available for user."}, false),
			Entry("nil", nil, false),
		)

		DescribeTable("IsCapacity",
			func(err error, expected bool) {
				Expect(cloudstack.IsCapacity(err)).To(Equal(expected))
				Expect(cloudstack.IsCapacity(wrapped(err))).To(Equal(expected))
			},
			Entry("533 in a job", &cloudstack.JobError{Code: 533, Text: "Unable to create a deployment for VM"}, true),
			Entry("535 refused", &cloudstack.APIError{HTTPCode: 535, Text: "Maximum number of resources of type 'user_vm' for account exceeded"}, true),
			Entry("530 saying insufficient capacity", &cloudstack.JobError{Code: 530, Text: "Insufficient capacity when deploying"}, true),
			Entry("431", &cloudstack.APIError{HTTPCode: 431, Text: "bad parameter"}, false),
			Entry("plain error", errors.New("boom"), false),
		)

		DescribeTable("IsTransient",
			func(err error, expected bool) {
				Expect(cloudstack.IsTransient(err)).To(Equal(expected))
				Expect(cloudstack.IsTransient(wrapped(err))).To(Equal(expected))
			},
			Entry("429 throttled", &cloudstack.APIError{HTTPCode: 429, Text: "The given user has reached his/her account api limit"}, true),
			Entry("503 maintenance", &cloudstack.APIError{HTTPCode: 503, Text: "Maintenance or Shutdown has been initiated"}, true),
			Entry("530 that timed out", &cloudstack.JobError{Code: 530, Text: "Operation timed out: Commands 123 to Host 4 timed out after 3600"}, true),
			Entry("530 for a bad request", &cloudstack.JobError{Code: 530, Text: "Parameter expunge can be passed by Admin only"}, false),
			Entry("concurrent operation", &cloudstack.APIError{HTTPCode: 530, CSCode: 4300, Text: "busy"}, true),
			Entry("proxy 502 without JSON", &cloudstack.HTTPStatusError{StatusCode: 502, Status: "502 Bad Gateway"}, true),
			Entry("proxy 404 without JSON", &cloudstack.HTTPStatusError{StatusCode: 404, Status: "404 Not Found"}, false),
			Entry("connection refused", syscall.ECONNREFUSED, true),
			Entry("connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true),
			Entry("unexpected EOF", io.ErrUnexpectedEOF, true),
			Entry("url timeout", &url.Error{Op: "Get", URL: "https://x", Err: timeoutError{}}, true),
			Entry("deadline", context.DeadlineExceeded, true),
			Entry("our own wait timeout", &cloudstack.TimeoutError{Operation: "deployVirtualMachine", JobID: "j", Waited: time.Minute}, true),
			Entry("cancelled", context.Canceled, false),
			Entry("401", &cloudstack.APIError{HTTPCode: 401, Text: "unable to verify"}, false),
			Entry("431", &cloudstack.APIError{HTTPCode: 431, Text: "bad"}, false),
			Entry("nil", nil, false),
		)

		DescribeTable("IsAuth",
			func(err error, expected bool) {
				Expect(cloudstack.IsAuth(err)).To(Equal(expected))
				Expect(cloudstack.IsAuth(wrapped(err))).To(Equal(expected))
			},
			Entry("401", &cloudstack.APIError{HTTPCode: 401, Text: "unable to verify user credentials and/or request signature"}, true),
			Entry("431", &cloudstack.APIError{HTTPCode: 431, Text: "bad"}, false),
			Entry("plain", errors.New("401"), false),
		)
	})

	Describe("messages", func() {
		It("says which job failed and keeps CloudStack's text", func() {
			err := &cloudstack.JobError{Operation: "attachVolume", JobID: "job-1", Code: 530, Text: "Maximum number of data disks reached"}
			Expect(err.Error()).To(Equal("CloudStack job job-1 (attachVolume) failed with error 530: Maximum number of data disks reached"))
		})

		It("says how long a timed-out wait lasted", func() {
			err := &cloudstack.TimeoutError{Operation: "deployVirtualMachine", JobID: "job-2", Waited: 90 * time.Second}
			Expect(err.Error()).To(ContainSubstring("job-2"))
			Expect(err.Error()).To(ContainSubstring("deployVirtualMachine"))
			Expect(err.Error()).To(ContainSubstring("1m30s"))
		})

		It("lists the ids of an ambiguous name", func() {
			err := &cloudstack.AmbiguousError{Kind: "disk offering", Name: "fast", IDs: []string{"a", "b"}}
			Expect(err.Error()).To(Equal(`2 disk offerings are named "fast" (ids a, b); name one by its id instead`))
		})
	})
})

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
