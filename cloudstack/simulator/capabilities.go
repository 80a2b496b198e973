package simulator

// CloudStackVersion is what listCapabilities reports.
const CloudStackVersion = "4.19.1.0"

type capabilityView struct {
	SecurityGroupsEnabled         bool   `json:"securitygroupsenabled"`
	DynamicRolesEnabled           bool   `json:"dynamicrolesenabled"`
	CloudStackVersion             string `json:"cloudstackversion"`
	UserPublicTemplateEnabled     bool   `json:"userpublictemplateenabled"`
	SupportELB                    string `json:"supportELB"`
	ProjectInviteRequired         bool   `json:"projectinviterequired"`
	AllowUserCreateProjects       bool   `json:"allowusercreateprojects"`
	CustomDiskOfferingMinSize     int64  `json:"customdiskofferingminsize"`
	CustomDiskOfferingMaxSize     int64  `json:"customdiskofferingmaxsize"`
	RegionSecondaryEnabled        bool   `json:"regionsecondaryenabled"`
	KVMSnapshotEnabled            bool   `json:"kvmsnapshotenabled"`
	AllowUserViewDestroyedVM      bool   `json:"allowuserviewdestroyedvm"`
	AllowUserExpungeRecoverVM     bool   `json:"allowuserexpungerecovervm"`
	AllowUserExpungeRecoverVolume bool   `json:"allowuserexpungerecovervolume"`
	AllowUserViewAllDomainAccts   bool   `json:"allowuserviewalldomainaccounts"`
	KubernetesServiceEnabled      bool   `json:"kubernetesserviceenabled"`
	KubernetesExperimental        bool   `json:"kubernetesclusterexperimentalfeaturesenabled"`
	DefaultUIPageSize             int64  `json:"defaultuipagesize"`
	APILimitInterval              int    `json:"apilimitinterval,omitempty"`
	APILimitMax                   int    `json:"apilimitmax,omitempty"`
}

type hypervisorView struct {
	Name string `json:"name"`
}

func init() {
	RegisterFamily(Family{
		Name: "config",
		Commands: []Command{
			Sync("listCapabilities", listCapabilities),
			Sync("listHypervisors", listHypervisors),
		},
	})
}

// CustomDiskOfferingMinSize and CustomDiskOfferingMaxSize (GB) bound the size of a volume
// made from a customized disk offering.
const (
	CustomDiskOfferingMinSize = 1
	CustomDiskOfferingMaxSize = 1024
)

func listCapabilities(c *Call) (any, error) {
	sgEnabled := false
	for _, z := range ZoneTable(c.Store).All() {
		sgEnabled = sgEnabled || z.SecurityGroupsEnabled
	}
	v := capabilityView{SecurityGroupsEnabled: sgEnabled, DynamicRolesEnabled: true, CloudStackVersion: CloudStackVersion,
		SupportELB: "false", ProjectInviteRequired: false, AllowUserCreateProjects: true,
		CustomDiskOfferingMinSize: CustomDiskOfferingMinSize, CustomDiskOfferingMaxSize: CustomDiskOfferingMaxSize,
		KVMSnapshotEnabled: true, AllowUserViewDestroyedVM: true, AllowUserExpungeRecoverVM: true,
		AllowUserExpungeRecoverVolume: true, DefaultUIPageSize: 20}
	if t := c.srv.faults.get().Throttle; t != nil {
		v.APILimitInterval = int(t.Interval.seconds())
		v.APILimitMax = t.Max
	}
	return Object("capability", v), nil
}

func (d Duration) seconds() int64 {
	s := int64(d) / 1e9
	if s == 0 && d > 0 {
		s = 1
	}
	return s
}

// listHypervisors lists the hypervisors of one zone, or of every zone (each name once).
func listHypervisors(c *Call) (any, error) {
	zoneID := c.ID("zoneid", func(id string) bool { _, ok := ZoneTable(c.Store).Get(id); return ok })
	if err := c.Err(); err != nil {
		return nil, err
	}
	var names []*hypervisorView
	seen := map[string]bool{}
	for _, z := range ZoneTable(c.Store).All() {
		if (zoneID == "" || z.ID == zoneID) && !seen[z.Hypervisor] {
			seen[z.Hypervisor] = true
			names = append(names, &hypervisorView{Name: z.Hypervisor})
		}
	}
	return Page(names, 0, -1, "hypervisor", func(h *hypervisorView) any { return h }), nil
}
