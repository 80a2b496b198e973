// Command cloudstack-cpi is the BOSH CPI for Apache CloudStack. BOSH runs it once per call:
//
//	cloudstack-cpi -configFile /var/vcap/jobs/cloudstack_cpi/config/cpi.json < request.json
//
// One JSON request on stdin, one JSON response on stdout, logs on stderr.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	flags := flag.NewFlagSet("cloudstack-cpi", flag.ContinueOnError)
	configFile := flags.String("configFile", "", "path of the CPI config (cpi.json)")
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(os.Args[1:]); err != nil {
		// Usage went to stderr; still answer on stdout so the caller sees why.
		*configFile = ""
	}
	if *showVersion {
		fmt.Println(version)
		return
	}
	if err := cpi.Serve(cpi.ServeOptions{
		ConfigPath: *configFile,
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
	}); err != nil {
		fmt.Fprintf(os.Stderr, "cloudstack-cpi: writing the response: %s\n", err)
		os.Exit(1)
	}
}
