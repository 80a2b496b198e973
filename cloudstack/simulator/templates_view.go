package simulator

import (
	"fmt"
	"strconv"
)

// templateView is a template row as listTemplates, registerTemplate and copyTemplate render
// it (TemplateJoinDaoImpl.newTemplateResponse). Sizes are omitted until known, as
// CloudStack does.
type templateView struct {
	ID                    string              `json:"id"`
	Name                  string              `json:"name"`
	DisplayText           string              `json:"displaytext"`
	IsPublic              bool                `json:"ispublic"`
	Created               string              `json:"created"`
	IsReady               bool                `json:"isready"`
	PasswordEnabled       bool                `json:"passwordenabled"`
	Format                string              `json:"format"`
	IsFeatured            bool                `json:"isfeatured"`
	CrossZones            bool                `json:"crossZones"`
	OSTypeID              string              `json:"ostypeid"`
	OSTypeName            string              `json:"ostypename"`
	Account               string              `json:"account"`
	ZoneID                string              `json:"zoneid"`
	ZoneName              string              `json:"zonename"`
	Status                string              `json:"status"`
	Size                  int64               `json:"size,omitempty"`
	PhysicalSize          int64               `json:"physicalsize,omitempty"`
	TemplateType          string              `json:"templatetype"`
	Hypervisor            string              `json:"hypervisor"`
	Domain                string              `json:"domain"`
	DomainID              string              `json:"domainid"`
	IsExtractable         bool                `json:"isextractable"`
	Checksum              string              `json:"checksum,omitempty"`
	Details               map[string]string   `json:"details"`
	DownloadDetails       []map[string]string `json:"downloaddetails"`
	Bits                  int                 `json:"bits"`
	SSHKeyEnabled         bool                `json:"sshkeyenabled"`
	IsDynamicallyScalable bool                `json:"isdynamicallyscalable"`
	DirectDownload        bool                `json:"directdownload"`
	DeployAsIs            bool                `json:"deployasis"`
	RequiresHVM           bool                `json:"requireshvm"`
	URL                   string              `json:"url,omitempty"`
	Removed               string              `json:"removed,omitempty"`
	Tags                  []TagView           `json:"tags"`
}

// templateUpdateView is updateTemplate's simpler form (TemplateJoinDaoImpl.newUpdateResponse):
// no zone, no status.
type templateUpdateView struct {
	ID                    string            `json:"id"`
	Name                  string            `json:"name"`
	DisplayText           string            `json:"displaytext"`
	IsPublic              bool              `json:"ispublic"`
	Created               string            `json:"created"`
	Format                string            `json:"format"`
	OSTypeID              string            `json:"ostypeid"`
	OSTypeName            string            `json:"ostypename"`
	Bootable              bool              `json:"bootable"`
	Hypervisor            string            `json:"hypervisor"`
	IsDynamicallyScalable bool              `json:"isdynamicallyscalable"`
	PasswordEnabled       bool              `json:"passwordenabled"`
	RequiresHVM           bool              `json:"requireshvm"`
	Account               string            `json:"account"`
	Domain                string            `json:"domain"`
	DomainID              string            `json:"domainid"`
	Details               map[string]string `json:"details"`
	Tags                  []TagView         `json:"tags"`
}

// templateStatus is TemplateJoinDaoImpl.getTemplateStatus over the simulator's states: the
// transfer percentage shows as "N% Downloaded" for uploads too (the upload monitor reports
// them as DOWNLOAD_IN_PROGRESS), 100% as "Installing Template".
func templateStatus(t *Template) string {
	switch t.State {
	case TemplateUploadInProgress, TemplateDownloading:
		if t.Percent >= 100 {
			return "Installing Template"
		}
		return fmt.Sprintf("%d%% Downloaded", t.Percent)
	case TemplateInstalling:
		return "Installing Template"
	case TemplateReady:
		return "Download Complete"
	case TemplateDownloadError:
		return t.Error
	case TemplateCopying:
		return "Processing"
	}
	return t.State // NotUploaded, UploadError, UploadAbandoned
}

// downloadState is the image store's view of the row (template_store_ref.download_state).
func downloadState(t *Template) (state string, percent int) {
	switch t.State {
	case TemplateUploadInProgress, TemplateDownloading:
		return "DOWNLOAD_IN_PROGRESS", t.Percent
	case TemplateInstalling:
		return "DOWNLOAD_IN_PROGRESS", 100
	case TemplateReady:
		return "DOWNLOADED", 100
	case TemplateUploadError:
		return "UPLOAD_ERROR", t.Percent
	case TemplateDownloadError:
		return "DOWNLOAD_ERROR", t.Percent
	case TemplateUploadAbandoned:
		return "ABANDONED", 0
	}
	return "NOT_DOWNLOADED", 0
}

func zoneName(st *Store, zoneID string) string {
	if z, ok := ZoneTable(st).Get(zoneID); ok {
		return z.Name
	}
	return ""
}

func osTypeName(st *Store, osTypeID string) string {
	if o, ok := OSTypeTable(st).Get(osTypeID); ok {
		return o.Description
	}
	return ""
}

func copyDetails(d map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range d {
		out[k] = v
	}
	return out
}

func renderTemplate(st *Store, t *Template) templateView {
	state, percent := downloadState(t)
	zone := zoneName(st, t.ZoneID)
	return templateView{
		ID: t.ID, Name: t.Name, DisplayText: t.DisplayText, IsPublic: t.IsPublic, Created: t.Created,
		IsReady: t.IsReady(), PasswordEnabled: t.PasswordEnabled, Format: t.Format, IsFeatured: t.IsFeatured,
		CrossZones: t.CrossZones, OSTypeID: t.OSTypeID, OSTypeName: osTypeName(st, t.OSTypeID),
		Account: st.Account.Account, ZoneID: t.ZoneID, ZoneName: zone, Status: templateStatus(t),
		Size: t.Size, PhysicalSize: t.PhysicalSize, TemplateType: "USER", Hypervisor: t.Hypervisor,
		Domain: st.Account.Domain, DomainID: st.Account.DomainID, IsExtractable: t.IsExtractable,
		Checksum: t.Checksum, Details: copyDetails(t.Details),
		DownloadDetails: []map[string]string{{
			"datastore": zone + "-secondary", "downloadPercent": strconv.Itoa(percent), "downloadState": state,
		}},
		Bits: t.Bits, SSHKeyEnabled: t.SSHKeyEnabled, RequiresHVM: t.RequiresHVM, URL: t.URL,
		Removed: t.Removed, Tags: TagsFor(st, "Template", t.ID),
	}
}

func renderTemplateUpdate(st *Store, t *Template) templateUpdateView {
	return templateUpdateView{
		ID: t.ID, Name: t.Name, DisplayText: t.DisplayText, IsPublic: t.IsPublic, Created: t.Created,
		Format: t.Format, OSTypeID: t.OSTypeID, OSTypeName: osTypeName(st, t.OSTypeID), Bootable: true,
		Hypervisor: t.Hypervisor, PasswordEnabled: t.PasswordEnabled, RequiresHVM: t.RequiresHVM,
		Account: st.Account.Account, Domain: st.Account.Domain, DomainID: st.Account.DomainID,
		Details: copyDetails(t.Details), Tags: TagsFor(st, "Template", t.ID),
	}
}
