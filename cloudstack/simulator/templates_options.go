package simulator

import "time"

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
