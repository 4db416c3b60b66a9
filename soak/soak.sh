#!/usr/bin/env bash
# make soak: the bounded load run against a fresh camvault-local, then the
# fault tests, all on loopback. Writes docs/bench/soak.txt (make bench puts
# it in BENCHMARKS.md). Exits non-zero on any failure.
#
# Env: SOAK_REQUESTS (20000), SOAK_CLIENTS (32), SOAK_DEADLINE (3m).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/bench/soak.txt
mkdir -p docs/bench build/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd soak && go build -o ../build/bin/soak ./cmd/soak)
start=$(date -u '+%Y-%m-%d %H:%M UTC')

echo "== load: ${SOAK_REQUESTS:-20000} requests, ${SOAK_CLIENTS:-32} clients"
timeout 240 build/bin/soak -bin build/bin/camvault-local -requests "${SOAK_REQUESTS:-20000}" \
	-clients "${SOAK_CLIENTS:-32}" -deadline "${SOAK_DEADLINE:-3m}" -report "$work/load.txt"

# Fault tests: each package's tests named here, verbose, bounded.
faults() {
	local dir=$1 pkg=$2 run=$3
	echo "== faults: (cd $dir && go test -count=1 -timeout 5m -run '$run' -v $pkg)" | tee -a "$work/faults.txt"
	(cd "$dir" && go test -count=1 -timeout 5m -run "$run" -v "$pkg") >"$work/t.txt" 2>&1 || {
		cat "$work/t.txt"
		echo "soak: fault tests failed in $dir $pkg" >&2
		exit 1
	}
	grep -E '^\s*--- (PASS|FAIL|SKIP)|answers by phase|killed dynalite|camera overwrite attempts' "$work/t.txt" | tee -a "$work/faults.txt"
}
: >"$work/faults.txt"
faults soak . 'TestDynamoDBKilledMidLoad|TestGrantsTableOutage|TestCameraTriesToOverwrite|TestLoad|TestChecksCatchViolations'
faults authorizer . 'TestKeyRotationThroughHandle|TestNewWithKeyServerDown|TestGrantsOutageFailsClosed|TestAddressBinding'
faults authorizer ./jwks 'TestOutageKeepsLastGoodKeys|TestColdOutage|TestCancelledCallerDoesNotPoisonCache'
faults videos-api ./app 'TestIngestIsIdempotent|TestIngestOutOfOrder|TestIngestLinksThumbnailsInEitherOrder|TestIngestSkipsWhatIsNotAClip|TestRedeliveryAfterDeleteDoesNotResurrect|TestDelete|TestLateEventAfterFailedS3DeleteDoesNotResurrect|TestStorageFailures'

{
	echo "make soak, $start, commit $(git rev-parse --short HEAD), $(nproc) cores"
	echo
	cat "$work/load.txt"
	echo
	echo "fault tests:"
	sed -E 's/ \([0-9.]+s\)$//' "$work/faults.txt"
} >"$out"
echo "soak: PASS (report in $out)"
