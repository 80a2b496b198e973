package config

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

const maxUserDataBytes = 1 << 20

// Validate reports every problem of c at once, joined with errors.Join, each
// as "<dotted.key>: <problem>".
func (c Config) Validate() error {
	var v validation
	v.cloudStack("cloudstack", c.CloudStack)
	v.agent("agent", c.Agent)
	v.registry("registry", c.Registry)
	if level := strings.ToLower(strings.TrimSpace(c.LogLevel)); level != "" && !slices.Contains(logLevels, level) {
		v.fail("log_level", "must be one of %s, got %q", strings.Join(logLevels, ", "), c.LogLevel)
	}
	return errors.Join(v.errs...)
}

type validation struct{ errs []error }

func (v *validation) fail(key, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

func (v *validation) required(key, value string) bool {
	if strings.TrimSpace(value) == "" {
		v.fail(key, "must not be empty")
		return false
	}
	return true
}

func (v *validation) atLeast(key string, value, minimum int) {
	if value < minimum {
		if minimum == 0 {
			v.fail(key, "must not be negative, got %d", value)
		} else {
			v.fail(key, "must be at least %d, got %d", minimum, value)
		}
	}
}

func (v *validation) oneOf(key, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.fail(key, "must be one of %s, got %q", strings.Join(allowed, ", "), value)
}

// httpURL checks an http(s) URL with a host. The value is shown with its
// password hidden, since errors end up in logs.
func (v *validation) httpURL(key, value string) {
	u, err := url.Parse(strings.TrimSpace(value))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(key, "must be an http(s) URL, got %q", withoutPassword(value))
	}
}

func (v *validation) cloudStack(key string, cs CloudStack) {
	if v.required(key+".endpoint", cs.Endpoint) {
		v.httpURL(key+".endpoint", cs.Endpoint)
	}
	v.required(key+".api_key", cs.APIKey)
	v.required(key+".secret_access_key", cs.SecretAccessKey)
	v.required(key+".default_zone", cs.DefaultZone)
	if strings.TrimSpace(cs.CACert) != "" {
		if err := checkCertificates(cs.CACert); err != nil {
			v.fail(key+".ca_cert", "%v", err)
		}
	}
	v.atLeast(key+".http_timeout", cs.HTTPTimeout, 1)
	if cs.UserDataMaxBytes < 1 || cs.UserDataMaxBytes > maxUserDataBytes {
		v.fail(key+".user_data_max_bytes", "must be between 1 and %d, got %d", maxUserDataBytes, cs.UserDataMaxBytes)
	}
	v.oneOf(key+".ephemeral_disk_mode", cs.EphemeralDiskMode, EphemeralDiskDeploy, EphemeralDiskVolume, EphemeralDiskNone)
	v.timeouts(key+".timeout", cs.Timeout)
	v.polling(key+".polling", cs.Polling)
	v.stemcell(key+".stemcell", cs.Stemcell)
	if cs.EnableAutoAntiAffinity && strings.TrimSpace(cs.AutoAntiAffinityType) == "" {
		v.fail(key+".auto_anti_affinity_type", "must not be empty when %s.enable_auto_anti_affinity is true", key)
	}
}

func (v *validation) timeouts(key string, t Timeouts) {
	v.atLeast(key+".global", t.Global, 1)
	for _, name := range []string{
		"reboot_vm", "create_vm", "delete_vm", "stop_vm", "create_volume", "delete_volume", "resize_volume",
		"attach_volume", "detach_volume", "poll_template", "snapshot_volume", "delete_snapshot_volume",
	} {
		v.atLeast(key+"."+name, t.named(name), 0)
	}
}

func (v *validation) polling(key string, p Polling) {
	v.atLeast(key+".initial_interval_ms", p.InitialIntervalMS, 1)
	if p.InitialIntervalMS >= 1 && p.MaxIntervalMS < p.InitialIntervalMS {
		v.fail(key+".max_interval_ms", "must not be less than %s.initial_interval_ms (%d), got %d", key, p.InitialIntervalMS, p.MaxIntervalMS)
	}
}

func (v *validation) stemcell(key string, s Stemcell) {
	v.required(key+".os_type", s.OSType)
	if len(s.Formats) == 0 {
		v.fail(key+".formats", "must name at least one stemcell format")
	}
	for i, format := range s.Formats {
		v.required(fmt.Sprintf("%s.formats[%d]", key, i), format)
	}
	if strings.TrimSpace(s.URL) != "" {
		v.httpURL(key+".url", s.URL)
	}
	v.atLeast(key+".upload_retries", s.UploadRetries, 0)
}

func (v *validation) agent(key string, a Agent) {
	if v.required(key+".mbus", a.Mbus) {
		u, err := url.Parse(strings.TrimSpace(a.Mbus))
		if err != nil || u.Scheme == "" || u.Host == "" {
			v.fail(key+".mbus", "must be a URL such as https://mbus:PASSWORD@0.0.0.0:6868, got %q", withoutPassword(a.Mbus))
		}
	}
	for i, server := range a.NTP {
		v.required(fmt.Sprintf("%s.ntp[%d]", key, i), server)
	}
	if a.Blobstore != nil {
		v.required(key+".blobstore.provider", a.Blobstore.Provider)
	}
}

func (v *validation) registry(key string, r Registry) {
	if strings.TrimSpace(r.Endpoint) != "" {
		v.httpURL(key+".endpoint", r.Endpoint)
	}
	if r.Port < 0 || r.Port > 65535 {
		v.fail(key+".port", "must be between 1 and 65535 (0 means %d), got %d", defaultRegistryPort, r.Port)
	}
}

// checkCertificates requires at least one PEM certificate, and every
// CERTIFICATE block to parse, so that a broken bundle fails at start rather
// than as a TLS error on the first API call.
func checkCertificates(bundle string) error {
	rest := []byte(bundle)
	certificates := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		certificates++
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d does not parse: %v", certificates, err)
		}
	}
	if certificates == 0 {
		return errors.New("must hold at least one PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return nil
}

// withoutPassword hides the userinfo password of a URL-like string, even one
// that does not parse or lacks its "scheme://".
func withoutPassword(raw string) string {
	authorityStart := 0
	if scheme := strings.Index(raw, "://"); scheme >= 0 {
		authorityStart = scheme + len("://")
	}
	authority := raw[authorityStart:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	at := strings.LastIndex(authority, "@")
	colon := strings.Index(authority, ":")
	if at < 0 || colon < 0 || colon > at {
		return raw
	}
	return raw[:authorityStart+colon+1] + "REDACTED" + raw[authorityStart+at:]
}
