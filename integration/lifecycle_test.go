package integration_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// The whole life of a BOSH deployment's resources, method by method in the order the director and
// create-env call them, for each CPI API version (1: directors before v2; 2: create-env, which caps at
// 2; 3: current directors) and for stemcells whose agents read the registry (API v1) or user-data
// (API v2+). It runs on the simulator by default and on a real CloudStack when CPI_CLOUDSTACK_* say
// so (see target_test.go and lifecycle_vms_test.go), and ends with the target holding nothing it made.
var _ = Describe("the lifecycle BOSH drives", func() {
	DescribeTable("from create_stemcell to delete_stemcell",
		func(kind callerKind, cpiAPI, stemcellAPI int) {
			t := startTarget(simulator.Options{})
			registry := startBoshRegistry()
			configPath := t.config(func(cs map[string]any) {
				if t.Sim != nil {
					cs["default_offer"] = map[string]any{"custom_disk": "custom", "ephemeral_disk": "custom"}
				}
			})
			configPath = withRegistry(configPath, registry)
			directorUUID := fmt.Sprintf("lifecycle-%08x", rand.Uint32())
			l := &lifecycle{
				t: t, view: t.view(), registry: registry, stemcell: t.lifecycleStemcell(),
				caller: &boshCaller{kind: kind, job: installCPIJob(configPath), directorUUID: directorUUID,
					cpiAPI: cpiAPI, stemcellAPI: stemcellAPI, infoFirst: true},
			}
			l.ledger = t.startLedger(registry)
			Expect(l.caller.apiVersionUsed()).To(Equal(cpiAPI))

			l.info()
			l.createStemcell()
			l.createVMs()
			l.hasVMs()
			l.setVMMetadata()
			l.createDisk()
			l.attachDisk()
			l.inspectDisk()
			l.snapshotDisk()
			l.detachResizeReattach()
			l.rebootVM()
			l.deleteVMs()
			l.deleteDisk()
			l.deleteStemcell()
			l.finished = true

			l.ledger.expectNothingLeft(l.view)
		},
		func(kind callerKind, cpiAPI, stemcellAPI int) string { return describeAPIs(kind, cpiAPI, stemcellAPI) },
		Entry(nil, createEnv, 2, 3),
		Entry(nil, createEnv, 2, 1),
		Entry(nil, director, 3, 3),
		Entry(nil, director, 3, 1),
		Entry(nil, director, 2, 2),
		Entry(nil, director, 1, 1),
		Entry(nil, director, 1, 3),
	)
})

// withRegistry adds the registry to a cpi.json: the CPI uses it only for stemcells of API version 1.
func withRegistry(configPath string, registry *boshRegistry) string {
	cfg := readJSONFile(configPath)
	cfg["registry"] = registry.configFor()
	return writeJSONFile(GinkgoT().TempDir(), "cpi.json", cfg)
}

func readJSONFile(path string) map[string]any {
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var v map[string]any
	Expect(json.Unmarshal(data, &v)).To(Succeed())
	return v
}
