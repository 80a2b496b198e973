// Package cloudstack is the project's only door to the CloudStack API.
//
// It wraps github.com/apache/cloudstack-go/v2 behind narrow per-resource
// interfaces (Zones, OSTypes, Offerings, Templates, Tags, Jobs, ...) that take
// and return this package's own small structs, so nothing above it ever sees a
// cloudstack-go type. It also owns the things every caller would otherwise get
// wrong on its own:
//
//   - one HTTP transport with verified TLS, proxies from the environment,
//     bounded requests, per-command call counting and secret-free debug logs;
//     a call CloudStack throttled (HTTP 429, refused before it ran) is sent
//     again once the throttling window has passed, a bounded number of times;
//   - typed errors parsed out of cloudstack-go's plain error strings, and
//     classifiers (IsNotFound, IsCapacity, IsTransient, IsAuth) that see
//     through wrapping;
//   - its own async-job poller with backoff, bounds and progress logs;
//   - name-or-id resolution with exact client-side name matching, "not found"
//     as (x, false, nil), an error for ambiguous names, and pagination.
//
// It imports nothing else from this project: callers fill Options.
package cloudstack
