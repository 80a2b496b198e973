package simulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Store holds every family's rows. It is guarded by the Server's mutex: handlers, job
// completions and admin reads all run with that lock held, so a family never locks.
//
// A family keeps its rows in named tables obtained with TableOf; the store needs no field
// per family, so families added in parallel never touch this file.
type Store struct {
	tables map[string]table
	// raw holds tables read from a state file until their family first asks for them
	// (the element type is only known then).
	raw map[string]json.RawMessage
	// Account is the single account every resource belongs to.
	Account Owner
	now     func() time.Time
}

// Now is the server clock's time, for rows created outside a Call (seeding).
func (st *Store) Now() time.Time { return st.now() }

// Owner is the account/domain block CloudStack puts on owned objects.
type Owner struct {
	Account   string `json:"account"`
	AccountID string `json:"accountid"`
	UserID    string `json:"userid"`
	Domain    string `json:"domain"`
	DomainID  string `json:"domainid"`
}

type table interface {
	marshal() (json.RawMessage, error)
	liveRows() []any
}

// Removable rows are left out of the inventory (and of listings, by ListSpec) once removed;
// CloudStack keeps removed rows so that their UUIDs still resolve.
type Removable interface {
	IsRemoved() bool
}

func newStore(now func() time.Time) *Store {
	return &Store{now: now,
		tables: map[string]table{},
		raw:    map[string]json.RawMessage{},
		Account: Owner{Account: "admin", AccountID: newUUID(), UserID: newUUID(),
			Domain: "ROOT", DomainID: newUUID()},
	}
}

// Table is an insertion-ordered set of rows keyed by id. Listing order is insertion order,
// which is what CloudStack's ORDER BY id gives.
type Table[T any] struct {
	order []string
	rows  map[string]*T
}

type tableEntry[T any] struct {
	ID  string `json:"id"`
	Row *T     `json:"row"`
}

// TableOf returns the store's table called name, creating it (or decoding it from a loaded
// state file) on first use. Each family wraps it in a small accessor:
//
//	func zoneTable(st *Store) *Table[Zone] { return TableOf[Zone](st, "zones") }
func TableOf[T any](st *Store, name string) *Table[T] {
	if t, ok := st.tables[name]; ok {
		typed, ok := t.(*Table[T])
		if !ok {
			panic(fmt.Sprintf("simulator: table %q used with two row types", name))
		}
		return typed
	}
	t := &Table[T]{rows: map[string]*T{}}
	if raw, ok := st.raw[name]; ok {
		var entries []tableEntry[T]
		if err := json.Unmarshal(raw, &entries); err != nil {
			panic(fmt.Sprintf("simulator: state of table %q: %v", name, err))
		}
		for _, e := range entries {
			t.Put(e.ID, e.Row)
		}
		delete(st.raw, name)
	}
	st.tables[name] = t
	return t
}

// Get returns the row with this id, removed or not.
func (t *Table[T]) Get(id string) (*T, bool) {
	r, ok := t.rows[id]
	return r, ok
}

// Put inserts or replaces a row; a new id goes to the end of the order.
func (t *Table[T]) Put(id string, row *T) {
	if _, exists := t.rows[id]; !exists {
		t.order = append(t.order, id)
	}
	t.rows[id] = row
}

// Delete removes a row for good (for entities CloudStack hard-deletes, like affinity groups).
func (t *Table[T]) Delete(id string) {
	if _, ok := t.rows[id]; !ok {
		return
	}
	delete(t.rows, id)
	for i, o := range t.order {
		if o == id {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
}

// All returns every row in insertion order, removed ones included.
func (t *Table[T]) All() []*T {
	out := make([]*T, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, t.rows[id])
	}
	return out
}

// Find returns the first row (in order) for which match is true.
func (t *Table[T]) Find(match func(*T) bool) (*T, bool) {
	for _, id := range t.order {
		if r := t.rows[id]; match(r) {
			return r, true
		}
	}
	return nil, false
}

// Len counts all rows.
func (t *Table[T]) Len() int { return len(t.order) }

func (t *Table[T]) marshal() (json.RawMessage, error) {
	entries := make([]tableEntry[T], 0, len(t.order))
	for _, id := range t.order {
		entries = append(entries, tableEntry[T]{ID: id, Row: t.rows[id]})
	}
	return json.Marshal(entries)
}

func (t *Table[T]) liveRows() []any {
	var out []any
	for _, id := range t.order {
		r := t.rows[id]
		if rm, ok := any(r).(Removable); ok && rm.IsRemoved() {
			continue
		}
		out = append(out, r)
	}
	return out
}

type storeState struct {
	Account Owner                      `json:"account"`
	Tables  map[string]json.RawMessage `json:"tables"`
	Jobs    []*jobState                `json:"jobs"`
}

func (st *Store) snapshot() (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for name, raw := range st.raw {
		out[name] = raw
	}
	for name, t := range st.tables {
		b, err := t.marshal()
		if err != nil {
			return nil, fmt.Errorf("encoding table %s: %w", name, err)
		}
		out[name] = b
	}
	return out, nil
}

// inventory returns the live rows of every table, by table name, as JSON.
func (st *Store) inventory() (map[string][]json.RawMessage, error) {
	// Tables still held raw are decoded into generic values so they show up too.
	out := map[string][]json.RawMessage{}
	names := make([]string, 0, len(st.tables))
	for name := range st.tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		rows := []json.RawMessage{}
		for _, r := range st.tables[name].liveRows() {
			b, err := json.Marshal(r)
			if err != nil {
				return nil, fmt.Errorf("encoding %s row: %w", name, err)
			}
			rows = append(rows, b)
		}
		out[name] = rows
	}
	for name, raw := range st.raw {
		var entries []struct {
			Row json.RawMessage `json:"row"`
		}
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", name, err)
		}
		rows := []json.RawMessage{}
		for _, e := range entries {
			var probe struct {
				Removed string `json:"removed"`
			}
			_ = json.Unmarshal(e.Row, &probe)
			if probe.Removed == "" {
				rows = append(rows, e.Row)
			}
		}
		out[name] = rows
	}
	return out, nil
}
