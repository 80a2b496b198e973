package stemcell_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/cloudstackfakes"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

// Ids of the fixture's CloudStack: uuids, as the real client insists on them.
const (
	zone1ID     = "aaaaaaaa-0000-4000-8000-000000000001"
	zone2ID     = "aaaaaaaa-0000-4000-8000-000000000002"
	zone3ID     = "aaaaaaaa-0000-4000-8000-000000000003"
	osTypeID    = "bbbbbbbb-0000-4000-8000-000000000001"
	template1ID = "cccccccc-0000-4000-8000-000000000001"
	template2ID = "cccccccc-0000-4000-8000-000000000002"
	template3ID = "cccccccc-0000-4000-8000-000000000003"
	template4ID = "cccccccc-0000-4000-8000-000000000004"
	directorID  = "dddddddd-0000-4000-8000-000000000001"
)

var templateIDs = []string{template1ID, template2ID, template3ID, template4ID}

// cloud is a CloudStack made of counterfeiter fakes, a storage VM on 127.0.0.1 and a fake clock. Its
// defaults make a create_stemcell succeed: zones zone1..zone3 and the OS type "Other PV (64-bit)" exist,
// getUploadParams hands out template1ID, template2ID... with tickets for the storage VM, and every
// template is ready. Tests change the fakes' answers with their own Returns methods.
type cloud struct {
	Templates *cloudstackfakes.FakeTemplates
	Zones     *cloudstackfakes.FakeZones
	OSTypes   *cloudstackfakes.FakeOSTypes
	Tags      *cloudstackfakes.FakeTags
	Storage   *storageServer
	Clock     *fakeClock
	Log       *logRecorder
	Settings  stemcell.Settings

	mu      sync.Mutex
	journal []string
}

func newCloud() *cloud {
	c := &cloud{
		Templates: &cloudstackfakes.FakeTemplates{},
		Zones:     &cloudstackfakes.FakeZones{},
		OSTypes:   &cloudstackfakes.FakeOSTypes{},
		Tags:      &cloudstackfakes.FakeTags{},
		Storage:   newStorageServer(),
		Clock:     newFakeClock(),
		Log:       &logRecorder{},
		Settings: stemcell.Settings{
			DefaultZone:   "zone1",
			OSType:        "Other PV (64-bit)",
			RequiresHVM:   true,
			UploadRetries: 2,
			DirectorUUID:  directorID,
			ReadyTimeout:  30 * time.Minute,
			CopyTimeout:   30 * time.Minute,
			PollInitial:   2 * time.Second,
			PollMax:       30 * time.Second,
		},
	}
	c.Storage.onRequest = func(r *http.Request) { c.record("POST " + r.URL.Path) }

	c.Zones.FindStub = func(_ context.Context, nameOrID string) (cloudstack.Zone, bool, error) {
		for i, id := range []string{zone1ID, zone2ID, zone3ID} {
			name := fmt.Sprintf("zone%d", i+1)
			if nameOrID == name || nameOrID == id {
				return cloudstack.Zone{ID: id, Name: name}, true, nil
			}
		}
		return cloudstack.Zone{}, false, nil
	}
	c.OSTypes.FindByDescriptionReturns(cloudstack.OSType{ID: osTypeID, Description: "Other PV (64-bit)"}, true, nil)
	c.Templates.GetUploadParamsStub = func(_ context.Context, spec cloudstack.UploadSpec) (cloudstack.UploadParams, error) {
		id := templateIDs[c.Templates.GetUploadParamsCallCount()-1]
		return cloudstack.UploadParams{ID: id, PostURL: c.Storage.URL + "/upload/" + id,
			Signature: "sig-" + id, Metadata: "meta-" + id, Expires: "2026-01-02T04:04:05.000Z"}, nil
	}
	c.Templates.GetStub = func(_ context.Context, id, zoneID string) (cloudstack.Template, bool, error) {
		if !cloudstack.IsID(id) { // as the real client does
			return cloudstack.Template{}, false, fmt.Errorf("template id %q is not a CloudStack uuid", id)
		}
		return readyTemplate(id, zoneID), true, nil
	}
	return c
}

// Manager is the stemcell manager under test, wired to the fixture through journaling wrappers.
func (c *cloud) Manager() *stemcell.Manager {
	return &stemcell.Manager{
		Templates: journalingTemplates{c.Templates, c},
		Zones:     journalingZones{c.Zones, c},
		OSTypes:   journalingOSTypes{c.OSTypes, c},
		Tags:      journalingTags{c.Tags, c},
		Uploader:  stemcell.Uploader{Client: &http.Client{}, Log: c.Log},
		Settings:  c.Settings,
		Log:       c.Log,
		Clock:     c.Clock,
	}
}

// Journal is every call the manager made, in order: CloudStack calls and POSTs to the storage VM.
func (c *cloud) Journal() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.journal...)
}

// Created is what the manager created in CloudStack: getUploadParams and registerTemplate calls.
func (c *cloud) Created() int {
	return c.Templates.GetUploadParamsCallCount() + c.Templates.RegisterCallCount()
}

// UploadSpec is the template the manager asked for in its i-th getUploadParams call.
func (c *cloud) UploadSpec(i int) cloudstack.UploadSpec {
	_, spec := c.Templates.GetUploadParamsArgsForCall(i)
	return spec
}

// DeletedIDs are the templates the manager deleted, in order.
func (c *cloud) DeletedIDs() []string {
	var ids []string
	for i := range c.Templates.DeleteCallCount() {
		_, id, _, _, _ := c.Templates.DeleteArgsForCall(i)
		ids = append(ids, id)
	}
	return ids
}

func (c *cloud) record(call string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.journal = append(c.journal, call)
}

func readyTemplate(id, zoneID string) cloudstack.Template {
	return cloudstack.Template{ID: id, Name: "tpl-" + id[len(id)-1:], ZoneID: zoneID, Status: "Download Complete", IsReady: true}
}

func templateWithStatus(id, zoneID, status string) cloudstack.Template {
	return cloudstack.Template{ID: id, Name: "tpl-" + id[len(id)-1:], ZoneID: zoneID, Status: status}
}

// The journaling wrappers note each call, with the arguments that tell calls apart, then ask the fake.

type journalingTemplates struct {
	fake *cloudstackfakes.FakeTemplates
	c    *cloud
}

func (t journalingTemplates) Get(ctx context.Context, id, zoneID string) (cloudstack.Template, bool, error) {
	t.c.record("Templates.Get " + id + " " + zoneID)
	return t.fake.Get(ctx, id, zoneID)
}

func (t journalingTemplates) FindByName(ctx context.Context, name, zoneID string) (cloudstack.Template, bool, error) {
	t.c.record("Templates.FindByName " + name + " " + zoneID)
	return t.fake.FindByName(ctx, name, zoneID)
}

func (t journalingTemplates) ListInZones(ctx context.Context, id string) ([]cloudstack.Template, error) {
	t.c.record("Templates.ListInZones " + id)
	return t.fake.ListInZones(ctx, id)
}

func (t journalingTemplates) GetUploadParams(ctx context.Context, spec cloudstack.UploadSpec) (cloudstack.UploadParams, error) {
	t.c.record("Templates.GetUploadParams")
	return t.fake.GetUploadParams(ctx, spec)
}

func (t journalingTemplates) Register(ctx context.Context, spec cloudstack.RegisterSpec) (cloudstack.Template, error) {
	t.c.record("Templates.Register " + spec.URL)
	return t.fake.Register(ctx, spec)
}

func (t journalingTemplates) Copy(ctx context.Context, id, srcZoneID, dstZoneID string, timeout time.Duration) error {
	t.c.record("Templates.Copy " + id + " " + srcZoneID + " " + dstZoneID)
	return t.fake.Copy(ctx, id, srcZoneID, dstZoneID, timeout)
}

func (t journalingTemplates) Delete(ctx context.Context, id, zoneID string, forced bool, timeout time.Duration) error {
	t.c.record(strings.TrimSpace("Templates.Delete " + id + " " + zoneID))
	return t.fake.Delete(ctx, id, zoneID, forced, timeout)
}

type journalingZones struct {
	fake *cloudstackfakes.FakeZones
	c    *cloud
}

func (z journalingZones) Find(ctx context.Context, nameOrID string) (cloudstack.Zone, bool, error) {
	z.c.record("Zones.Find " + nameOrID)
	return z.fake.Find(ctx, nameOrID)
}

func (z journalingZones) List(ctx context.Context) ([]cloudstack.Zone, error) {
	z.c.record("Zones.List")
	return z.fake.List(ctx)
}

type journalingOSTypes struct {
	fake *cloudstackfakes.FakeOSTypes
	c    *cloud
}

func (o journalingOSTypes) FindByDescription(ctx context.Context, descriptionOrID string) (cloudstack.OSType, bool, error) {
	o.c.record("OSTypes.FindByDescription " + descriptionOrID)
	return o.fake.FindByDescription(ctx, descriptionOrID)
}

type journalingTags struct {
	fake *cloudstackfakes.FakeTags
	c    *cloud
}

func (t journalingTags) Upsert(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	t.c.record("Tags.Upsert " + resourceType + " " + resourceID)
	return t.fake.Upsert(ctx, resourceType, resourceID, tags)
}

func (t journalingTags) Create(ctx context.Context, resourceType, resourceID string, tags map[string]string) error {
	t.c.record("Tags.Create " + resourceType + " " + resourceID)
	return t.fake.Create(ctx, resourceType, resourceID, tags)
}

func (t journalingTags) Delete(ctx context.Context, resourceType, resourceID string, keys []string) error {
	t.c.record("Tags.Delete " + resourceType + " " + resourceID)
	return t.fake.Delete(ctx, resourceType, resourceID, keys)
}

func (t journalingTags) List(ctx context.Context, resourceType, resourceID string) (map[string]string, error) {
	t.c.record("Tags.List " + resourceType + " " + resourceID)
	return t.fake.List(ctx, resourceType, resourceID)
}
