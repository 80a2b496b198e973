package cloudstack_test

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

var _ = Describe("the job poller", func() {
	var (
		clock   *fakeClock
		log     *recordingLogger
		answers []func() (cloudstack.JobState, error)
		queries int
		poller  cloudstack.Jobs
	)

	pending := func() (cloudstack.JobState, error) { return cloudstack.JobState{Status: 0}, nil }
	succeeded := func(result string) func() (cloudstack.JobState, error) {
		return func() (cloudstack.JobState, error) {
			return cloudstack.JobState{Status: 1, ResultType: "object", Result: json.RawMessage(result)}, nil
		}
	}

	BeforeEach(func() {
		clock = newFakeClock()
		log = &recordingLogger{}
		answers = nil
		queries = 0
		query := func(ctx context.Context, jobID string) (cloudstack.JobState, error) {
			Expect(jobID).To(Equal("job-1"))
			queries++
			if queries > len(answers) {
				return pending()
			}
			return answers[queries-1]()
		}
		poller = cloudstack.NewJobPoller(query, clock, log, 200*time.Millisecond, 5*time.Second)
	})

	It("polls first after the initial interval, then backs off by 1.5 up to the max interval", func() {
		for range 10 {
			answers = append(answers, pending)
		}
		answers = append(answers, succeeded(`{"success":true}`))

		Expect(poller.Wait(context.Background(), "stopVirtualMachine", "job-1", time.Hour, nil)).To(Succeed())

		ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
		Expect(clock.slept()).To(Equal([]time.Duration{
			ms(200), ms(300), ms(450), ms(675), ms(1012.5), ms(1518.75), ms(2278.125), ms(3417.1875),
			5 * time.Second, 5 * time.Second, 5 * time.Second,
		}))
		Expect(queries).To(Equal(11))
		Expect(log.count("DEBUG")).To(BeNumerically(">=", 11))
	})

	It("decodes the object inside the job result", func() {
		answers = append(answers, pending, succeeded(`{"virtualmachine":{"id":"vm-1","name":"testDummyVM","state":"Stopped","jobid":"job-1","jobstatus":0}}`))
		var vm struct{ ID, Name, State string }
		Expect(poller.Wait(context.Background(), "stopVirtualMachine", "job-1", time.Minute, &vm)).To(Succeed())
		Expect(vm.ID).To(Equal("vm-1"))
		Expect(vm.State).To(Equal("Stopped"))
	})

	It("decodes a success-only result as it is", func() {
		answers = append(answers, succeeded(`{"success":true}`))
		var result struct{ Success bool }
		Expect(poller.Wait(context.Background(), "createTags", "job-1", time.Minute, &result)).To(Succeed())
		Expect(result.Success).To(BeTrue())
	})

	It("returns a JobError with CloudStack's errorcode and errortext when the job failed", func() {
		answers = append(answers, pending, func() (cloudstack.JobState, error) {
			return cloudstack.JobState{Status: 2, ResultCode: 530, ResultType: "object",
				Result: json.RawMessage(`{"errorcode":533,"errortext":"Unable to create a deployment for VM[User|i-2-5-VM]"}`)}, nil
		})
		err := poller.Wait(context.Background(), "deployVirtualMachine", "job-1", time.Minute, nil)
		var jobErr *cloudstack.JobError
		Expect(errors.As(err, &jobErr)).To(BeTrue())
		Expect(*jobErr).To(Equal(cloudstack.JobError{Operation: "deployVirtualMachine", JobID: "job-1", Code: 533,
			Text: "Unable to create a deployment for VM[User|i-2-5-VM]"}))
		Expect(cloudstack.IsCapacity(err)).To(BeTrue())
	})

	It("falls back to jobresultcode and the raw result for an old text result", func() {
		answers = append(answers, func() (cloudstack.JobState, error) {
			return cloudstack.JobState{Status: 2, ResultCode: 530, ResultType: "text", Result: json.RawMessage(`"Failed to delete tags"`)}, nil
		})
		err := poller.Wait(context.Background(), "deleteTags", "job-1", time.Minute, nil)
		var jobErr *cloudstack.JobError
		Expect(errors.As(err, &jobErr)).To(BeTrue())
		Expect(jobErr.Code).To(Equal(530))
		Expect(jobErr.Text).To(Equal("Failed to delete tags"))
	})

	It("gives up with a TimeoutError at the deadline, polling one last time there", func() {
		err := poller.Wait(context.Background(), "deployVirtualMachine", "job-1", 3*time.Second, nil)
		var timeoutErr *cloudstack.TimeoutError
		Expect(errors.As(err, &timeoutErr)).To(BeTrue())
		Expect(timeoutErr.JobID).To(Equal("job-1"))
		Expect(timeoutErr.Waited).To(Equal(3 * time.Second))
		Expect(cloudstack.IsTransient(err)).To(BeTrue())

		var total time.Duration
		for _, d := range clock.slept() {
			total += d
		}
		Expect(total).To(Equal(3 * time.Second))
		Expect(queries).To(Equal(len(clock.slept())))
	})

	It("counts the time the queries themselves take against the deadline", func() {
		slowPending := func() (cloudstack.JobState, error) {
			clock.advance(10 * time.Second)
			return pending()
		}
		answers = append(answers, slowPending, slowPending, slowPending)
		err := poller.Wait(context.Background(), "deployVirtualMachine", "job-1", 15*time.Second, nil)
		Expect(err).To(BeAssignableToTypeOf(&cloudstack.TimeoutError{}))
		Expect(queries).To(Equal(2))
	})

	It("stops when the context is cancelled", func() {
		ctx, cancel := context.WithCancel(context.Background())
		answers = append(answers, pending, func() (cloudstack.JobState, error) {
			cancel()
			return pending()
		})
		err := poller.Wait(ctx, "deployVirtualMachine", "job-1", time.Hour, nil)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("job-1"))
		Expect(queries).To(Equal(2))
	})

	It("keeps polling through transient query failures", func() {
		answers = append(answers,
			func() (cloudstack.JobState, error) {
				return cloudstack.JobState{}, &cloudstack.APIError{Command: "queryAsyncJobResult", HTTPCode: 429, Text: "api limit"}
			},
			succeeded(`{"success":true}`))
		Expect(poller.Wait(context.Background(), "createTags", "job-1", time.Minute, nil)).To(Succeed())
		Expect(queries).To(Equal(2))
		Expect(log.all()).To(ContainSubstring("WARN"))
	})

	It("stops at a query failure that will not go away", func() {
		answers = append(answers, func() (cloudstack.JobState, error) {
			return cloudstack.JobState{}, &cloudstack.APIError{Command: "queryAsyncJobResult", HTTPCode: 401, Text: "unable to verify user credentials"}
		})
		err := poller.Wait(context.Background(), "createTags", "job-1", time.Minute, nil)
		Expect(cloudstack.IsAuth(err)).To(BeTrue())
		Expect(queries).To(Equal(1))
	})

	It("reports progress at info level about every 30 seconds", func() {
		err := poller.Wait(context.Background(), "deployVirtualMachine", "job-1", 2*time.Minute, nil)
		Expect(err).To(BeAssignableToTypeOf(&cloudstack.TimeoutError{}))
		Expect(log.count("INFO")).To(Equal(3))
		Expect(log.all()).To(ContainSubstring("Still waiting for job job-1 (deployVirtualMachine)"))
	})

	It("refuses an empty job id and a non-positive timeout", func() {
		Expect(poller.Wait(context.Background(), "createTags", "", time.Minute, nil)).To(MatchError(ContainSubstring("no job id")))
		Expect(poller.Wait(context.Background(), "createTags", "job-1", 0, nil)).To(MatchError(ContainSubstring("timeout must be positive")))
		Expect(queries).To(Equal(0))
	})
})
