#!/usr/bin/env bash
# Runs every Go fuzz target of every module with one budget each.
#
#   scripts/fuzz.sh 2000x    execution count: what `make test` uses
#   scripts/fuzz.sh 2m       duration: what `make fuzz` uses
#
# An execution count (Nx) has no wall-clock deadline, so the run is exact and
# every failure is a failure. A duration ends on a deadline, and Go 1.26's fuzz
# coordinator can report that deadline as "context deadline exceeded" although
# nothing was found (golang/go#75804, fixed in Go 1.27). So with a duration
# only a real finding fails the run: a reproducer written to
# testdata/fuzz/<Target>/, or a panic. A build failure also fails it (that is
# no fuzz result at all). Every target runs; the failures are listed at the end.
#
# FUZZ_ROOT (default: the repo root) is the tree searched for targets.
set -euo pipefail
root="${FUZZ_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"

usage() {
	echo "usage: $(basename "$0") BUDGET   (an execution count such as 2000x, or a duration such as 2m)" >&2
	exit 2
}
[[ $# -eq 1 ]] || usage
budget=$1
case "$budget" in
*[0-9]x) strict=1 ;;
*[0-9]ns | *[0-9]us | *[0-9]µs | *[0-9]ms | *[0-9]s | *[0-9]m | *[0-9]h) strict=0 ;;
*) usage ;;
esac

# corpus lists the files of a target's corpus directory (one per line).
corpus() {
	if [[ -d "$1" ]]; then find "$1" -type f | sort; fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
found=0
failed=()
while IFS= read -r file; do
	dir=$(dirname "$file")
	mod=$dir
	while [[ ! -f "$mod/go.mod" ]]; do mod=$(dirname "$mod"); done
	pkg="./${dir#"$mod"/}"
	[[ "$dir" == "$mod" ]] && pkg=.
	for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
		found=$((found + 1))
		echo "== fuzz $mod $pkg $target ($budget)"
		before=$(corpus "$dir/testdata/fuzz/$target")
		rc=0
		(cd "$mod" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" "$pkg") 2>&1 | tee "$log" || rc=$?
		((rc == 0)) && continue
		after=$(corpus "$dir/testdata/fuzz/$target")
		if ((strict)); then
			failed+=("$target (${dir#./})")
		elif [[ "$after" != "$before" ]] || grep -q 'Failing input written to' "$log"; then
			failed+=("$target (${dir#./}): reproducer written to $dir/testdata/fuzz/$target/")
		elif grep -qE '^panic:|^fatal error:' "$log"; then
			failed+=("$target (${dir#./}): panic")
		elif grep -qE '\[(build|setup) failed\]' "$log"; then
			failed+=("$target (${dir#./}): build failed")
		else
			echo "fuzz: $target ended without a reproducer or a panic (Go 1.26's fuzztime deadline race, golang/go#75804): not counted as a failure"
		fi
	done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' --exclude-dir=node_modules --exclude-dir=build . | sort)

if ((${#failed[@]})); then
	echo "fuzz: ${#failed[@]} of $found targets failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: $found targets ran for $budget each"
