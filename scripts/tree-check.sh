#!/usr/bin/env bash
# make test's guard that tests write only under build/, web/test-results/ or
# temp dirs: `snapshot` records the work tree's state (git status and the
# content of every changed or untracked file) in build/tree-before.txt;
# `compare` fails, naming the paths, if the tree differs from that now.
# Outside a git checkout (a source tarball) it does nothing.
#
#   scripts/tree-check.sh snapshot|compare
set -euo pipefail
cd "${TREE_CHECK_ROOT:-$(dirname "$0")/..}"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
before=build/tree-before.txt

# state prints one line per changed or untracked path: status, path and
# the hash of its content, so a rewrite of an already-changed file shows too.
state() {
	git status --porcelain=v1 --untracked-files=all -z | while IFS= read -r -d '' entry; do
		path=${entry:3}
		hash=-
		if [[ -f "$path" ]]; then hash=$(git hash-object --no-filters -- "$path"); fi
		printf '%s %s\n' "$hash" "$entry"
		# A rename's second field is the old path.
		if [[ ${entry:0:1} == R ]]; then IFS= read -r -d '' _ || true; fi
	done | sort
}

case "${1:-}" in
snapshot)
	mkdir -p build
	state >"$before"
	;;
compare)
	[[ -f "$before" ]] || { echo "tree-check: no snapshot ($before); run 'scripts/tree-check.sh snapshot' first" >&2; exit 2; }
	changed=$(diff <(cat "$before") <(state) | sed -n 's/^[<>] [^ ]* ...//p' | sort -u || true)
	if [[ -n "$changed" ]]; then
		echo "make test changed the work tree; tests must write only under build/, web/test-results/ or temp dirs:" >&2
		printf '  %s\n' $changed >&2
		exit 1
	fi
	;;
*)
	echo "usage: $(basename "$0") snapshot|compare" >&2
	exit 2
	;;
esac
