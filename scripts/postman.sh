#!/usr/bin/env bash
# Make a Postman v2.1 collection and environment for one stage from our
# OpenAPI document.
#
#   scripts/postman.sh STAGE [--checks] [--local-json PATH]     (make postman STAGE=local)
#
# Writes, in build/api/ (API_DIR overrides):
#   openapi-STAGE.yaml                      the document with the stage's URL (scripts/openapi.sh)
#   camvault.postman_collection.json        Bearer {{token}} auth, {{baseUrl}}, ids from the lists
#   camvault-STAGE.postman_environment.json baseUrl and token (an existing token is kept)
# --checks adds the contract-checks folder newman runs (needs adminToken and
# strangerToken in the environment). Put a token in with
#   go run ./scripts/token --email viewer@example.com --postman-env build/api/camvault-local.postman_environment.json
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
	echo "usage: $(basename "$0") STAGE [--checks] [--local-json PATH]   (STAGE: local, dev, qa or prod)" >&2
	exit 2
}

[[ $# -ge 1 ]] || usage
stage="$1"
shift
checks=()
openapi_args=()
while [[ $# -gt 0 ]]; do
	case "$1" in
	--checks)
		checks=(--checks)
		shift
		;;
	--local-json)
		[[ $# -ge 2 ]] || usage
		openapi_args=(--local-json "$(abspath "$2")")
		shift 2
		;;
	*) usage ;;
	esac
done

converter="$CAMVAULT_ROOT/node_modules/.bin/openapi2postmanv2"
[[ -x "$converter" ]] || die "openapi2postmanv2 is not installed; run 'make deps' (npm ci) in $CAMVAULT_ROOT"

out_dir="$(abspath "${API_DIR:-$CAMVAULT_ROOT/build/api}")"
mkdir -p "$out_dir"
API_DIR="$out_dir" "$(dirname "${BASH_SOURCE[0]}")/openapi.sh" "$stage" ${openapi_args[@]+"${openapi_args[@]}"}

doc="$out_dir/openapi-$stage.yaml"
generated="$(mktemp "$out_dir/.generated-XXXXXX.json")"
trap 'rm -f "$generated"' EXIT
if ! "$converter" -s "$doc" -o "$generated" \
	-O folderStrategy=Paths,enableOptionalParameters=false,alwaysInheritAuthentication=true,parametersResolution=Example,requestNameSource=Fallback \
	>"$generated.log" 2>&1; then
	cat "$generated.log" >&2
	rm -f "$generated.log"
	die "openapi2postmanv2 could not convert $doc"
fi
rm -f "$generated.log"
[[ -s "$generated" ]] || die "openapi2postmanv2 wrote no collection for $doc"

apidoc postman --openapi "$doc" --generated "$generated" --stage "$stage" ${checks[@]+"${checks[@]}"} \
	--out "$out_dir/camvault.postman_collection.json" \
	--environment "$out_dir/camvault-$stage.postman_environment.json"
