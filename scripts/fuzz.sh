#!/usr/bin/env bash
# Runs every Go fuzz target of every module for the given time each.
# Usage: scripts/fuzz.sh 10s
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-10s}
found=0
while IFS= read -r file; do
	dir=$(dirname "$file")
	mod=$dir
	while [ ! -f "$mod/go.mod" ]; do mod=$(dirname "$mod"); done
	pkg="./${dir#"$mod"/}"
	[ "$dir" = "$mod" ] && pkg=.
	for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
		found=$((found + 1))
		echo "== fuzz $mod $pkg $target ($fuzztime)"
		(cd "$mod" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg")
	done
done < <(grep -rl --include='*_test.go' -E '^func Fuzz' --exclude-dir=node_modules . | sort)
echo "fuzz: $found targets ran for $fuzztime each"
