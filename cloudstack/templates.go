package cloudstack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// Template is one zone's row of a template: CloudStack lists a template once
// per zone that holds it, with the same id and that zone's readiness.
type Template struct {
	ID          string
	Name        string
	DisplayText string
	ZoneID      string
	OSTypeID    string
	// Status is CloudStack's progress text ("NotUploaded", "37% Downloaded",
	// "Download Complete", or an error text); IsReady is the only "done".
	Status     string
	IsReady    bool
	Format     string
	Hypervisor string
	Size       int64 // virtual size in bytes, 0 until known
	Tags       map[string]string
	CrossZones bool
}

// Failed tells a template that will never become ready from one that is
// still on its way: CloudStack shows upload and download failures only
// through the status text ("UploadError", "UploadAbandoned", or the secondary
// storage VM's error message).
func (t Template) Failed() bool {
	if t.IsReady {
		return false
	}
	status := strings.ToLower(t.Status)
	for _, word := range []string{"error", "abandoned", "fail", "invalid", "corrupt", "mismatch", "exceed"} {
		if strings.Contains(status, word) {
			return true
		}
	}
	return false
}

// UploadSpec describes a template to create for an image upload. Templates
// are created without password reset.
type UploadSpec struct {
	Name        string
	DisplayText string // defaults to Name
	Format      string // VHD, QCOW2, RAW, OVA, ...
	Hypervisor  string // XenServer, KVM, VMware, ...
	ZoneID      string
	OSTypeID    string
	Bits        int // 32 or 64; 0 leaves CloudStack's default
	RequiresHVM bool
	IsPublic    bool
	// IsFeatured lists the template among CloudStack's featured ones (an admin's choice).
	IsFeatured bool
	// IsExtractable lets the template be downloaded again, e.g. to move a stemcell to another cloud.
	IsExtractable bool
	Checksum      string // "{SHA-256}hex", "{MD5}hex"... optional
	Details       map[string]string
}

// RegisterSpec describes a template that CloudStack downloads from URL.
type RegisterSpec struct {
	UploadSpec
	URL string
}

// UploadParams is the ticket for one upload to the secondary storage VM: POST
// the image to PostURL with the X-signature, X-metadata and X-expires headers.
type UploadParams struct {
	ID        string // the new template's id
	PostURL   string
	Signature string
	Metadata  string
	Expires   string
}

// templateFilter makes lists show the templates the caller may deploy, public
// and shared ones included, so that light stemcells can name a public template.
const templateFilter = "executable"

type templateService struct{ c *Client }

func (s *templateService) Get(ctx context.Context, id, zoneID string) (Template, bool, error) {
	if !IsID(id) {
		return Template{}, false, fmt.Errorf("template id %q is not a CloudStack uuid", id)
	}
	if zoneID == "" {
		return Template{}, false, fmt.Errorf("looking up template %s: a zone id is required", id)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListTemplatesParams) {
		p.SetId(id)
		p.SetZoneid(zoneID)
	}))
	if err != nil {
		return Template{}, false, err
	}
	// Filtering by zone ourselves is what cloudstack-go v2.19.0's
	// GetTemplateByID lacks: a cross-zone template comes back once per zone.
	for _, t := range rows {
		if t.ID == id && t.ZoneID == zoneID {
			return t, true, nil
		}
	}
	return Template{}, false, nil
}

func (s *templateService) FindByName(ctx context.Context, name, zoneID string) (Template, bool, error) {
	if name == "" {
		return Template{}, false, errors.New("looking up a template: the name is empty")
	}
	rows, err := s.list(ctx, func(p *csapi.ListTemplatesParams) {
		p.SetName(name)
		setIfNotEmpty(zoneID, p.SetZoneid)
	})
	if err != nil {
		return Template{}, false, err
	}
	if zoneID != "" {
		inZone := rows[:0]
		for _, t := range rows {
			if t.ZoneID == zoneID {
				inZone = append(inZone, t)
			}
		}
		rows = inZone
	}
	return pickOne("template", name, rows, func(t Template) string { return t.ID }, func(t Template) string { return t.Name })
}

func (s *templateService) ListInZones(ctx context.Context, id string) ([]Template, error) {
	if !IsID(id) {
		return nil, fmt.Errorf("template id %q is not a CloudStack uuid", id)
	}
	rows, err := notFoundIsAbsent(s.list(ctx, func(p *csapi.ListTemplatesParams) { p.SetId(id) }))
	if err != nil {
		return nil, err
	}
	mine := rows[:0]
	for _, t := range rows {
		if t.ID == id {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

// list looks among the caller's own templates first ("self" also shows them while their upload is in
// progress, which "executable" does not), then among those it may deploy (public and shared ones, which
// light stemcells name). The second call happens only when the first finds nothing.
func (s *templateService) list(ctx context.Context, filter func(*csapi.ListTemplatesParams)) ([]Template, error) {
	rows, err := s.listWith(ctx, "self", filter)
	if err != nil || len(rows) > 0 {
		return rows, err
	}
	return s.listWith(ctx, templateFilter, filter)
}

func (s *templateService) listWith(ctx context.Context, templateFilter string, filter func(*csapi.ListTemplatesParams)) ([]Template, error) {
	api := s.c.api(ctx)
	return listAllPages(ctx, "listTemplates", func(page, size int) ([]Template, int, error) {
		p := api.Template.NewListTemplatesParams(templateFilter)
		filter(p)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.Template.ListTemplates(p)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]Template, 0, len(r.Templates))
		for _, t := range r.Templates {
			rows = append(rows, Template{
				ID: t.Id, Name: t.Name, DisplayText: t.Displaytext, ZoneID: t.Zoneid, OSTypeID: t.Ostypeid,
				Status: t.Status, IsReady: t.Isready, Format: t.Format, Hypervisor: t.Hypervisor,
				Size: t.Size, Tags: tagMap(t.Tags), CrossZones: t.CrossZones,
			})
		}
		return rows, r.Count, nil
	})
}

// templateOptions are the setters the upload and the register calls share.
type templateOptions interface {
	SetOstypeid(string)
	SetRequireshvm(bool)
	SetIspublic(bool)
	SetIsfeatured(bool)
	SetIsextractable(bool)
	SetPasswordenabled(bool)
	SetBits(int)
	SetChecksum(string)
	SetDetails(map[string]string)
}

// applyTo sets the template's options the same way whether CloudStack receives the image by upload or
// downloads it.
func (spec UploadSpec) applyTo(p templateOptions) {
	p.SetOstypeid(spec.OSTypeID)
	p.SetRequireshvm(spec.RequiresHVM)
	p.SetIspublic(spec.IsPublic)
	p.SetIsfeatured(spec.IsFeatured)
	p.SetIsextractable(spec.IsExtractable)
	p.SetPasswordenabled(false)
	if spec.Bits != 0 {
		p.SetBits(spec.Bits)
	}
	setIfNotEmpty(spec.Checksum, p.SetChecksum)
	if len(spec.Details) > 0 {
		p.SetDetails(spec.Details)
	}
}

func (s *templateService) GetUploadParams(ctx context.Context, spec UploadSpec) (UploadParams, error) {
	if err := spec.validate(); err != nil {
		return UploadParams{}, err
	}
	if err := ctx.Err(); err != nil {
		return UploadParams{}, err
	}
	api := s.c.api(ctx)
	p := api.Template.NewGetUploadParamsForTemplateParams(spec.displayText(), spec.Format, spec.Hypervisor, spec.Name, spec.ZoneID)
	spec.applyTo(p)
	r, err := api.Template.GetUploadParamsForTemplate(p)
	if err != nil {
		return UploadParams{}, wrapError("getUploadParamsForTemplate", err)
	}
	if r.Id == "" || r.PostURL == "" {
		return UploadParams{}, errors.New("CloudStack API getUploadParamsForTemplate answered without a template id or upload URL")
	}
	return UploadParams{ID: r.Id, PostURL: r.PostURL, Signature: r.Signature, Metadata: r.Metadata, Expires: r.Expires}, nil
}

func (s *templateService) Register(ctx context.Context, spec RegisterSpec) (Template, error) {
	if err := spec.validate(); err != nil {
		return Template{}, err
	}
	if spec.URL == "" {
		return Template{}, fmt.Errorf("registering template %q: the image URL is empty", spec.Name)
	}
	if err := ctx.Err(); err != nil {
		return Template{}, err
	}
	api := s.c.api(ctx)
	p := api.Template.NewRegisterTemplateParams(spec.displayText(), spec.Format, spec.Hypervisor, spec.Name, spec.URL)
	p.SetZoneid(spec.ZoneID)
	spec.applyTo(p)
	r, err := api.Template.RegisterTemplate(p)
	if err != nil {
		return Template{}, wrapError("registerTemplate", err)
	}
	if len(r.RegisterTemplate) == 0 {
		return Template{}, fmt.Errorf("CloudStack API registerTemplate answered without a template for %q", spec.Name)
	}
	row := r.RegisterTemplate[0]
	for _, t := range r.RegisterTemplate {
		if t.Zoneid == spec.ZoneID {
			row = t
			break
		}
	}
	return Template{
		ID: row.Id, Name: row.Name, DisplayText: row.Displaytext, ZoneID: row.Zoneid, OSTypeID: row.Ostypeid,
		Status: row.Status, IsReady: row.Isready, Format: row.Format, Hypervisor: row.Hypervisor,
		Size: row.Size, Tags: tagMap(row.Tags), CrossZones: row.CrossZones,
	}, nil
}

func (s *templateService) Copy(ctx context.Context, id, srcZoneID, dstZoneID string, timeout time.Duration) error {
	if !IsID(id) || srcZoneID == "" || dstZoneID == "" {
		return fmt.Errorf("copying template %q from zone %q to zone %q: template id and both zone ids are required", id, srcZoneID, dstZoneID)
	}
	api := s.c.api(ctx)
	return s.c.runJob(ctx, "copyTemplate", timeout, func() (string, error) {
		p := api.Template.NewCopyTemplateParams(id)
		p.SetSourcezoneid(srcZoneID)
		p.SetDestzoneid(dstZoneID)
		r, err := api.Template.CopyTemplate(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
}

func (s *templateService) Delete(ctx context.Context, id, zoneID string, forced bool, timeout time.Duration) error {
	if !IsID(id) {
		return fmt.Errorf("template id %q is not a CloudStack uuid", id)
	}
	api := s.c.api(ctx)
	err := s.c.runJob(ctx, "deleteTemplate", timeout, func() (string, error) {
		p := api.Template.NewDeleteTemplateParams(id)
		setIfNotEmpty(zoneID, p.SetZoneid)
		if forced {
			p.SetForced(true)
		}
		r, err := api.Template.DeleteTemplate(p)
		if err != nil {
			return "", err
		}
		return r.JobID, nil
	}, nil)
	if IsNotFound(err) {
		s.c.opts.Logger.Debug(logTag, "Template %s is already gone: %v", id, err)
		return nil
	}
	return err
}

func (spec UploadSpec) validate() error {
	missing := func(what string) error {
		return fmt.Errorf("creating template %q: the %s is required", spec.Name, what)
	}
	switch {
	case spec.Name == "":
		return errors.New("creating a template: the name is required")
	case spec.Format == "":
		return missing("format")
	case spec.Hypervisor == "":
		return missing("hypervisor")
	case spec.ZoneID == "":
		return missing("zone id")
	case spec.OSTypeID == "":
		return missing("OS type id")
	}
	return nil
}

func (spec UploadSpec) displayText() string {
	if spec.DisplayText != "" {
		return spec.DisplayText
	}
	return spec.Name
}

func tagMap(tags []csapi.Tags) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[t.Key] = t.Value
	}
	return out
}
