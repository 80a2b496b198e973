package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// LBRule is a public load balancer rule: traffic to PublicIP:PublicPort is
// spread over the assigned VMs' PrivatePort. CloudStack gives ports as strings.
type LBRule struct {
	ID          string
	Name        string
	PublicIPID  string
	PublicIP    string
	PublicPort  string
	PrivatePort string
	Algorithm   string // roundrobin, leastconn or source
	Protocol    string
	ZoneID      string
	NetworkID   string
	State       string // Add until first applied, then Active
}

// LBSpec describes a rule to create.
type LBSpec struct {
	Name        string
	Algorithm   string // roundrobin, leastconn or source
	PublicIPID  string
	PublicPort  int
	PrivatePort int
	// NetworkID is the guest network; "" lets CloudStack use the public IP's.
	NetworkID string
	Protocol  string // tcp (CloudStack's default when ""), udp, tcp-proxy
	// OpenFirewall is always sent: CloudStack's own default is true.
	OpenFirewall bool
	CIDRList     []string // sources allowed; nil: everyone
	Description  string
}

// LoadBalancers hands out the load balancer rule service.
func (c *Client) LoadBalancers() LoadBalancers { return &loadBalancerService{c: c} }

type loadBalancerService struct{ c *Client }

func (s *loadBalancerService) FindByName(ctx context.Context, name, zoneID string) (LBRule, bool, error) {
	if name == "" {
		return LBRule{}, false, errors.New("looking up a load balancer rule: the name is empty")
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListLoadBalancerRulesParams) {
		setNameOrID(name, p.SetId, p.SetName)
		setIfNotEmpty(zoneID, p.SetZoneid)
	}))
	if err != nil {
		return LBRule{}, false, err
	}
	if zoneID != "" {
		inZone := rows[:0]
		for _, r := range rows {
			if r.ZoneID == zoneID {
				inZone = append(inZone, r)
			}
		}
		rows = inZone
	}
	return pickOne("load balancer rule", name, rows, func(r LBRule) string { return r.ID }, func(r LBRule) string { return r.Name })
}

// Create relies on CloudStack refusing a second rule on one public IP and
// port: when that refusal (or any failure) leaves a rule of the same name,
// address and public port in place, that rule is the answer.
func (s *loadBalancerService) Create(ctx context.Context, spec LBSpec, timeout time.Duration) (LBRule, bool, error) {
	if err := spec.validate(); err != nil {
		return LBRule{}, false, err
	}
	rule, createErr := s.create(ctx, spec, timeout)
	if createErr == nil {
		return rule, true, nil
	}
	var timeoutErr *TimeoutError
	if errors.As(createErr, &timeoutErr) || ctx.Err() != nil {
		return LBRule{}, false, createErr
	}
	twin, found, err := s.twinOf(ctx, spec)
	if err != nil || !found {
		return LBRule{}, false, createErr
	}
	s.c.opts.Logger.Debug(logTag, "Load balancer rule %q already exists as %s (%v)", spec.Name, twin.ID, createErr)
	return twin, false, nil
}

func (s *loadBalancerService) create(ctx context.Context, spec LBSpec, timeout time.Duration) (LBRule, error) {
	api := s.c.api(ctx)
	var (
		createdID string
		result    csapi.LoadBalancerRule
	)
	err := s.c.runJob(ctx, "createLoadBalancerRule", timeout, func() (string, error) {
		p := api.LoadBalancer.NewCreateLoadBalancerRuleParams(spec.Algorithm, spec.Name, spec.PrivatePort, spec.PublicPort)
		p.SetPublicipid(spec.PublicIPID)
		setIfNotEmpty(spec.NetworkID, p.SetNetworkid)
		setIfNotEmpty(spec.Protocol, p.SetProtocol)
		setIfNotEmpty(spec.Description, p.SetDescription)
		p.SetOpenfirewall(spec.OpenFirewall)
		if len(spec.CIDRList) > 0 {
			p.SetCidrlist(spec.CIDRList)
		}
		r, err := api.LoadBalancer.CreateLoadBalancerRule(p)
		if err != nil {
			return "", err
		}
		createdID = r.Id
		return r.JobID, nil
	}, &result)
	if err != nil {
		return LBRule{}, err
	}
	rule := convertLBRule(&result)
	if rule.ID == "" {
		rule.ID = createdID
	}
	if rule.ID == "" {
		return LBRule{}, fmt.Errorf("CloudStack API createLoadBalancerRule answered without the id of rule %q", spec.Name)
	}
	return rule, nil
}

// twinOf finds the rule spec would have created.
func (s *loadBalancerService) twinOf(ctx context.Context, spec LBSpec) (LBRule, bool, error) {
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListLoadBalancerRulesParams) {
		p.SetName(spec.Name)
		p.SetPublicipid(spec.PublicIPID)
	}))
	if err != nil {
		return LBRule{}, false, err
	}
	for _, r := range rows {
		if r.Name == spec.Name && r.PublicIPID == spec.PublicIPID && r.PublicPort == strconv.Itoa(spec.PublicPort) {
			return r, true, nil
		}
	}
	return LBRule{}, false, nil
}

func (s *loadBalancerService) Delete(ctx context.Context, id string, timeout time.Duration) error {
	if !IsID(id) {
		return fmt.Errorf("load balancer rule id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "deleteLoadBalancerRule", timeout, func() (string, error) {
		r, err := api.LoadBalancer.DeleteLoadBalancerRule(api.LoadBalancer.NewDeleteLoadBalancerRuleParams(id))
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "Load balancer rule %s is already gone: %v", id, err)
		return nil
	}
	return err
}

func (s *loadBalancerService) list(ctx context.Context, filter func(*csapi.ListLoadBalancerRulesParams)) ([]LBRule, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listLoadBalancerRules", func(page, size int) ([]LBRule, int, error) {
		p := api.LoadBalancer.NewListLoadBalancerRulesParams()
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.LoadBalancer.ListLoadBalancerRules(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]LBRule, 0, len(r.LoadBalancerRules))
		for _, lb := range r.LoadBalancerRules {
			rows = append(rows, convertLBRule(lb))
		}
		return rows, r.Count, nil
	})
}

func convertLBRule(lb *csapi.LoadBalancerRule) LBRule {
	return LBRule{
		ID: lb.Id, Name: lb.Name, PublicIPID: lb.Publicipid, PublicIP: lb.Publicip,
		PublicPort: lb.Publicport, PrivatePort: lb.Privateport, Algorithm: lb.Algorithm, Protocol: lb.Protocol,
		ZoneID: lb.Zoneid, NetworkID: lb.Networkid, State: lb.State,
	}
}

func (spec LBSpec) validate() error {
	switch {
	case spec.Name == "":
		return errors.New("creating a load balancer rule: the name is required")
	case spec.Algorithm == "":
		return fmt.Errorf("creating load balancer rule %q: the algorithm is required (roundrobin, leastconn or source)", spec.Name)
	case !IsID(spec.PublicIPID):
		return fmt.Errorf("creating load balancer rule %q: public IP id %q is not a CloudStack uuid", spec.Name, spec.PublicIPID)
	case spec.PublicPort < 1 || spec.PublicPort > 65535:
		return fmt.Errorf("creating load balancer rule %q: public port %d is not between 1 and 65535", spec.Name, spec.PublicPort)
	case spec.PrivatePort < 1 || spec.PrivatePort > 65535:
		return fmt.Errorf("creating load balancer rule %q: private port %d is not between 1 and 65535", spec.Name, spec.PrivatePort)
	}
	return nil
}
