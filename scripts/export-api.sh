#!/usr/bin/env bash
# Export a deployed stage's API definition from API Gateway.
#
#   scripts/export-api.sh STAGE [swagger|oas30|postman]     (make export STAGE=dev FORMAT=oas30)
#
# Finds the REST API id in the outputs of the stack camvault-STAGE and runs
# `aws apigateway get-export` into build/api/ (API_DIR overrides):
#   swagger  Swagger 2.0 with the x-amazon-apigateway-integration extensions
#   oas30    OpenAPI 3.0 with the x-amazon-apigateway-integration extensions
#   postman  OpenAPI 3.0 with Postman extensions, for Postman's Import
# Needs the AWS CLI and credentials for the stage's account and region.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
	echo "usage: $(basename "$0") STAGE [swagger|oas30|postman]" >&2
	exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
stage="$1"
format="${2:-oas30}"
case "$stage" in
dev | qa | prod) ;;
local) die "the local stack is not in API Gateway; use 'make openapi STAGE=local' or 'make postman STAGE=local'" ;;
*) die "unknown stage '$stage' (dev, qa or prod)" ;;
esac
case "$format" in
swagger | oas30) export_type="$format" extensions="integrations" ;;
postman) export_type="oas30" extensions="postman" ;;
*) die "unknown format '$format' (swagger, oas30 or postman)" ;;
esac

require_aws
api_id="$(stack_output "$stage" RestApiId)"
out_dir="$(abspath "${API_DIR:-$CAMVAULT_ROOT/build/api}")"
mkdir -p "$out_dir"
out="$out_dir/camvault-$stage-$format.json"
echo "exporting REST API $api_id, stage $stage, as $export_type with $extensions extensions"
aws apigateway get-export \
	--rest-api-id "$api_id" \
	--stage-name "${API_STAGE_NAME:-$stage}" \
	--export-type "$export_type" \
	--parameters "extensions=$extensions" \
	--accepts application/json \
	"$out" >/dev/null ||
	die "aws apigateway get-export failed for REST API $api_id stage $stage"
echo "wrote $out"
