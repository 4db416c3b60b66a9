package soak

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

// BenchResult is one line of `go test -bench` output.
type BenchResult struct {
	// Name is the benchmark's name without the -GOMAXPROCS suffix.
	Name string
	N    int
	// Metrics maps a unit (ns/op, B/op, RCU/page, ...) to its value.
	Metrics map[string]float64
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.+)$`)

// ParseBench reads the result lines of `go test -bench` output.
func ParseBench(out string) []BenchResult {
	var res []BenchResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		r := BenchResult{Name: m[1], N: n, Metrics: map[string]float64{}}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.Metrics[f[i+1]] = v
			}
		}
		res = append(res, r)
	}
	return res
}

// Find returns the result named name, if any.
func Find(rs []BenchResult, name string) (BenchResult, bool) {
	for _, r := range rs {
		if r.Name == name {
			return r, true
		}
	}
	return BenchResult{}, false
}
