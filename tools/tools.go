//go:build tools

// Package tools pins the command-line tools the build uses, apart from the CPI's own module so that
// their dependencies never reach the CPI's go.mod. Build them with `make tools/bin/bosh`.
package tools

import (
	// The bosh CLI: `make release` runs its create-release and add-blob.
	_ "github.com/cloudfoundry/bosh-cli/v7"
)
