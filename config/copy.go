package config

// normalise replaces nil slices (a Config built by hand, or a "[]" turned
// into nothing) so that they marshal as [] rather than null.
func (c *Config) normalise() {
	for _, list := range []*[]string{
		&c.Agent.NTP, &c.CloudStack.Calculate.DiskTags, &c.CloudStack.Calculate.NotDiskTags,
		&c.CloudStack.Calculate.ComputeTags, &c.CloudStack.Calculate.NotComputeTags, &c.CloudStack.Stemcell.Zones,
	} {
		if *list == nil {
			*list = []string{}
		}
	}
	if c.CloudStack.Stemcell.Formats == nil {
		c.CloudStack.Stemcell.Formats = Default().CloudStack.Stemcell.Formats
	}
}

// clone returns a copy of c that shares no slice, map or pointer with it.
func (c Config) clone() Config {
	out := c
	out.Warnings = cloneStrings(c.Warnings)
	out.Agent.NTP = cloneStrings(c.Agent.NTP)
	out.CloudStack.Stemcell.Formats = cloneStrings(c.CloudStack.Stemcell.Formats)
	out.CloudStack.Stemcell.Zones = cloneStrings(c.CloudStack.Stemcell.Zones)
	calc := &out.CloudStack.Calculate
	calc.DiskTags, calc.NotDiskTags = cloneStrings(calc.DiskTags), cloneStrings(calc.NotDiskTags)
	calc.ComputeTags, calc.NotComputeTags = cloneStrings(calc.ComputeTags), cloneStrings(calc.NotComputeTags)
	if c.Agent.Blobstore != nil {
		blobstore := *c.Agent.Blobstore
		if options, ok := cloneJSON(blobstore.Options).(map[string]any); ok {
			blobstore.Options = options
		}
		out.Agent.Blobstore = &blobstore
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

// cloneJSON deep-copies a decoded JSON value.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for key, child := range v {
			out[key] = cloneJSON(child)
		}
		return out
	case []any:
		if v == nil {
			return v
		}
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = cloneJSON(child)
		}
		return out
	}
	return v
}
