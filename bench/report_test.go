package bench_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

var reportMu sync.Mutex

// report appends one figure to $BENCH_OUT (default out/bench.txt at the repository root) and prints it,
// so the numbers quoted in issue notes come from a file any run regenerates.
func report(name string, value float64) {
	reportMu.Lock()
	defer reportMu.Unlock()
	line := fmt.Sprintf("%-48s %12.3f\n", name, value)
	fmt.Print(line)
	path := os.Getenv("BENCH_OUT")
	if path == "" {
		path = filepath.Join("..", "out", "bench.txt")
	}
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString(line)
}
