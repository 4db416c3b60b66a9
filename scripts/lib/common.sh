# shellcheck shell=bash
# Shared by camvault's scripts: the repo root, error exits, the AWS CLI
# checks and stack outputs, and the apidoc Go helper. Source it; do not run it.

# CAMVAULT_ROOT is the repository root, whatever the caller's cwd.
CAMVAULT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CAMVAULT_ROOT

# die prints "<script>: message" on stderr and exits 1.
die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# abspath prints an absolute form of a path (that need not exist yet).
abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$PWD" "$1" ;;
	esac
}

# require_aws checks that the AWS CLI is installed and has credentials.
require_aws() {
	command -v aws >/dev/null 2>&1 ||
		die "the AWS CLI (aws) is not installed or not on PATH; install it (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
	local err
	if ! err="$(aws sts get-caller-identity --output text --cli-connect-timeout 10 --cli-read-timeout 20 2>&1 >/dev/null)"; then
		die "no usable AWS credentials (aws sts get-caller-identity failed: ${err//$'\n'/ }); set AWS_PROFILE, run 'aws configure' or 'aws sso login'"
	fi
}

# stack_output STAGE KEY prints output KEY of the stack camvault-STAGE.
stack_output() {
	local stack="camvault-$1" key="$2" out errf err
	errf="$(mktemp)"
	if ! out="$(aws cloudformation describe-stacks --stack-name "$stack" \
		--query "Stacks[0].Outputs[?OutputKey=='$key'].OutputValue" --output text 2>"$errf")"; then
		err="$(tr '\n' ' ' <"$errf")"
		rm -f "$errf"
		die "cannot read stack $stack (${err% }); is stage $1 deployed in this account and region? (make deploy STAGE=$1)"
	fi
	rm -f "$errf"
	if [[ -z "$out" || "$out" == "None" ]]; then
		die "stack $stack has no output $key; redeploy it with the current infra (make deploy STAGE=$1)"
	fi
	printf '%s\n' "$out"
}

# apidoc runs the scripts module's apidoc command (works with or without go.work).
apidoc() {
	(cd "$CAMVAULT_ROOT/scripts" && go run ./apidoc "$@")
}
