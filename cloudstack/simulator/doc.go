// Package simulator is a stateful CloudStack API server for tests, demos and benchmarks.
//
// It is an independent implementation of CloudStack's wire protocol (one endpoint
// /client/api, signed GET/POST requests, JSON envelopes, async jobs) and imports nothing
// from the project's cloudstack wrapper, so the two cannot share a bug. Server is an
// http.Handler; /admin/... serves introspection and run-time fault control.
//
// Resources live in "families" (zones.go, tags.go, affinity.go, ...): each family
// registers its commands, taggable resource types and seed loader from an init function
// through RegisterFamily. README.md describes how to add one.
package simulator
