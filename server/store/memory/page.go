package memory

import "sort"

// ascending returns up to size items of all (sorted by pos) whose pos is after the cursor, and the position
// to resume from, 0 when nothing follows.
func ascending[T any](all []T, after int64, size int, pos func(T) int64) ([]T, int64) {
	rest := all[sort.Search(len(all), func(i int) bool { return pos(all[i]) > after }):]
	if len(rest) <= size {
		return rest, 0
	}
	return rest[:size], pos(rest[size-1])
}
