#!/bin/bash
# A stand-in for the AWS CLI in tests, with no network: Secrets Manager calls against files in
# $AWS_STUB_STORE; EC2 and CloudFormation calls are only recorded. Every call is logged to
# $AWS_STUB_STORE/calls.log; any other call fails, so a script that reaches for another service shows up.
# AWS_STUB_FAILS='<service> <operation>' makes that call fail every time.
set -eo pipefail
while [ "$1" = --region ]; do shift 2; done
echo "$*" >> "$AWS_STUB_STORE/calls.log"
service=$1 op=$2; shift 2
if [ -n "$AWS_STUB_FAILS" ] && [ "$AWS_STUB_FAILS" = "$service $op" ]; then
  echo "An error occurred (InternalServiceError) when calling the $op operation" >&2
  exit 254
fi
id='' value=''
while [ $# -gt 0 ]; do
  case "$1" in
    --secret-id|--name) id=$2; shift 2 ;;
    --secret-string) value=$2; shift 2 ;;
    *) shift ;;
  esac
done
file="$AWS_STUB_STORE/$(printf '%s' "$id" | tr '/:' '__')"
case "$service $op" in
  "secretsmanager get-secret-value") [ -f "$file" ] || { echo "ResourceNotFoundException" >&2; exit 254; }; cat "$file"; echo ;;
  "secretsmanager describe-secret") [ -f "$file" ] || { echo "ResourceNotFoundException" >&2; exit 254; }; echo '{}' ;;
  "secretsmanager put-secret-value") [ -f "$file" ] || exit 254; cat "${value#file://}" > "$file" ;;
  "secretsmanager create-secret") [ ! -f "$file" ] || { echo "ResourceExistsException" >&2; exit 254; }; cat "${value#file://}" > "$file" ;;
  "secretsmanager delete-secret") rm "$file" ;;
  # A route table without the client route yet: replace-route fails as EC2 does.
  "ec2 replace-route") [ -z "$AWS_STUB_NO_ROUTES" ] || { echo "InvalidRoute.NotFound" >&2; exit 254; } ;;
  "ec2 associate-address"|"ec2 modify-instance-attribute"|"ec2 create-route"|"cloudformation signal-resource") ;;
  *) echo "stub aws: unexpected call: $service $op" >&2; exit 2 ;;
esac
