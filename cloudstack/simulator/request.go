package simulator

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Call is what a handler gets: the parsed parameters with typed accessors, the store (the
// server lock is held), and the current time.
//
// Accessors never fail loudly: the first problem (missing or malformed parameter, unknown
// id) is remembered with CloudStack's own 431 text and returned by Err, so a handler reads
// all its parameters and then checks once:
//
//	name := c.Required("name")
//	zoneID := c.ID("zoneid", zoneExists)
//	if err := c.Err(); err != nil {
//		return nil, err
//	}
type Call struct {
	Command string
	Store   *Store
	Now     time.Time
	// BaseURL is scheme://host as the client reached the server (the request's Host), for
	// URLs the server hands out (the template upload postURL).
	BaseURL string
	params  url.Values
	srv     *Server
	err     *APIError
}

// Err returns the first parameter error met by an accessor, or nil.
func (c *Call) Err() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

func (c *Call) fail(e *APIError) {
	if c.err == nil {
		c.err = e
	}
}

// Has reports whether the parameter was sent (even empty).
func (c *Call) Has(name string) bool {
	_, ok := c.params[name]
	return ok
}

// String returns the parameter's first value, or "".
func (c *Call) String(name string) string { return c.params.Get(name) }

// Required returns the parameter, recording a 431 "missing parameter" when absent or empty.
func (c *Call) Required(name string) string {
	v := c.params.Get(name)
	if v == "" {
		c.fail(missingParam(c.Command, name))
	}
	return v
}

// Bool parses true/false (case-insensitive); absent gives def.
func (c *Call) Bool(name string, def bool) bool {
	v := c.params.Get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		c.fail(malformedParam(c.Command, name, v, "a boolean"))
		return def
	}
	return b
}

// Int parses an integer; absent gives (0, false).
func (c *Call) Int(name string) (int64, bool) {
	v := c.params.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		c.fail(malformedParam(c.Command, name, v, "an integer"))
		return 0, false
	}
	return n, true
}

// List splits a comma-separated parameter, dropping empty items.
func (c *Call) List(name string) []string {
	var out []string
	for _, s := range strings.Split(c.params.Get(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ID returns an id-type parameter after checking that exists(id) holds, as CloudStack
// resolves UUIDs before the command runs: an unknown or malformed value records the 431
// "Invalid parameter <name> value=<v> due to incorrect long value format, or entity does not
// exist" error. exists should accept removed rows too (they still resolve in CloudStack).
func (c *Call) ID(name string, exists func(id string) bool) string {
	v := c.params.Get(name)
	if v == "" {
		return ""
	}
	if !isUUID(v) || !exists(v) {
		c.fail(invalidParamValue(c.Command, name, v))
		return ""
	}
	return v
}

// RequiredID is ID plus the missing-parameter check.
func (c *Call) RequiredID(name string, exists func(id string) bool) string {
	if c.params.Get(name) == "" {
		c.fail(missingParam(c.Command, name))
		return ""
	}
	return c.ID(name, exists)
}

// IDs is ID for a comma-separated list parameter.
func (c *Call) IDs(name string, exists func(id string) bool) []string {
	ids := c.List(name)
	for _, id := range ids {
		if !isUUID(id) || !exists(id) {
			c.fail(invalidParamValue(c.Command, name, id))
			return nil
		}
	}
	return ids
}

// Map reads CloudStack's map parameters (name[0].key=k&name[0].value=v, or
// details[0].cpuNumber=2) as one map per index, in index order.
func (c *Call) Map(name string) []map[string]string {
	groups := map[int]map[string]string{}
	prefix := strings.ToLower(name) + "["
	for k, vs := range c.params {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, prefix) {
			continue
		}
		rest := k[len(prefix):]
		end := strings.Index(rest, "].")
		if end < 0 {
			continue
		}
		idx, err := strconv.Atoi(rest[:end])
		if err != nil {
			continue
		}
		if groups[idx] == nil {
			groups[idx] = map[string]string{}
		}
		groups[idx][rest[end+2:]] = vs[0]
	}
	idxs := make([]int, 0, len(groups))
	for i := range groups {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	out := make([]map[string]string, 0, len(idxs))
	for _, i := range idxs {
		out = append(out, groups[i])
	}
	return out
}

// Params returns a copy of the request's parameters (signature and keys included).
func (c *Call) Params() url.Values {
	out := url.Values{}
	for k, v := range c.params {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// ResourceExists reports whether a family registered resourceType and it has a live row
// with this id: the way one family validates ids owned by another (e.g. "UserVm").
func (c *Call) ResourceExists(resourceType, id string) bool {
	rt, ok := lookupResourceType(resourceType)
	return ok && rt.Exists(c.Store, id)
}

// TakeCapacity consumes one unit of the named capacity pool ("vm", "volume", ...) and
// reports false once it is exhausted; the caller then fails its job with
// ErrInsufficientCapacity. Pools without a configured limit are unlimited.
func (c *Call) TakeCapacity(pool string) bool { return c.srv.faults.takeCapacity(pool) }
