package cpi_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cpi"
)

var _ = Describe("snapshot_disk, delete_snapshot, set_disk_metadata", func() {
	var (
		cloud      *fakeCloud
		configPath string
	)

	BeforeEach(func() {
		cloud = newFakeCloud()
		configPath = diskConfig(GinkgoT().TempDir(), nil)
		cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, Name: "bosh-disk-1", State: "Ready", VMID: diskVMID, DeviceID: 1}, true, nil)
		cloud.snapshots.CreateReturns(cloudstack.Snapshot{ID: diskSnapshotID, VolumeID: diskVolumeID, State: "BackedUp"}, nil)
	})

	snapshotMetadata := map[string]any{
		"deployment": "cf", "job": "database", "index": 0, "director_name": "bosh-1",
		"director_uuid": "dir-uuid", "agent_id": "agent-7", "instance_id": "inst-3", "empty": "", "nothing": nil,
	}

	Describe("snapshot_disk", func() {
		It("snapshots a persistent disk and tags the snapshot from the metadata, without listing the tags a new snapshot cannot have", func() {
			out := serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, snapshotMetadata))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal(diskSnapshotID))
			_, volumeID, timeout := cloud.snapshots.CreateArgsForCall(0)
			Expect(volumeID).To(Equal(diskVolumeID))
			Expect(timeout).To(Equal(1800 * time.Second))

			Expect(cloud.tags.UpsertCallCount()).To(BeZero(), "Upsert lists the tags first: a call for nothing")
			_, resourceType, id, tags := cloud.tags.CreateArgsForCall(0)
			Expect(resourceType).To(Equal("Snapshot"))
			Expect(id).To(Equal(diskSnapshotID))
			Expect(tags).To(Equal(map[string]string{
				"deployment": "cf", "job": "database", "index": "0", "director_name": "bosh-1", "director_uuid": "dir-uuid",
				"agent_id": "agent-7", "instance_id": "inst-3", "bosh_managed": "true",
			}))
		})

		It("snapshots an older CPI's persistent disk (cpi-disk-...), which that CPI refused", func() {
			cloud.volumes.FindByNameReturns(cloudstack.Volume{ID: diskVolumeID, Name: "cpi-disk-1234", State: "Ready"}, true, nil)
			out := serveWith(cloud, configPath, request("snapshot_disk", "cpi-disk-1234", map[string]any{}))
			expectNoError(out)
			Expect(out.Response.Result).To(Equal(diskSnapshotID))
			_, _, _, tags := cloud.tags.CreateArgsForCall(0)
			Expect(tags).To(Equal(map[string]string{"bosh_managed": "true", "director_uuid": "dir-uuid"}))
		})

		It("explains a disk that has never been on storage", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{ID: diskVolumeID, State: "Allocated"}, true, nil)
			out := serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, map[string]any{}))
			expectDiskError(out, cpi.TypeCloudError, "has never been attached to a running VM")
			Expect(cloud.snapshots.CreateCallCount()).To(BeZero())
		})

		It("answers DiskNotFound for a disk that is gone", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
			expectDiskError(serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, map[string]any{})), cpi.TypeDiskNotFound, diskVolumeID)
		})

		It("removes a snapshot whose job failed", func() {
			cloud.snapshots.CreateReturns(cloudstack.Snapshot{}, &cloudstack.CreateError{Kind: "snapshot", ID: diskSnapshotID,
				Err: &cloudstack.JobError{Operation: "createSnapshot", Code: 530, Text: "backup to secondary failed"}})
			out := serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, map[string]any{}))
			expectDiskError(out, cpi.TypeCloudError, "backup to secondary failed")
			Expect(cloud.snapshots.DeleteCallCount()).To(Equal(1))
			_, id, _ := cloud.snapshots.DeleteArgsForCall(0)
			Expect(id).To(Equal(diskSnapshotID))
		})

		It("removes the snapshot when it cannot be tagged", func() {
			cloud.tags.CreateReturns(errors.New("createTags failed"))
			out := serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, map[string]any{}))
			expectDiskError(out, cpi.TypeCloudError, "tagging snapshot "+diskSnapshotID)
			Expect(cloud.snapshots.DeleteCallCount()).To(Equal(1))
		})

		It("refuses metadata that is not an object", func() {
			expectDiskError(serveWith(cloud, configPath, request("snapshot_disk", diskVolumeID, "cf")), cpi.TypeCpiError,
				"snapshot_disk: argument 2 (metadata) must be an object, got string")
		})
	})

	Describe("delete_snapshot", func() {
		It("deletes the snapshot, waiting for the job", func() {
			expectNoError(serveWith(cloud, configPath, request("delete_snapshot", diskSnapshotID)))
			_, id, timeout := cloud.snapshots.DeleteArgsForCall(0)
			Expect(id).To(Equal(diskSnapshotID))
			Expect(timeout).To(Equal(1800 * time.Second))
		})

		It("succeeds, asking CloudStack nothing, for a CID that cannot name a snapshot", func() {
			out := serveWith(cloud, configPath, request("delete_snapshot", "snap-1"))
			expectNoError(out)
			Expect(cloud.snapshots.DeleteCallCount()).To(BeZero())
			Expect(out.Stderr).To(ContainSubstring("not a CloudStack UUID"))
		})

		It("reports a failure", func() {
			cloud.snapshots.DeleteReturns(&cloudstack.JobError{Operation: "deleteSnapshot", Code: 530, Text: "snapshot in use"})
			expectDiskError(serveWith(cloud, configPath, request("delete_snapshot", diskSnapshotID)), cpi.TypeCloudError, "snapshot in use")
		})
	})

	Describe("set_disk_metadata", func() {
		It("upserts the metadata as tags, numbers and booleans as text", func() {
			expectNoError(serveWith(cloud, configPath, request("set_disk_metadata", diskVolumeID,
				map[string]any{"director": "bosh-1", "deployment": "cf", "instance_index": 2, "attached": true})))
			_, resourceType, id, tags := cloud.tags.UpsertArgsForCall(0)
			Expect(resourceType).To(Equal("Volume"))
			Expect(id).To(Equal(diskVolumeID))
			Expect(tags).To(Equal(map[string]string{"director": "bosh-1", "deployment": "cf", "instance_index": "2", "attached": "true"}))
		})

		It("calls nothing for empty metadata", func() {
			expectNoError(serveWith(cloud, configPath, request("set_disk_metadata", diskVolumeID, map[string]any{})))
			Expect(cloud.tags.UpsertCallCount()).To(BeZero())
		})

		It("answers DiskNotFound for a disk that is gone", func() {
			cloud.volumes.GetReturns(cloudstack.Volume{}, false, nil)
			expectDiskError(serveWith(cloud, configPath, request("set_disk_metadata", diskVolumeID, map[string]any{"a": "b"})),
				cpi.TypeDiskNotFound, diskVolumeID)
		})

		It("reports CloudStack refusing the tags", func() {
			cloud.tags.UpsertReturns(errors.New("tag limit reached"))
			expectDiskError(serveWith(cloud, configPath, request("set_disk_metadata", diskVolumeID, map[string]any{"a": "b"})),
				cpi.TypeCloudError, "set_disk_metadata: tagging disk '"+diskVolumeID+"': tag limit reached")
		})
	})
})
