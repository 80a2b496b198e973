package cpi

import "context"

// apiVersion is the highest CPI API version this CPI speaks. The caller caps it (create-env uses 2,
// the director up to 3) and every method honours the request's own api_version.
const apiVersion = 3

// InfoResult is info's answer.
type InfoResult struct {
	APIVersion      int      `json:"api_version"`
	StemcellFormats []string `json:"stemcell_formats"`
}

// info runs before almost every call, so it touches nothing but the config.
func info(_ context.Context, env *Env, _ Args) (any, error) {
	formats := env.Config.CloudStack.Stemcell.Formats
	if formats == nil {
		// A nil slice would encode as null, which the CLI rejects ("Extracting stemcell_formats").
		formats = []string{}
	}
	return InfoResult{APIVersion: apiVersion, StemcellFormats: formats}, nil
}
