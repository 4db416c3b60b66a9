#!/usr/bin/env bash
# Write our OpenAPI document (videos-api/openapi.yaml) for one stage.
#
#   scripts/openapi.sh STAGE [--local-json PATH]     (make openapi STAGE=local)
#
# Writes build/api/openapi-STAGE.yaml (API_DIR overrides the directory) with
# servers set to the stage's invoke URL:
#   local         apiUrl of the running local stack's local.json
#                 (--local-json, $CAMVAULT_LOCAL_JSON or .camvault/local.json)
#   dev|qa|prod   the ApiUrl output of the stack camvault-STAGE (AWS CLI)
# API_URL=... overrides the URL for any stage (no AWS CLI needed then).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
	echo "usage: $(basename "$0") STAGE [--local-json PATH]   (STAGE: local, dev, qa or prod)" >&2
	exit 2
}

[[ $# -ge 1 ]] || usage
stage="$1"
shift
local_json="${CAMVAULT_LOCAL_JSON:-$CAMVAULT_ROOT/.camvault/local.json}"
while [[ $# -gt 0 ]]; do
	case "$1" in
	--local-json)
		[[ $# -ge 2 ]] || usage
		local_json="$2"
		shift 2
		;;
	*) usage ;;
	esac
done

case "$stage" in
local | dev | qa | prod) ;;
*) die "unknown stage '$stage' (local, dev, qa or prod)" ;;
esac

in="$(abspath "${OPENAPI_DOC:-$CAMVAULT_ROOT/videos-api/openapi.yaml}")"
[[ -f "$in" ]] || die "no OpenAPI document at $in"
out="$(abspath "${API_DIR:-$CAMVAULT_ROOT/build/api}")/openapi-$stage.yaml"

if [[ -n "${API_URL:-}" ]]; then
	server=(--server-url "$API_URL")
else
	case "$stage" in
	local)
		local_json="$(abspath "$local_json")"
		[[ -f "$local_json" ]] || die "no local stack description at $local_json; start the stack with 'make dev' (or pass --local-json PATH, or API_URL=...)"
		server=(--local-json "$local_json")
		;;
	*)
		require_aws
		server=(--server-url "$(stack_output "$stage" ApiUrl)")
		;;
	esac
fi

apidoc openapi --in "$in" --out "$out" --stage "$stage" "${server[@]}"
