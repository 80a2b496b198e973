package simulator_test

import (
	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack/simulator"
)

// A family that exists only in the test binary. It exercises the extension points phase-2
// families use (a table, a resource type for tags, a VM-serialised async job, the capacity
// helper, the user-data hook) and shows they work from outside the package. Its commands
// start with "simTest" and are excluded from the conformance lists.
type testThing struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	UserData string `json:"userdata"`
	Removed  string `json:"removed,omitempty"`
}

func (t *testThing) IsRemoved() bool { return t.Removed != "" }

func thingTable(st *simulator.Store) *simulator.Table[testThing] {
	return simulator.TableOf[testThing](st, "testthings")
}

func init() {
	simulator.RegisterFamily(simulator.Family{
		Name: "simtest",
		Commands: []simulator.Command{
			simulator.AsyncCreate("simTestCreateThing", func(c *simulator.Call) (*simulator.Job, error) {
				name := c.Required("name")
				if err := c.Err(); err != nil {
					return nil, err
				}
				t := &testThing{ID: simulator.NewUUID(), Name: name, UserData: c.String("userdata")}
				thingTable(c.Store).Put(t.ID, t)
				return &simulator.Job{InstanceType: "VirtualMachine", InstanceID: t.ID, VMID: t.ID,
					Complete: func(c *simulator.Call) (any, error) {
						if !c.TakeCapacity("vm") {
							return nil, simulator.ErrInsufficientCapacity("Unable to create a deployment for VM %s", t.ID)
						}
						return simulator.Object("thing", t), nil
					}}, nil
			}),
			simulator.Async("simTestTouchThing", func(c *simulator.Call) (*simulator.Job, error) {
				id := c.RequiredID("id", func(id string) bool { _, ok := thingTable(c.Store).Get(id); return ok })
				if err := c.Err(); err != nil {
					return nil, err
				}
				return &simulator.Job{InstanceType: "VirtualMachine", InstanceID: id, VMID: id,
					Complete: func(c *simulator.Call) (any, error) { return simulator.Success(), nil }}, nil
			}),
			simulator.Sync("simTestRemoveThing", func(c *simulator.Call) (any, error) {
				id := c.RequiredID("id", func(id string) bool { _, ok := thingTable(c.Store).Get(id); return ok })
				if err := c.Err(); err != nil {
					return nil, err
				}
				t, _ := thingTable(c.Store).Get(id)
				t.Removed = simulator.FormatTime(c.Now)
				return simulator.Success(), nil
			}),
			simulator.Sync("simTestListThings", func(c *simulator.Call) (any, error) {
				return simulator.List(c, thingTable(c.Store).All(), simulator.ListSpec[testThing]{
					ItemKey: "thing",
					ID:      func(t *testThing) string { return t.ID },
					Name:    func(t *testThing) string { return t.Name },
					TagType: "SimTestThing",
					Removed: func(t *testThing) bool { return t.IsRemoved() },
					Render:  func(t *testThing) any { return map[string]any{"id": t.ID, "name": t.Name} },
				})
			}),
		},
		ResourceTypes: []simulator.ResourceType{{Name: "SimTestThing", Exists: func(st *simulator.Store, id string) bool {
			t, ok := thingTable(st).Get(id)
			return ok && !t.IsRemoved()
		}}},
		UserData: func(st *simulator.Store) map[string]string {
			out := map[string]string{}
			for _, t := range thingTable(st).All() {
				if t.UserData != "" {
					out[t.ID] = t.UserData
				}
			}
			return out
		},
	})
}
