#!/usr/bin/env bash
# Provision one camera for a deployed stage: its own IAM user, tagged with
# its id, that may only create new objects under clips/{id}/ of the stage's
# clips bucket (see infra/README.md, "Cameras").
#
#   scripts/provision-camera.sh STAGE CAMERA_ID      (make camera STAGE=dev CAMERA=driveway)
#
# Creates the IAM user camvault-STAGE-camera-CAMERA_ID (path
# /camvault/STAGE/cameras/, tags camvault-camera=CAMERA_ID and
# camvault-stage=STAGE), attaches the stack's CameraUploadPolicyArn and
# creates an access key. Prints on stdout exactly what the Raspberry Pi
# needs, as an environment file; everything else goes to stderr. The secret
# is shown once: store the output on the Pi (mode 600), nowhere else.
# Re-running for an existing camera refuses; to rotate its key, create a
# second one with `aws iam create-access-key` and delete the old one.
# Needs the AWS CLI and IAM credentials for the stage's account and region.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
	echo "usage: $(basename "$0") STAGE CAMERA_ID" >&2
	exit 2
}

[[ $# -eq 2 ]] || usage
stage="$1"
camera="$2"
case "$stage" in
dev | qa | prod) ;;
local) die "the local stack makes its camera keys itself (.camvault/cameras.json); no provisioning needed" ;;
*) die "unknown stage '$stage' (dev, qa or prod)" ;;
esac
# The same rule as the object keys (videos-api/clip.ValidCameraID).
[[ "$camera" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] ||
	die "camera id '$camera': use 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit"

require_aws
bucket="$(stack_output "$stage" ClipsBucketName)"
policy="$(stack_output "$stage" CameraUploadPolicyArn)"
region="$(aws configure get region 2>/dev/null || true)"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$region}}"
[[ -n "$region" ]] || die "no AWS region: set AWS_REGION to the stage's region"
user="camvault-$stage-camera-$camera"

if aws iam get-user --user-name "$user" >/dev/null 2>&1; then
	die "IAM user $user exists already; to rotate its key: aws iam create-access-key --user-name $user, then aws iam delete-access-key --user-name $user --access-key-id OLD"
fi
echo "creating IAM user $user (tag camvault-camera=$camera) with $policy" >&2
aws iam create-user --user-name "$user" --path "/camvault/$stage/cameras/" \
	--tags "Key=camvault-camera,Value=$camera" "Key=camvault-stage,Value=$stage" >/dev/null ||
	die "aws iam create-user failed for $user"
aws iam attach-user-policy --user-name "$user" --policy-arn "$policy" ||
	die "aws iam attach-user-policy failed for $user (the user exists now: attach $policy by hand or delete it)"
keys="$(aws iam create-access-key --user-name "$user" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)" ||
	die "aws iam create-access-key failed for $user"
read -r key_id secret <<<"$keys"
[[ -n "$key_id" && -n "$secret" ]] || die "aws iam create-access-key gave no key for $user"

cat <<ENV
# camvault camera '$camera', stage $stage: put this file on the camera's
# Raspberry Pi only (for example /etc/camvault/camera.env, mode 600), then
#   upload-clip --camera "\$CAMVAULT_CAMERA_ID" --bucket "\$CAMVAULT_BUCKET" --region "\$AWS_REGION" --file CLIP.mp4
# It may only create new objects under clips/$camera/ (If-None-Match: *).
CAMVAULT_CAMERA_ID=$camera
CAMVAULT_BUCKET=$bucket
AWS_REGION=$region
AWS_ACCESS_KEY_ID=$key_id
AWS_SECRET_ACCESS_KEY=$secret
ENV
