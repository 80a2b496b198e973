package cloudstack

import (
	"context"
	"net/http"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Client is the entry point: it owns the HTTP transport and hands out the
// per-resource interfaces. It is safe for concurrent use.
type Client struct {
	opts      Options
	transport *apiTransport
	jobs      *jobPoller

	zones     *zoneService
	osTypes   *osTypeService
	offerings *offeringService
	templates *templateService
	tags      *tagService
}

// New checks opts and builds a client. It makes no API call.
func New(opts Options) (*Client, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	c := &Client{opts: opts, transport: newAPITransport(opts.newTransport(), opts.Logger, opts.Clock)}
	c.jobs = &jobPoller{
		query:    c.queryJob,
		clock:    opts.Clock,
		log:      opts.Logger,
		initial:  opts.PollInitialInterval,
		maxDelay: opts.PollMaxInterval,
	}
	c.zones = &zoneService{c: c}
	c.osTypes = &osTypeService{c: c}
	c.offerings = &offeringService{c: c}
	c.templates = &templateService{c: c}
	c.tags = &tagService{c: c}
	return c, nil
}

func (c *Client) Zones() Zones         { return c.zones }
func (c *Client) OSTypes() OSTypes     { return c.osTypes }
func (c *Client) Offerings() Offerings { return c.offerings }
func (c *Client) Templates() Templates { return c.templates }
func (c *Client) Tags() Tags           { return c.tags }
func (c *Client) Jobs() Jobs           { return c.jobs }

// Calls returns how many API requests were sent, per command (a snapshot).
func (c *Client) Calls() map[string]int { return c.transport.snapshot() }

// TotalCalls returns how many API requests were sent in all.
func (c *Client) TotalCalls() int {
	total := 0
	for _, n := range c.transport.snapshot() {
		total += n
	}
	return total
}

// api returns a cloudstack-go client whose requests carry ctx and the
// per-request timeout. cloudstack-go's methods take no context, so each
// operation gets its own (cheap) client over the shared transport. It is the
// sync client: async commands return their job id and c.jobs waits for them.
func (c *Client) api(ctx context.Context) *csapi.CloudStackClient {
	httpClient := &http.Client{
		Transport: &boundTransport{ctx: ctx, timeout: c.opts.HTTPTimeout, next: c.transport},
		Jar:       noCookies{},
	}
	// verifyssl is ignored once a client is given; TLS lives in our transport.
	return csapi.NewClient(c.opts.Endpoint, c.opts.APIKey, c.opts.SecretKey, !c.opts.SkipSSLValidation,
		csapi.WithHTTPClient(httpClient))
}
