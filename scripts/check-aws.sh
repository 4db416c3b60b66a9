#!/usr/bin/env bash
# The first step of make bootstrap, diff and deploy: fail at once, in one
# line, when the stage is unknown or there are no usable AWS credentials,
# instead of after building everything and synthesizing.
#
#   scripts/check-aws.sh [STAGE]      (STAGE: dev, qa or prod)
#
# With the AWS CLI installed it asks STS who the credentials belong to.
# Without it, it looks for the usual sources (AWS_ACCESS_KEY_ID, AWS_PROFILE,
# ~/.aws/credentials or config) and lets the CDK CLI do the rest.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[[ $# -le 1 ]] || {
	echo "usage: $(basename "$0") [STAGE]   (STAGE: dev, qa or prod)" >&2
	exit 2
}
if [[ $# -eq 1 ]]; then
	case "$1" in
	dev | qa | prod) ;;
	*) die "unknown stage '$1': use STAGE=dev, STAGE=qa or STAGE=prod (the local stack is 'make dev')" ;;
	esac
fi

how="set AWS_PROFILE (after 'aws configure' or 'aws configure sso' and 'aws sso login'), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
if command -v aws >/dev/null 2>&1; then
	if ! err="$(aws sts get-caller-identity --output text --cli-connect-timeout 10 --cli-read-timeout 20 2>&1 >/dev/null)"; then
		err="${err//$'\n'/ }"
		die "no usable AWS credentials (${err% }): $how"
	fi
elif [[ -z "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" &&
	! -f "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" && ! -f "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]; then
	die "no AWS credentials found: $how"
fi
