package soak_test

import (
	"testing"

	"github.com/camvault/camvault/soak"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkAuthorize-2   	   10000	    104523 ns/op	    9876 B/op	     120 allocs/op
BenchmarkPageCost/camera/clips=1000-2         	      50	   2710139 ns/op	         2.000 RCU/page	         1.000 queries/page
BenchmarkAuthorizerColdStart-2 1 197152989 ns/op 13.63 ms-max 8.205 ms-median 20.00 starts
PASS`
	rs := soak.ParseBench(out)
	if len(rs) != 3 {
		t.Fatalf("%d results: %v", len(rs), rs)
	}
	r, ok := soak.Find(rs, "BenchmarkPageCost/camera/clips=1000")
	if !ok || r.N != 50 || r.Metrics["ns/op"] != 2710139 || r.Metrics["RCU/page"] != 2 {
		t.Fatalf("page result = %+v", r)
	}
	if r, _ := soak.Find(rs, "BenchmarkAuthorizerColdStart"); r.Metrics["ms-median"] != 8.205 {
		t.Fatalf("cold start = %+v", r)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for u, ok := range map[string]bool{
		"http://127.0.0.1:4000/dev": true, "http://[::1]:4000/dev": true,
		"https://abc.execute-api.us-east-1.amazonaws.com/dev": false, "http://10.0.0.1/dev": false, "http://localhost.example.com/": false,
	} {
		if err := soak.Loopback(u); (err == nil) != ok {
			t.Errorf("Loopback(%s) = %v", u, err)
		}
	}
}
