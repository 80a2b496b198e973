package cpi

import "encoding/json"

// boshEnvInfo is what create_vm reads of its env argument (which otherwise goes to the agent untouched).
type boshEnvInfo struct {
	// Group is env.bosh.group, "<director>-<deployment>-<instance group>" as the director canonicalises it.
	Group string
	// Deployment and InstanceGroup come from env.bosh.groups when it has the director's six entries
	// (director, deployment, instance group, then their joins).
	Deployment    string
	InstanceGroup string
}

// readBoshEnv picks the group names out of env, leniently: a field of another shape is simply unknown.
func readBoshEnv(raw json.RawMessage) boshEnvInfo {
	var env struct {
		Bosh struct {
			Group  any   `json:"group"`
			Groups []any `json:"groups"`
		} `json:"bosh"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return boshEnvInfo{}
	}
	info := boshEnvInfo{}
	info.Group, _ = env.Bosh.Group.(string)
	if len(env.Bosh.Groups) == 6 {
		info.Deployment, _ = env.Bosh.Groups[1].(string)
		info.InstanceGroup, _ = env.Bosh.Groups[2].(string)
	}
	return info
}

// Tag keys create_vm adds to the VM besides the two every resource of this CPI carries.
const (
	tagDeployment    = "deployment"
	tagInstanceGroup = "instance_group"
	tagAgentID       = "bosh_agent_id"
)

// vmCreationTags are the VM's tags from birth; set_vm_metadata adds the director's metadata later.
func vmCreationTags(env *Env, agentID string, info boshEnvInfo) map[string]string {
	tags := ownershipTags(env)
	tags[tagAgentID] = agentID
	if info.Deployment != "" {
		tags[tagDeployment] = info.Deployment
	}
	if info.InstanceGroup != "" {
		tags[tagInstanceGroup] = info.InstanceGroup
	}
	return tags
}

// ephemeralVolumeTags mark the ephemeral disk, which delete_vm deletes with its VM.
func ephemeralVolumeTags(env *Env) map[string]string {
	tags := ownershipTags(env)
	tags[tagEphemeral] = "true"
	return tags
}
