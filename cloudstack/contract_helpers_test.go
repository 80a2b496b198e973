package cloudstack_test

import (
	"context"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// simEnv is the wrapper talking to the project's bundled simulator, an
// independent implementation of CloudStack's wire protocol. One manual clock
// drives both: when the job poller sleeps, the simulator's jobs move on.
type simEnv struct {
	sim    *simulator.Server
	clock  *simulator.ManualClock
	log    *recordingLogger
	client *cloudstack.Client
}

func newSimEnv(edit func(*simulator.Options)) *simEnv {
	env := &simEnv{clock: simulator.NewManualClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)), log: &recordingLogger{}}
	opts := simulator.Options{APIKey: testAPIKey, SecretKey: testSecretKey, Clock: env.clock}
	if edit != nil {
		edit(&opts)
	}
	var err error
	env.sim, err = simulator.New(opts)
	Expect(err).NotTo(HaveOccurred())
	server := httptest.NewServer(env.sim)
	DeferCleanup(server.Close)
	env.client = env.newClient(server.URL, testSecretKey)
	return env
}

func (env *simEnv) newClient(serverURL, secretKey string) *cloudstack.Client {
	c, err := cloudstack.New(cloudstack.Options{
		Endpoint:  serverURL + "/client/api",
		APIKey:    testAPIKey,
		SecretKey: secretKey,
		Logger:    env.log,
		Clock:     sharedClock{env.clock},
	})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// sharedClock lets the wrapper's waits advance the simulator's time.
type sharedClock struct{ clock *simulator.ManualClock }

func (c sharedClock) Now() time.Time { return c.clock.Now() }

func (c sharedClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.clock.Advance(d)
	return nil
}
