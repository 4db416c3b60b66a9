#!/usr/bin/env bash
# Prove the generated Postman collection against a fresh local stack.
#
#   scripts/newman.sh            (make test-newman; part of make test)
#
# Starts build/bin/camvault-local on free loopback ports with a temporary
# data dir, gets dev-issuer tokens for viewer@example.com, admin@example.com
# and stranger@example.org, simulates a camera with build/bin/upload-clip,
# generates the collection with the contract checks (scripts/postman.sh local
# --checks) and runs newman on it. Every request must answer 2xx or a 4xx its
# operation documents, never 5xx; the checks assert the 400/401/403/404 cases,
# CORS and an admin DELETE. Exits non-zero on any failure; stops the stack
# and removes the temporary files on any exit.
# NEWMAN_STACK_TIMEOUT (seconds, default 60) bounds the wait for the stack.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$CAMVAULT_ROOT"

bin="$CAMVAULT_ROOT/build/bin"
stack_bin="${CAMVAULT_LOCAL_BIN:-$bin/camvault-local}"
newman="$CAMVAULT_ROOT/node_modules/.bin/newman"
timeout="${NEWMAN_STACK_TIMEOUT:-60}"
[[ -x "$stack_bin" ]] || die "no local stack at $stack_bin; run 'make tools'"
[[ -x "$newman" ]] || die "newman is not installed; run 'make deps' (npm ci)"
command -v curl >/dev/null 2>&1 || die "curl is not installed"

work="$(mktemp -d)"
stack_pid=""
cleanup() {
	local status=$?
	if [[ -n "$stack_pid" ]] && kill -0 "$stack_pid" 2>/dev/null; then
		kill -TERM "$stack_pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$stack_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$stack_pid" 2>/dev/null; then
			echo "newman.sh: the local stack did not stop on SIGTERM; killing it" >&2
			kill -KILL "$stack_pid" 2>/dev/null || true
		fi
		wait "$stack_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s "$work/stack.log" ]]; then
		echo "--- the local stack's log (last 40 lines)" >&2
		tail -n 40 "$work/stack.log" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The token and upload-clip commands: make tools builds them; build them
# here if it has not.
for tool in token upload-clip; do
	if [[ ! -x "$bin/$tool" ]]; then
		echo "building $tool"
		(cd "$CAMVAULT_ROOT/scripts" && go build -o "$work/$tool" "./$tool")
	fi
done
tool() {
	if [[ -x "$work/$1" ]]; then echo "$work/$1"; else echo "$bin/$1"; fi
}

echo "starting the local stack ($stack_bin)"
data="$work/data"
"$stack_bin" --data-dir "$data" --api-port 0 --web-port 0 --issuer-port 0 --s3-port 0 --dynamodb-port 0 \
	>"$work/stack.log" 2>&1 &
stack_pid=$!
local_json="$data/local.json"
deadline=$((SECONDS + timeout))
until [[ -s "$local_json" ]]; do
	kill -0 "$stack_pid" 2>/dev/null || die "the local stack exited before it was ready"
	((SECONDS < deadline)) || die "the local stack was not ready within ${timeout}s (no $local_json)"
	sleep 0.5
done
echo "local stack ready: $(grep -o '"apiUrl": *"[^"]*"' "$local_json")"

api_dir="$work/api"
API_DIR="$api_dir" "$CAMVAULT_ROOT/scripts/postman.sh" local --checks --local-json "$local_json"
collection="$api_dir/camvault.postman_collection.json"
environment="$api_dir/camvault-local.postman_environment.json"

"$(tool token)" --email viewer@example.com --local-json "$local_json" --postman-env "$environment" --var token
"$(tool token)" --email admin@example.com --local-json "$local_json" --postman-env "$environment" --var adminToken
"$(tool token)" --email stranger@example.org --local-json "$local_json" --postman-env "$environment" --var strangerToken

# A camera: two clips (with thumbnails) through S3 and the ingest; the API
# must list them before the collection runs.
camera="newman-sim"
"$(tool upload-clip)" --local-json "$local_json" --camera "$camera" \
	--file "$CAMVAULT_ROOT/local/seed/media/clip3.mp4" --duration 3 --count 2 --every 100ms
api_url="$(sed -n 's/.*"apiUrl": *"\([^"]*\)".*/\1/p' "$local_json")"
header="$work/viewer.header"
(umask 077 && printf 'Authorization: Bearer %s\n' "$("$(tool token)" --email viewer@example.com --local-json "$local_json")" >"$header")
deadline=$((SECONDS + 20))
listed() {
	curl -fsS -H "@$header" "$api_url/cameras/$camera/videos" 2>/dev/null | grep -o '"cameraId"' | wc -l
}
until (($(listed) >= 2)); do
	((SECONDS < deadline)) || die "the simulated camera's 2 clips did not show up in GET /cameras/$camera/videos within 20s"
	sleep 0.5
done
echo "the simulated camera's clips are listed"

# newman prints every URL it fetches, pm.sendRequest's too: redact the
# query of signed URLs (their signature is a credential until it expires).
echo "running newman"
"$newman" run "$collection" --environment "$environment" \
	--reporters cli --color off --timeout-request 30000 --disable-unicode |
	sed -E 's/\?[^ ]*X-Amz-(Signature|Credential)=[^ ]*/?<signed query redacted>/g'
