#!/bin/bash
# Stands in for the EC2 instance metadata service (the script reaches it with curl on
# 169.254.169.254): moto serves no metadata for its instances and this machine is no EC2 instance.
# Answers IMDSv2 only, as the launch template requires: a session token by PUT, then the instance ID
# ($STAND_IN_INSTANCE_ID, the moto instance) to a read that sends it; anything else fails as
# `curl -f` does on an HTTP error. Logs the call.
# With STAND_IN_METADATA_DOWN set, nothing answers: curl's exit status for a refused connection.
echo "curl $*" >> "$STAND_IN_LOG"
if [ -n "${STAND_IN_METADATA_DOWN:-}" ]; then
  exit 7
fi
url=
for arg; do
  case "$arg" in http://*) url=$arg ;; esac
done
case "$url $*" in
  "http://169.254.169.254/latest/api/token "*"-X PUT"*"X-aws-ec2-metadata-token-ttl-seconds: "*) echo "stand-in-token"; exit 0 ;;
  "http://169.254.169.254/latest/meta-data/instance-id "*"X-aws-ec2-metadata-token: stand-in-token"*) echo "$STAND_IN_INSTANCE_ID"; exit 0 ;;
esac
echo "curl stand-in: 401 or 404 for $*" >&2
exit 22
