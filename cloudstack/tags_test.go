package cloudstack_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

const vmID = "915653c4-298b-4d74-bdee-4ced282114f1"

func tagJSON(resourceID, key, value string) string {
	return fmt.Sprintf(`{"key":%q,"value":%q,"resourcetype":"UserVm","resourceid":%q,"account":"admin","domainid":"e4874e10","domain":"ROOT"}`,
		key, value, resourceID)
}

// sentTags reads tags[i].key/value pairs back out of a request.
func sentTags(p url.Values) map[string]string {
	out := map[string]string{}
	for i := 0; p.Has(fmt.Sprintf("tags[%d].key", i)); i++ {
		out[p.Get(fmt.Sprintf("tags[%d].key", i))] = p.Get(fmt.Sprintf("tags[%d].value", i))
	}
	return out
}

var _ = Describe("Tags", func() {
	var (
		env  *testEnv
		ctx  context.Context
		tags cloudstack.Tags
	)

	BeforeEach(func() {
		env = newTestEnv()
		ctx = context.Background()
		tags = env.client.Tags()
		env.api.ok("createTags", `{"jobid":"job-create"}`)
		env.api.ok("deleteTags", `{"jobid":"job-delete"}`)
		env.api.jobsSucceed()
	})

	It("lists the resource's tags", func() {
		env.api.ok("listTags", listBody("tag", 3, tagJSON(vmID, "director", "bosh-lite"), tagJSON(vmID, "name", "vm-1"),
			tagJSON("aaaaaaaa-298b-4d74-bdee-4ced282114f1", "other", "x")))
		got, err := tags.List(ctx, "UserVm", vmID)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(map[string]string{"director": "bosh-lite", "name": "vm-1"}))
		sent := env.api.calls("listTags")[0]
		Expect(sent.Get("resourcetype")).To(Equal("UserVm"))
		Expect(sent.Get("resourceid")).To(Equal(vmID))
	})

	It("deletes only changed keys and creates only new or changed ones", func() {
		env.api.ok("listTags", listBody("tag", 2, tagJSON(vmID, "same", "1"), tagJSON(vmID, "changed", "old")))
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{
			"same": "1", "changed": "new", "added": "2", "empty": "",
		})).To(Succeed())

		deleted := env.api.calls("deleteTags")
		Expect(deleted).To(HaveLen(1))
		Expect(sentTags(deleted[0])).To(Equal(map[string]string{"changed": "old"}))
		Expect(deleted[0].Get("resourceids")).To(Equal(vmID))
		Expect(deleted[0].Get("resourcetype")).To(Equal("UserVm"))

		created := env.api.calls("createTags")
		Expect(created).To(HaveLen(1))
		Expect(sentTags(created[0])).To(Equal(map[string]string{"changed": "new", "added": "2"}))
		Expect(env.api.calls("queryAsyncJobResult")).To(HaveLen(2))
	})

	It("replaces a key that differs only in case, which CloudStack would take for a duplicate", func() {
		env.api.ok("listTags", listBody("tag", 1, tagJSON(vmID, "Director", "bosh")))
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{"director": "bosh"})).To(Succeed())
		Expect(sentTags(env.api.calls("deleteTags")[0])).To(Equal(map[string]string{"Director": "bosh"}))
		Expect(sentTags(env.api.calls("createTags")[0])).To(Equal(map[string]string{"director": "bosh"}))
	})

	It("makes no change when the resource already carries the tags", func() {
		env.api.ok("listTags", listBody("tag", 1, tagJSON(vmID, "director", "bosh")))
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{"director": "bosh"})).To(Succeed())
		Expect(env.client.Calls()).To(Equal(map[string]int{"listTags": 1}))
	})

	It("makes no call at all for only empty values", func() {
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{"director": ""})).To(Succeed())
		Expect(env.client.TotalCalls()).To(BeZero())
	})

	It("cuts values to CloudStack's 255 characters", func() {
		env.api.ok("listTags", `{}`)
		long := strings.Repeat("é", 300)
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{"job": long})).To(Succeed())
		value := sentTags(env.api.calls("createTags")[0])["job"]
		Expect([]rune(value)).To(HaveLen(255))
		Expect(env.api.calls("deleteTags")).To(BeEmpty())
	})

	It("does not replace a tag whose cut value is already there", func() {
		long := strings.Repeat("x", 300)
		env.api.ok("listTags", listBody("tag", 1, tagJSON(vmID, "job", long[:255])))
		Expect(tags.Upsert(ctx, "UserVm", vmID, map[string]string{"job": long})).To(Succeed())
		Expect(env.client.Calls()).To(Equal(map[string]int{"listTags": 1}))
	})

	It("returns a failed create job with CloudStack's text", func() {
		env.api.ok("listTags", `{}`)
		env.api.on("queryAsyncJobResult", func(p url.Values) (int, string) {
			return 200, jobResult(p.Get("jobid"), 2, `{"errorcode":530,"errortext":"tag director already on UserVm with id `+vmID+`"}`)
		})
		err := tags.Upsert(ctx, "UserVm", vmID, map[string]string{"director": "bosh"})
		Expect(err).To(MatchError(ContainSubstring("tag director already on UserVm")))
	})

	It("creates the tags of a new resource without listing what it carries", func() {
		long := strings.Repeat("x", 300)
		Expect(tags.Create(ctx, "Volume", vmID, map[string]string{"director": "bosh", "job": long, "empty": ""})).To(Succeed())
		Expect(env.client.Calls()).To(Equal(map[string]int{"createTags": 1, "queryAsyncJobResult": 1}))
		created := env.api.calls("createTags")[0]
		Expect(sentTags(created)).To(Equal(map[string]string{"director": "bosh", "job": long[:255]}))
		Expect(created.Get("resourceids")).To(Equal(vmID))
		Expect(created.Get("resourcetype")).To(Equal("Volume"))
	})

	It("creates nothing for only empty values, and refuses an empty resource type or id", func() {
		Expect(tags.Create(ctx, "UserVm", vmID, map[string]string{"director": ""})).To(Succeed())
		Expect(tags.Create(ctx, "", vmID, map[string]string{"a": "b"})).To(MatchError(ContainSubstring("resource type")))
		Expect(tags.Create(ctx, "UserVm", "", map[string]string{"a": "b"})).To(MatchError(ContainSubstring("id")))
		Expect(env.client.TotalCalls()).To(BeZero())
	})

	It("deletes only the keys the resource carries", func() {
		env.api.ok("listTags", listBody("tag", 2, tagJSON(vmID, "a", "1"), tagJSON(vmID, "b", "2")))
		Expect(tags.Delete(ctx, "UserVm", vmID, []string{"a", "missing"})).To(Succeed())
		deleted := env.api.calls("deleteTags")
		Expect(deleted).To(HaveLen(1))
		Expect(sentTags(deleted[0])).To(Equal(map[string]string{"a": "1"}))
	})

	It("deletes a key whatever its case, as CloudStack matches keys", func() {
		env.api.ok("listTags", listBody("tag", 1, tagJSON(vmID, "Director", "bosh")))
		Expect(tags.Delete(ctx, "UserVm", vmID, []string{"director"})).To(Succeed())
		Expect(sentTags(env.api.calls("deleteTags")[0])).To(Equal(map[string]string{"Director": "bosh"}))
	})

	It("makes no delete call when none of the keys is there", func() {
		env.api.ok("listTags", `{}`)
		Expect(tags.Delete(ctx, "UserVm", vmID, []string{"missing"})).To(Succeed())
		Expect(env.client.Calls()).To(Equal(map[string]int{"listTags": 1}))
	})

	It("refuses an empty resource type or id", func() {
		_, err := tags.List(ctx, "", vmID)
		Expect(err).To(MatchError(ContainSubstring("resource type")))
		Expect(tags.Upsert(ctx, "UserVm", "", map[string]string{"a": "b"})).To(MatchError(ContainSubstring("id")))
		Expect(env.client.TotalCalls()).To(BeZero())
	})
})
