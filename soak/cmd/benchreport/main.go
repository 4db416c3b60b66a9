// Command benchreport runs camvault's benchmarks and writes BENCHMARKS.md
// (with the machine, date, commit and the exact commands), the page-cost
// plot docs/bench/page-cost.png and the raw outputs in docs/bench/ (make
// bench). Run it from the repository root after `make build tools
// web-build`.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/camvault/camvault/soak"
)

func main() {
	sizes := flag.String("sizes", "1000,10000,100000", "table sizes of the page-cost benchmark")
	out := flag.String("out", "BENCHMARKS.md", "the report")
	dir := flag.String("dir", "docs/bench", "plots and raw outputs")
	skipWeb := flag.Bool("skip-web", false, "skip the Chromium measurement")
	flag.Parse()
	if err := run(*sizes, *out, *dir, *skipWeb); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// command is one measurement: where and what it runs, shown in the report.
type command struct {
	dir  string
	env  []string
	args []string
}

func (c command) String() string {
	s := strings.Join(c.args, " ")
	if len(c.env) > 0 {
		s = strings.Join(c.env, " ") + " " + s
	}
	if c.dir != "." {
		s = "(cd " + c.dir + " && " + s + ")"
	}
	return s
}

func (c command) run(raw *bytes.Buffer) (string, error) {
	fmt.Fprintf(os.Stderr, "benchreport: %s\n", c)
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), c.env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	fmt.Fprintf(raw, "$ %s\n%s\n", c, buf.String())
	if err != nil {
		return buf.String(), fmt.Errorf("%s: %w\n%s", c, err, buf.String())
	}
	return buf.String(), nil
}

func run(sizes, outFile, dir string, skipWeb bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var raw bytes.Buffer
	var md strings.Builder
	started := time.Now().UTC()

	authz := command{dir: "authorizer", args: []string{"go", "test", "-run", "^$", "-bench", "^Benchmark(Authorize|AuthorizeRepeat|Handle|RSAVerify|IDToken)$", "-benchmem", "-benchtime", "2s", "."}}
	cold := command{dir: "soak", args: []string{"go", "test", "-run", "^$", "-bench", "^Benchmark(AuthorizerColdStart|ColdStarts)$", "-benchtime", "1x", "."}}
	page := command{dir: "soak", env: []string{"CAMVAULT_BENCH_SIZES=" + sizes}, args: []string{"go", "test", "-run", "^$", "-bench", "^BenchmarkPageCost$", "-benchtime", "200x", "-timeout", "20m", "."}}
	gw := command{dir: "soak", args: []string{"go", "test", "-run", "^$", "-bench", "^BenchmarkGatewayOverhead$", "-benchtime", "1000x", "."}}
	alerts := command{dir: "local", args: []string{"go", "test", "-run", "^$", "-bench", "^BenchmarkIngestToPush$", "-benchtime", "20x", "./stack/"}}
	density := command{dir: "videos-api", args: []string{"go", "test", "-run", "^$", "-bench", "^BenchmarkPageDensity$", "-benchtime", "200x", "-timeout", "20m", "./store"}}

	var results []soak.BenchResult
	for _, c := range []command{authz, cold, page, density, gw, alerts} {
		t0 := time.Now()
		o, err := c.run(&raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(&raw, "(took %s)\n\n", time.Since(t0).Round(time.Second))
		results = append(results, soak.ParseBench(o)...)
	}
	get := func(name, unit string) float64 {
		r, ok := soak.Find(results, name)
		if !ok {
			return 0
		}
		return r.Metrics[unit]
	}

	// Header.
	commit := strings.TrimSpace(output("git", "rev-parse", "--short", "HEAD"))
	// The run's own outputs (this report, docs/bench) do not count.
	if strings.TrimSpace(output("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md", ":!"+dir)) != "" {
		commit += " (with uncommitted changes in the checkout)"
	}
	fmt.Fprintf(&md, "# camvault benchmarks\n\n")
	fmt.Fprintf(&md, "Numbers from one run of `make bench` (and the latest `make soak`), written by `soak/cmd/benchreport`. "+
		"Re-run to refresh; every command is listed so each number can be reproduced alone.\n\n")
	fmt.Fprintf(&md, "| | |\n| --- | --- |\n| date | %s |\n| commit | %s |\n| machine | %d CPU cores (%s), %s, shared with other work (load average at start: %s) |\n| Go | %s |\n| DynamoDB | dynalite (Node.js %s) on loopback |\n\n",
		started.Format("2006-01-02 15:04 UTC"), commit, runtime.NumCPU(), cpuModel(), memTotal(), loadAvg(), runtime.Version(), strings.TrimSpace(output("node", "--version")))

	fmt.Fprintf(&md, "Reproduce: `make bench` (builds the Lambdas, the host tools and the web client, then runs `soak/cmd/benchreport`; `BENCH_SIZES=1000,10000` for a quicker page-cost run) and `make soak` (the load against a fresh `build/bin/camvault-local` and the fault tests; `SOAK_REQUESTS`, `SOAK_CLIENTS`, `SOAK_DEADLINE`). Each section names the command behind its numbers.\n\n")

	// Authorizer.
	a, h, rsa, idt := get("BenchmarkAuthorize", "ns/op"), get("BenchmarkHandle", "ns/op"), get("BenchmarkRSAVerify", "ns/op"), get("BenchmarkIDToken", "ns/op")
	rep := get("BenchmarkAuthorizeRepeat", "ns/op")
	fmt.Fprintf(&md, "## Authorizer\n\n`%s`\n\n", authz)
	fmt.Fprintf(&md, "| benchmark | what | µs/op | B/op | allocs/op |\n| --- | --- | ---: | ---: | ---: |\n")
	for _, r := range []struct{ name, what string }{
		{"BenchmarkRSAVerify", "the floor: SHA-256 + RSA PKCS#1 v1.5 verify of the same token"},
		{"BenchmarkAuthorize", "warm container, fresh token: verify + claims + access rules + policy"},
		{"BenchmarkAuthorizeRepeat", "warm container, a token it verified before: verified-token cache + access rules + policy"},
		{"BenchmarkHandle", "the whole TOKEN event of a fresh token, with its JSON log line"},
		{"BenchmarkIDToken", "`google.golang.org/api/idtoken` validating the same token (certs cached)"},
	} {
		fmt.Fprintf(&md, "| %s | %s | %.1f | %.0f | %.0f |\n", strings.TrimPrefix(r.name, "Benchmark"), r.what, get(r.name, "ns/op")/1000, get(r.name, "B/op"), get(r.name, "allocs/op"))
	}
	fmt.Fprintf(&md, "\nRatios from this run: fresh-token decision / raw RSA verify = **%.2f×**; repeat-token decision / raw RSA verify = **%.3f×**; whole event / raw RSA verify = **%.2f×**; idtoken / fresh-token decision = **%.2f×**.\n\n", ratio(a, rsa), ratio(rep, rsa), ratio(h, rsa), ratio(idt, a))
	fmt.Fprintf(&md, "Cold start of the real bootstrap (host build, `-tags lambda.norpc`, process start to the first Allow under a local Lambda Runtime API, key set on loopback), 20 starts: median **%.1f ms**, worst %.1f ms. Its cold path makes one network call in AWS: the GET of Google's key set at init (then, per decision, a grants-table GetItem unless cached for 60 s). `%s`\n\n",
		get("BenchmarkAuthorizerColdStart", "ms-median"), get("BenchmarkAuthorizerColdStart", "ms-max"), cold)

	// Cold starts of the videos functions.
	fmt.Fprintf(&md, "Cold starts of every videos Lambda, measured the same way (host build of the real `cmd/<function>`, a local Runtime API, dynalite and S3 on loopback behind counting proxies, process start to the first answer of a typical first request, 20 starts each), with the calls made on the way. None calls Secrets Manager (the cursor key is in the environment); none makes a call at init. `%s`\n\n", cold)
	fmt.Fprintf(&md, "| function | median ms | worst ms | DynamoDB calls | S3 calls | Secrets Manager calls |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		fn, ok := strings.CutPrefix(r.Name, "BenchmarkColdStarts/")
		if !ok {
			continue
		}
		fmt.Fprintf(&md, "| %s | %.1f | %.1f | %.0f | %.0f | %.0f |\n", fn, r.Metrics["ms-median"], r.Metrics["ms-max"], r.Metrics["dynamodb-calls"], r.Metrics["s3-calls"], r.Metrics["secrets-calls"])
	}
	md.WriteString("\n")

	// Binary sizes.
	fmt.Fprintf(&md, "## Lambda binaries\n\n`make build` (linux/arm64, `-trimpath -ldflags \"-s -w\"`, `-tags lambda.norpc`), then the size of each `build/<function>/bootstrap`:\n\n| function | size |\n| --- | ---: |\n")
	bins, _ := filepath.Glob("build/*/bootstrap")
	sort.Strings(bins)
	for _, b := range bins {
		if fi, err := os.Stat(b); err == nil {
			fmt.Fprintf(&md, "| %s | %.1f MiB |\n", filepath.Base(filepath.Dir(b)), float64(fi.Size())/(1<<20))
		}
	}

	// Page cost.
	fmt.Fprintf(&md, "\n## API page cost vs table size\n\n`%s`\n\n", page)
	fmt.Fprintf(&md, "A mid-list page of 50 clips (page two, from a cursor), on dynalite, `ReturnConsumedCapacity: TOTAL` summed per page. The table is seeded with `BatchWriteItem` from 8 goroutines; clips spread over 4 cameras and 30 days; the restricted person sees 3 of them, through their audience index.\n\n")
	fmt.Fprintf(&md, "| listing | clips | ms/page | RCU/page | DynamoDB calls/page |\n| --- | ---: | ---: | ---: | ---: |\n")
	var points []pagePoint
	sizeList := strings.Split(sizes, ",")
	for _, l := range []string{"camera", "timeline", "restricted"} {
		for _, n := range sizeList {
			name := fmt.Sprintf("BenchmarkPageCost/%s/clips=%s", l, n)
			r, ok := soak.Find(results, name)
			if !ok {
				continue
			}
			points = append(points, pagePoint{listing: l, clips: atof(n), ms: r.Metrics["ns/op"] / 1e6, rcu: r.Metrics["RCU/page"]})
			fmt.Fprintf(&md, "| %s | %s | %.2f | %.1f | %.0f |\n", l, n, r.Metrics["ns/op"]/1e6, r.Metrics["RCU/page"], r.Metrics["queries/page"])
		}
	}
	fmt.Fprintf(&md, "\nSeeding time (8 writers): ")
	for i, n := range sizeList {
		if i > 0 {
			md.WriteString(", ")
		}
		fmt.Fprintf(&md, "%s clips %.1f s", n, get(fmt.Sprintf("BenchmarkPageCost/camera/clips=%s", n), "seed-s"))
	}
	plotFile := filepath.Join(dir, "page-cost.png")
	if err := plotPageCost(points, plotFile); err != nil {
		return err
	}
	fmt.Fprintf(&md, ".\n\n![page cost vs table size](%s)\n\n", filepath.ToSlash(plotFile))

	// Page cost vs density.
	fmt.Fprintf(&md, "## API page cost vs clip density\n\n`%s`\n\n", density)
	fmt.Fprintf(&md, "A 50-clip page (page two from a cursor where there is one; else the only page) at four densities, clips over 4 cameras; `restricted` sees 3 of them (their audience index: a Query of keys and a BatchGetItem of records, 0.5 RCU each), `restricted-2` sees 2 (one Query per camera, merged). At 10,000 a day only the newest day is seeded (a page never reaches further). Requests are DynamoDB calls; `make test` asserts them (`TestPageCostIsFlatAcrossDensities`).\n\n")
	fmt.Fprintf(&md, "| listing | density | requests/page | RCU/page | ms/page |\n| --- | --- | ---: | ---: | ---: |\n")
	for _, l := range []string{"timeline", "camera", "restricted", "restricted-2"} {
		for _, d := range []struct{ name, label string }{{"1per10days", "1 per 10 days"}, {"1perday", "1 per day"}, {"100perday", "100 per day"}, {"10000perday", "10,000 per day"}} {
			r, ok := soak.Find(results, fmt.Sprintf("BenchmarkPageDensity/%s/%s", l, d.name))
			if !ok {
				continue
			}
			fmt.Fprintf(&md, "| %s | %s | %.0f | %.1f | %.2f |\n", l, d.label, r.Metrics["requests/page"], r.Metrics["RCU/page"], r.Metrics["ns/op"]/1e6)
		}
	}
	md.WriteString("\n")

	// Gateway overhead.
	fmt.Fprintf(&md, "## Local gateway overhead\n\n`%s`\n\n", gw)
	fmt.Fprintf(&md, "The real handler called directly (an API Gateway proxy event built in memory) vs the same request through the local API Gateway emulator over loopback HTTP (routing, cached authorizer policy, the proxy event through JSON, the response). `GET /me` touches no storage, so the gateway's own cost shows plainly; `GET /cameras/porch/videos?limit=20` makes one Query on dynalite, as a real request does. With 16 clients the number is wall time per request (2 cores).\n\n")
	fmt.Fprintf(&md, "| route | clients | direct µs/req | via gateway µs/req | added µs/req | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range []struct{ name, label string }{{"me", "GET /me"}, {"camera-videos", "GET /cameras/{id}/videos"}} {
		for _, c := range []string{"1", "16"} {
			d, g := get("BenchmarkGatewayOverhead/"+r.name+"/direct/clients="+c, "ns/op"), get("BenchmarkGatewayOverhead/"+r.name+"/gateway/clients="+c, "ns/op")
			fmt.Fprintf(&md, "| %s | %s | %.1f | %.1f | %.0f | **%.2f×** |\n", r.label, c, d/1000, g/1000, (g-d)/1000, ratio(g, d))
		}
	}

	// Alerts.
	fmt.Fprintf(&md, "\n## Alerts: ingest to push sent\n\n`%s`\n\n", alerts)
	fmt.Fprintf(&md, "From a camera's PUT of a clip to each subscribed browser's alert arriving at the local push service stand-in, with 100 subscribers (100 people, fold window 0, so every clip alerts all of them): the S3 event, ingest, the handoff to the sender, its subscription Query, the access rules, the fold write, RFC 8291 encryption, the VAPID signature and the POST. `BenchmarkIngestToPush` (local/stack/alerts_bench_test.go) fails if any subscriber misses any alert. The sender works on 16 people at a time; each person costs a grants lookup, a settings read and a conditional fold write before the push, which is most of the spread between p50 and p99.\n\n")
	fmt.Fprintf(&md, "| subscribers | pushes | p50 ms | p99 ms |\n| ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(&md, "| 100 | %.0f | %.0f | %.0f |\n", get("BenchmarkIngestToPush", "pushes"), get("BenchmarkIngestToPush", "ms-p50"), get("BenchmarkIngestToPush", "ms-p99"))

	// Web.
	fmt.Fprintf(&md, "\n## Web client\n\n")
	js, err := jsSizes("web/dist")
	if err != nil {
		fmt.Fprintf(&md, "No `web/dist` (%v): run `make web-build`.\n", err)
	} else {
		fmt.Fprintf(&md, "JavaScript in `web/dist` after `make web-build`:\n\n| file | raw | gzip -9 |\n| --- | ---: | ---: |\n")
		var rawT, gzT int
		for _, f := range js {
			rawT, gzT = rawT+f.raw, gzT+f.gz
			fmt.Fprintf(&md, "| %s | %.1f kB | %.1f kB |\n", f.name, float64(f.raw)/1024, float64(f.gz)/1024)
		}
		fmt.Fprintf(&md, "| **total** | %.1f kB | **%.1f kB** |\n\n", float64(rawT)/1024, float64(gzT)/1024)
	}
	if !skipWeb {
		res, cmdline, err := paint(&raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(&md, "Navigation to the first clip cards painted (a viewer already signed in; the timeline's first page of %d cards), headless Chromium, fresh browser context (empty cache) each run, on a fresh local stack: median **%d ms** of %d runs (%v ms). `%s`\n\n",
			res.Clips, res.MedianMs, len(res.Runs), res.Runs, cmdline)
	}

	// Reliability.
	fmt.Fprintf(&md, "## Reliability (`make soak`)\n\n")
	if b, err := os.ReadFile(filepath.Join(dir, "soak.txt")); err == nil {
		fmt.Fprintf(&md, "The latest `make soak` output (`%s`):\n\n```\n%s```\n", filepath.Join(dir, "soak.txt"), b)
	} else {
		fmt.Fprintf(&md, "Run `make soak` (it writes `%s`), then `make bench` to include it here.\n", filepath.Join(dir, "soak.txt"))
	}
	fuzzSection(&md)
	fmt.Fprintf(&md, "\nRaw output of every command of this run: [`%s`](%s).\n", filepath.Join(dir, "bench-output.txt"), filepath.ToSlash(filepath.Join(dir, "bench-output.txt")))

	if err := os.WriteFile(filepath.Join(dir, "bench-output.txt"), raw.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(outFile, []byte(md.String()), 0o644)
}

type paintResult struct {
	Runs     []int `json:"runs"`
	MedianMs int   `json:"medianMs"`
	Clips    int   `json:"clips"`
}

// paint starts a fresh local stack serving web/dist and runs
// soak/web/paint.mjs against it.
func paint(raw *bytes.Buffer) (paintResult, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "camvault-bench-web-")
	if err != nil {
		return paintResult{}, "", err
	}
	defer os.RemoveAll(tmp)
	logFile, err := os.Create(filepath.Join(tmp, "stack.log"))
	if err != nil {
		return paintResult{}, "", err
	}
	defer logFile.Close()
	p, err := soak.StartBinary(ctx, "build/bin/camvault-local", filepath.Join(tmp, "data"), logFile, time.Minute, "--web-dir", "web/dist")
	if err != nil {
		return paintResult{}, "", err
	}
	defer p.Stop()
	c := command{dir: ".", env: []string{"LOCAL_JSON=" + filepath.Join(tmp, "data", "local.json"), "RUNS=7"}, args: []string{"node", "soak/web/paint.mjs"}}
	o, err := c.run(raw)
	if err != nil {
		return paintResult{}, "", err
	}
	var res paintResult
	lines := strings.Split(strings.TrimSpace(o), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return paintResult{}, "", fmt.Errorf("paint.mjs output: %w: %s", err, o)
	}
	return res, "build/bin/camvault-local --web-dir web/dist … (port 0 everywhere); LOCAL_JSON=… RUNS=7 node soak/web/paint.mjs", nil
}

type jsFile struct {
	name    string
	raw, gz int
}

func jsSizes(dist string) ([]jsFile, error) {
	var out []jsFile
	err := filepath.WalkDir(dist, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(b)
		w.Close()
		rel, _ := filepath.Rel(dist, path)
		out = append(out, jsFile{rel, len(b), gz.Len()})
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no .js files in %s", dist)
	}
	return out, err
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func atof(s string) float64 {
	var f float64
	fmt.Sscan(strings.TrimSpace(s), &f)
	return f
}

func output(name string, args ...string) string {
	b, _ := exec.Command(name, args...).Output()
	return string(b)
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.IndexByte(l, ':'); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	var kb float64
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), &kb)
		}
	}
	return fmt.Sprintf("%.1f GiB RAM", kb/(1<<20))
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// fuzzSection lists every fuzz target (what scripts/fuzz.sh and make fuzz
// run) and whether its seed corpus is committed under testdata/fuzz.
func fuzzSection(md *strings.Builder) {
	fmt.Fprintf(md, "\n## Fuzzing (`make fuzz`, FUZZTIME each, default 2m)\n\n| module | package | target | committed corpus (`testdata/fuzz/<target>`) |\n| --- | --- | --- | ---: |\n")
	tracked := map[string]int{}
	for _, f := range strings.Split(output("git", "ls-files", "*testdata/fuzz/*"), "\n") {
		if f != "" {
			tracked[filepath.Dir(f)]++
		}
	}
	_ = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "build" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "func Fuzz") {
				continue
			}
			name := strings.TrimPrefix(line, "func ")
			name = name[:strings.IndexByte(name, '(')]
			dir := filepath.Dir(path)
			mod := dir
			for {
				if _, err := os.Stat(filepath.Join(mod, "go.mod")); err == nil || mod == "." {
					break
				}
				mod = filepath.Dir(mod)
			}
			pkg, _ := filepath.Rel(mod, dir)
			pkg = strings.TrimSuffix("./"+pkg, "/.")
			corpus := "none (only the f.Add seeds in code)"
			if n := tracked[filepath.Join(dir, "testdata", "fuzz", name)]; n > 0 {
				corpus = fmt.Sprintf("%d inputs", n)
			}
			fmt.Fprintf(md, "| %s | %s | %s | %s |\n", mod, pkg, name, corpus)
		}
		return nil
	})
}
