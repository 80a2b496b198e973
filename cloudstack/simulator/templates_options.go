package simulator

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TemplateOptions configure the template family (Options.Templates).
type TemplateOptions struct {
	// UploadBaseURL is the scheme://host[:port] put in getUploadParamsForTemplate's postURL
	// and used to verify upload signatures, for a simulator reached through another
	// address than the API request's Host (a proxy, a port mapping). Empty: the Host the
	// client used for the API call, over http.
	UploadBaseURL string
	// InstallDelay is how long a template stays "Installing Template" after its upload or
	// download completed, before isready=true and "Download Complete" (CloudStack's upload
	// monitor interval plus post-processing). 0: ready at once. Runs on Options.Clock.
	InstallDelay time.Duration
}

// Validate checks the options: UploadBaseURL must be an http(s) URL with a host and no path.
func (o TemplateOptions) Validate() error {
	if o.InstallDelay < 0 {
		return fmt.Errorf("template install delay must not be negative, got %s", o.InstallDelay)
	}
	if o.UploadBaseURL == "" {
		return nil
	}
	u, err := url.Parse(o.UploadBaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return fmt.Errorf("upload base URL %q must look like http://host[:port] or https://host[:port]", o.UploadBaseURL)
	}
	return nil
}
