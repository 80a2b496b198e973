package stemcell

import (
	"context"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // stemcell.MF gives SHA-1; it checks integrity, not authenticity
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// Tag keys the CPI puts on the templates it creates. A template without TagManaged was not made by this
// CPI (a light stemcell's template) and is never deleted.
const (
	TagManaged      = "bosh_managed"
	TagDirector     = "director_uuid"
	TagLight        = "bosh_light_stemcell"
	TagStemcellName = "bosh_stemcell_name"
	TagStemcellVer  = "bosh_stemcell_version"
	resourceType    = "Template"
)

// Settings are the config the stemcell manager works with.
type Settings struct {
	DefaultZone   string   // zone (name or id) the template is created in
	Zones         []string // more zones (names or ids) the template is copied to
	OSType        string   // CloudStack OS type, description or id
	RequiresHVM   bool
	Public        bool
	Featured      bool
	BaseURL       string // when set, CloudStack downloads images from <BaseURL>/<name>-<version><ext>
	UploadRetries int    // extra attempts after a transient upload failure
	DirectorUUID  string
	ReadyTimeout  time.Duration // bound of the wait for the template to become ready
	CopyTimeout   time.Duration
	PollInitial   time.Duration
	PollMax       time.Duration
}

// Manager creates and deletes stemcell templates.
type Manager struct {
	Templates cloudstack.Templates
	Zones     cloudstack.Zones
	OSTypes   cloudstack.OSTypes
	Tags      cloudstack.Tags
	Uploader  Uploader
	Settings  Settings
	Log       Logger
	// Clock paces the polls; nil means the system clock. Tests use a fake so no test waits for real time.
	Clock cloudstack.Clock
}

// Create turns the stemcell into a ready template in every configured zone and returns its id. Any
// failure after the template entry was created deletes it again.
func (m *Manager) Create(ctx context.Context, imagePath string, props Props, extraTags map[string]string) (string, error) {
	if props.IsLight() {
		return m.useLight(ctx, props)
	}
	// Everything that can be checked on this machine is checked before CloudStack is asked anything.
	url := m.imageURL(props)
	var img Image
	if url == "" {
		var err error
		if img, err = inspectChecked(imagePath, props); err != nil {
			return "", err
		}
	}
	zone, err := m.zone(ctx, m.Settings.DefaultZone, "cloudstack.default_zone")
	if err != nil {
		return "", err
	}
	osType := m.Settings.OSType
	if props.OSType != "" {
		osType = props.OSType
	}
	osTypeRow, found, err := m.OSTypes.FindByDescription(ctx, osType)
	if err != nil {
		return "", fmt.Errorf("looking up OS type '%s': %w", osType, err)
	}
	if !found {
		return "", fmt.Errorf("OS type '%s' (cloudstack.stemcell.os_type) does not exist in CloudStack: name one of listOsTypes' descriptions or ids", osType)
	}
	otherZones, err := m.otherZones(ctx, zone.ID)
	if err != nil {
		return "", err
	}

	spec := cloudstack.UploadSpec{
		Name:        templateName(props),
		DisplayText: displayText(props),
		ZoneID:      zone.ID,
		OSTypeID:    osTypeRow.ID,
		Bits:        64,
		RequiresHVM: m.Settings.RequiresHVM,
		IsPublic:    m.Settings.Public,
		// Extractable, as the older CPIs made them: a stemcell template can be downloaded again.
		IsExtractable: true,
		IsFeatured:    m.Settings.Featured,
	}

	var id string
	if url != "" {
		id, err = m.register(ctx, imagePath, props, spec, url)
	} else {
		id, err = m.upload(ctx, img, spec)
	}
	if err != nil {
		return "", err
	}

	if err := m.finish(ctx, id, zone.ID, otherZones, props, extraTags); err != nil {
		m.cleanup(id)
		return "", err
	}
	return id, nil
}

// finish waits for the new template, tags it and copies it to the other zones.
func (m *Manager) finish(ctx context.Context, id, zoneID string, otherZones []string, props Props, extraTags map[string]string) error {
	if err := m.WaitReady(ctx, id, zoneID); err != nil {
		return err
	}
	tags := map[string]string{}
	for k, v := range extraTags {
		tags[k] = v
	}
	tags[TagManaged] = "true"
	tags[TagDirector] = m.Settings.DirectorUUID
	tags[TagStemcellName] = props.Name
	tags[TagStemcellVer] = props.Version
	if err := m.Tags.Upsert(ctx, resourceType, id, tags); err != nil {
		return fmt.Errorf("tagging template %s: %w", id, err)
	}
	for _, dst := range otherZones {
		if err := m.EnsureInZone(ctx, id, dst); err != nil {
			return err
		}
	}
	return nil
}

// upload creates the template entry and streams the image to it, with a fresh entry for every attempt
// (an upload ticket can be used only once).
func (m *Manager) upload(ctx context.Context, img Image, spec cloudstack.UploadSpec) (string, error) {
	spec.Format, spec.Hypervisor = img.Format.TemplateFormat, img.Format.Hypervisor
	fileName := spec.Name + img.Format.Extension

	var lastErr error
	for attempt := 0; attempt <= m.Settings.UploadRetries; attempt++ {
		if attempt > 0 {
			m.Log.Warn("stemcell.Manager", "upload attempt %d of %d failed (%s); trying again with a new upload ticket",
				attempt, m.Settings.UploadRetries+1, lastErr)
		}
		params, err := m.Templates.GetUploadParams(ctx, spec)
		if err != nil {
			return "", fmt.Errorf("creating template '%s' for upload: %w", spec.Name, err)
		}
		ticket := Ticket{PostURL: params.PostURL, Signature: params.Signature, Metadata: params.Metadata, Expires: params.Expires}
		err = m.Uploader.Upload(ctx, ticket, img, fileName)
		if err == nil {
			return params.ID, nil
		}
		m.cleanup(params.ID)
		lastErr = err
		if !IsTransient(err) || ctx.Err() != nil {
			break
		}
	}
	return "", fmt.Errorf("uploading stemcell image '%s' as template '%s': %w", img.Path, spec.Name, lastErr)
}

// inspectChecked reads the image's format and checks it against what the stemcell says of itself.
func inspectChecked(imagePath string, props Props) (Image, error) {
	img, err := Inspect(imagePath)
	if err != nil {
		return Image{}, err
	}
	if err := checkConsistent(props, img); err != nil {
		return Image{}, err
	}
	if err := verifySHA1(imagePath, props.SHA1); err != nil {
		return Image{}, err
	}
	return img, nil
}

// register has CloudStack download the image from url.
func (m *Manager) register(ctx context.Context, imagePath string, props Props, spec cloudstack.UploadSpec, url string) (string, error) {
	format, ok := formatFromProps(props)
	if img, err := Inspect(imagePath); err == nil {
		format, ok = img.Format, true // a local image, when there is one, says for sure
	}
	if !ok {
		return "", fmt.Errorf("stemcell with url '%s': cannot tell its format: set cloud_properties.hypervisor (xen, kvm, esxi) or disk_format", url)
	}
	spec.Format, spec.Hypervisor = format.TemplateFormat, format.Hypervisor
	tpl, err := m.Templates.Register(ctx, cloudstack.RegisterSpec{UploadSpec: spec, URL: url})
	if err != nil {
		return "", fmt.Errorf("registering template '%s' from %s: %w", spec.Name, url, err)
	}
	return tpl.ID, nil
}

func (m *Manager) imageURL(props Props) string {
	if props.URL != "" {
		return props.URL
	}
	if m.Settings.BaseURL == "" {
		return ""
	}
	format, ok := formatFromProps(props)
	if !ok {
		return ""
	}
	return strings.TrimRight(m.Settings.BaseURL, "/") + "/" + props.Name + "-" + props.Version + format.Extension
}

// useLight answers the template a light stemcell names, after checking it exists, and marks it so that
// delete_stemcell leaves it alone.
func (m *Manager) useLight(ctx context.Context, props Props) (string, error) {
	zone, err := m.zone(ctx, m.Settings.DefaultZone, "cloudstack.default_zone")
	if err != nil {
		return "", err
	}
	ref := props.lightReference()
	// Get takes only ids (the API client refuses anything else) and FindByName only names; light_template
	// may be either.
	var tpl cloudstack.Template
	var found bool
	if cloudstack.IsID(ref) {
		tpl, found, err = m.Templates.Get(ctx, ref, zone.ID)
	} else {
		tpl, found, err = m.Templates.FindByName(ctx, ref, zone.ID)
	}
	if err != nil {
		return "", fmt.Errorf("looking up light stemcell template '%s': %w", ref, err)
	}
	if !found {
		return "", fmt.Errorf("light stemcell names template '%s', which does not exist in zone '%s'", ref, zone.Name)
	}
	if tpl.Tags[TagManaged] == "true" && tpl.Tags[TagLight] != "true" {
		// A template this CPI uploaded, now also used as a light stemcell: deleting either stemcell
		// must not take the other's template away.
		if err := m.Tags.Upsert(ctx, resourceType, tpl.ID, map[string]string{TagLight: "true"}); err != nil {
			return "", fmt.Errorf("marking template %s as used by a light stemcell: %w", tpl.ID, err)
		}
	}
	m.Log.Info("stemcell.Manager", "light stemcell: using existing template %s (%s)", tpl.ID, tpl.Name)
	return tpl.ID, nil
}

// cleanup deletes a template this call created, on a context of its own: the call's context may be the
// reason for the failure.
func (m *Manager) cleanup(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), m.Settings.CopyTimeout)
	defer cancel()
	if err := m.Templates.Delete(ctx, id, "", true, m.Settings.CopyTimeout); err != nil {
		m.Log.Warn("stemcell.Manager", "could not delete template %s after a failed create_stemcell: %s", id, err)
		return
	}
	m.Log.Info("stemcell.Manager", "deleted template %s left by the failed create_stemcell", id)
}

func (m *Manager) zone(ctx context.Context, nameOrID, key string) (cloudstack.Zone, error) {
	zone, found, err := m.Zones.Find(ctx, nameOrID)
	if err != nil {
		return cloudstack.Zone{}, fmt.Errorf("looking up zone '%s': %w", nameOrID, err)
	}
	if !found {
		return cloudstack.Zone{}, fmt.Errorf("zone '%s' (%s) does not exist in CloudStack", nameOrID, key)
	}
	return zone, nil
}

func (m *Manager) otherZones(ctx context.Context, defaultZoneID string) ([]string, error) {
	var ids []string
	for _, name := range m.Settings.Zones {
		zone, err := m.zone(ctx, name, "cloudstack.stemcell.zones")
		if err != nil {
			return nil, err
		}
		if zone.ID != defaultZoneID && !contains(ids, zone.ID) {
			ids = append(ids, zone.ID)
		}
	}
	return ids, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func templateName(p Props) string {
	name := p.Name
	if name == "" {
		name = "bosh-stemcell"
	}
	if p.Version != "" {
		name += "-" + p.Version
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	return name + "-" + hex.EncodeToString(suffix)
}

func displayText(p Props) string {
	if p.Name == "" {
		return "BOSH stemcell"
	}
	return strings.TrimSpace("BOSH stemcell " + p.Name + " " + p.Version)
}

// verifySHA1 reads the image once to check its checksum; it runs before anything is created.
func verifySHA1(path, want string) error {
	if want == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening stemcell image: %w", err)
	}
	defer f.Close()
	h := sha1.New() //nolint:gosec
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("reading stemcell image '%s': %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, strings.TrimPrefix(want, "sha1:")) {
		return fmt.Errorf("stemcell image '%s' has SHA-1 %s but its stemcell says %s: the file is corrupt or not this stemcell's", path, got, want)
	}
	return nil
}
