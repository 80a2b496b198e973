package cloudstack

import (
	"context"
	"fmt"
	"regexp"
)

// pageSize is CloudStack's default and largest page (default.page.size).
const pageSize = 500

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsID tells a CloudStack uuid from a name. Unlike cloudstack-go's IsID it
// does not accept "-1", which is a wildcard, never a resource.
func IsID(s string) bool { return uuidPattern.MatchString(s) }

// listAllPages calls fetch for pages 1, 2, ... of pageSize rows until it has
// count rows or a page comes back empty. CloudStack's count is the total of
// all pages, not the length of the page.
func listAllPages[T any](ctx context.Context, command string, fetch func(page, pageSize int) (rows []T, count int, err error)) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("CloudStack API %s not called: %w", command, err)
		}
		rows, count, err := fetch(page, pageSize)
		if err != nil {
			return nil, wrapError(command, err)
		}
		all = append(all, rows...)
		if len(rows) == 0 || len(all) >= count {
			return all, nil
		}
	}
}

// pickOne applies the "exactly one" rule to the rows a lookup returned: keep
// the rows whose key (id or name) equals the wanted one exactly (CloudStack's
// own filters are sometimes substring or case-insensitive), then no match is
// (zero, false, nil), one distinct id is that row, several are an
// AmbiguousError.
func pickOne[T any](kind, key string, rows []T, idOf, nameOf func(T) string) (T, bool, error) {
	keyOf := nameOf
	if IsID(key) {
		keyOf = idOf
	}
	var (
		first T
		ids   []string
		seen  = map[string]bool{}
	)
	for _, row := range rows {
		if keyOf(row) != key || seen[idOf(row)] {
			continue
		}
		if len(ids) == 0 {
			first = row
		}
		seen[idOf(row)] = true
		ids = append(ids, idOf(row))
	}
	switch len(ids) {
	case 0:
		var zero T
		return zero, false, nil
	case 1:
		return first, true, nil
	default:
		var zero T
		return zero, false, &AmbiguousError{Kind: kind, Name: key, IDs: ids}
	}
}

// notFoundIsAbsent maps CloudStack's "no such id" error to an empty result,
// so that a lookup by an unknown uuid reads like a lookup that matched nothing.
func notFoundIsAbsent[T any](rows []T, err error) ([]T, error) {
	if IsNotFound(err) {
		return nil, nil
	}
	return rows, err
}
