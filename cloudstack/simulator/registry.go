package simulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Family is one resource family (zones, tags, VMs, ...). Each family lives in its own
// files and registers itself from an init function:
//
//	func init() {
//		RegisterFamily(Family{
//			Name:          "affinitygroup",
//			Commands:      []Command{AsyncCreate("createAffinityGroup", createAffinityGroup), Sync("listAffinityGroups", listAffinityGroups)},
//			ResourceTypes: []ResourceType{{Name: "AffinityGroup", Exists: affinityGroupExists}},
//			LoadSeed:      seedAffinityGroups,
//		})
//	}
type Family struct {
	// Name is also the Java package segment in the job's "cmd" field.
	Name     string
	Commands []Command
	// ResourceTypes are the resourcetype names (createTags/listTags, and id validation
	// through Call.ResourceExists) whose rows this family owns.
	ResourceTypes []ResourceType
	// SeedOrder sorts LoadSeed calls: lower first (core families use 0-10, networks 20,
	// public IPs 30, templates 40, so references resolve).
	SeedOrder int
	// LoadSeed fills the family's tables from the seed on a fresh start (not on -state load).
	LoadSeed func(st *Store, seed *Seed) error
	// UserData returns the decoded user-data of every VM, by VM id (the VM family sets it).
	UserData func(st *Store) map[string]string
	// Routes mounts extra HTTP endpoints (e.g. /upload/ for template uploads); handlers
	// reach the store through srv.Do.
	Routes func(srv *Server, mux *http.ServeMux)
}

// ResourceType names a kind of row other families may refer to by id.
type ResourceType struct {
	// Name as CloudStack spells it (UserVm, Volume, Template, Zone...); matched case-insensitively.
	Name string
	// Exists reports whether a live (not removed) row has this id.
	Exists func(st *Store, id string) bool
}

// Command is one API command. Exactly one of Handle (sync) and Start (async) is set.
type Command struct {
	Name string
	// CreateType marks BaseAsyncCreateCmd commands, whose first response carries "id".
	CreateType bool
	// ResponseName overrides lower(Name)+"response" (e.g. postuploadtemplateresponse).
	ResponseName string
	// JavaClass overrides the "cmd" shown in job results.
	JavaClass string
	Handle    func(c *Call) (any, error)
	Start     func(c *Call) (*Job, error)

	family string
}

// Async reports whether the command answers with a job id.
func (c Command) Async() bool { return c.Start != nil }

// Sync declares a synchronous command; handle returns the response body (see response.go).
func Sync(name string, handle func(c *Call) (any, error)) Command {
	return Command{Name: name, Handle: handle}
}

// Async declares an async command: start validates and returns the job to run.
func Async(name string, start func(c *Call) (*Job, error)) Command {
	return Command{Name: name, Start: start}
}

// AsyncCreate declares a create-type async command: start creates the row (in a
// transitional state), sets Job.InstanceID to its id and returns the job.
func AsyncCreate(name string, start func(c *Call) (*Job, error)) Command {
	return Command{Name: name, Start: start, CreateType: true}
}

func (c Command) responseName() string {
	if c.ResponseName != "" {
		return c.ResponseName
	}
	return lowerCmd(c.Name) + "response"
}

func (c Command) javaClass() string {
	if c.JavaClass != "" {
		return c.JavaClass
	}
	return "org.apache.cloudstack.api.command.user." + c.family + "." + strings.ToUpper(c.Name[:1]) + c.Name[1:] + "Cmd"
}

var (
	families      []Family
	commands      = map[string]Command{}
	resourceTypes = map[string]ResourceType{}
)

// RegisterFamily adds a family's commands and resource types. It is meant for init
// functions and panics on a duplicate command, which is a programming error.
func RegisterFamily(f Family) {
	for _, c := range f.Commands {
		if c.Name == "" || (c.Handle == nil) == (c.Start == nil) {
			panic(fmt.Sprintf("simulator: command %q of family %q needs exactly one of Handle and Start", c.Name, f.Name))
		}
		if _, dup := commands[c.Name]; dup {
			panic(fmt.Sprintf("simulator: command %q registered twice", c.Name))
		}
		c.family = f.Name
		commands[c.Name] = c
	}
	for _, rt := range f.ResourceTypes {
		resourceTypes[strings.ToLower(rt.Name)] = rt
	}
	families = append(families, f)
}

// Commands lists the names of every registered command, sorted.
func Commands() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lookupCommand matches the command name exactly, as CloudStack's dispatcher does.
func lookupCommand(name string) (Command, bool) {
	c, ok := commands[name]
	return c, ok
}

func lookupResourceType(name string) (ResourceType, bool) {
	rt, ok := resourceTypes[strings.ToLower(name)]
	return rt, ok
}

func familiesInSeedOrder() []Family {
	fs := append([]Family(nil), families...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].SeedOrder < fs[j].SeedOrder })
	return fs
}

func lowerCmd(name string) string { return strings.ToLower(name) }
