#!/bin/bash
set -Eeo pipefail
# The part of the OpenVPN server script that both editions share: AWS calls, the Elastic IP,
# routes, client profile secrets, signals. The user data (serverScript in server-script.ts) is
# the edition file's shebang and set line, the settings (one assignment a line), this file's
# text after its first blank line, then the edition file's text after its first blank line:
# each file's first paragraph, like this one, is for readers of the file, not for the server.

# Everything above this part is settings: addresses, names and ARNs. Nothing secret is in this script: the
# keys are generated on the first boot and kept in the Secrets Manager secret OVPN_SECRET_ID.
umask 077
PATH="$PATH:/snap/bin"
OVPN_BIN="${OVPN_BIN:-$OVPN_SCRIPT_PATH}"
OVPN_RETRY_SECONDS="${OVPN_RETRY_SECONDS:-6}"
OVPN_SYSTEMD_DIR="${OVPN_SYSTEMD_DIR:-/etc/systemd/system}"

log() { echo "openvpn-guarded: $*" >&2; }
die() { log "$*"; exit 1; }

# Retries an AWS call: a new instance's role can take a few seconds to work.
aws_retry() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if aws --region "$OVPN_REGION" "$@"; then
      return 0
    fi
    log "aws $1 $2 failed (attempt $attempt of 10)"
    sleep "$OVPN_RETRY_SECONDS"
  done
  return 1
}

imds() {
  local token
  token=$(curl -sSf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sSf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# The Amazon DNS server of a VPC: its primary block's base address plus two.
vpc_resolver() {
  local a b c d
  IFS=. read -r a b c d <<< "${1%/*}"
  local n=$(( (a << 24 | b << 16 | c << 8 | d) + 2 ))
  echo "$(( n >> 24 & 255 )).$(( n >> 16 & 255 )).$(( n >> 8 & 255 )).$(( n & 255 ))"
}

# The DNS servers pushed to clients: the ones given, or in NAT mode the VPC's resolver.
pushed_dns_servers() {
  local dns
  for dns in $OVPN_DNS_SERVERS; do echo "$dns"; done
  if [ "$OVPN_PUSH_VPC_RESOLVER" = yes ]; then vpc_resolver "$OVPN_VPC_CIDR"; fi
}

# A client name the document allows, other than the name the edition keeps for itself ($2).
valid_client_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]] || die "client name '$1' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
  [ "$1" != "$2" ] || die "'$2' is the server's own name: choose another client name"
}

# One client change at a time: issuing and revoking rewrite the stored keys.
lock_changes() {
  mkdir -p "$(dirname "$1")"
  exec 9> "$1"
  flock -w 120 9 || die "another client change is still running"
}

profile_secret() { echo "$OVPN_CLIENT_SECRET_PREFIX/$1"; }

profile_exists() {
  aws --region "$OVPN_REGION" secretsmanager describe-secret --secret-id "$(profile_secret "$1")" > /dev/null 2>&1
}

# Stores a client's profile (the file $2) in its own secret.
store_profile() {
  aws_retry secretsmanager create-secret --name "$(profile_secret "$1")" --kms-key-id "$OVPN_KMS_KEY_ID" \
    --description "OpenVPN client profile for $1" --secret-string "file://$2" > /dev/null
}

delete_profile() {
  aws_retry secretsmanager delete-secret --secret-id "$(profile_secret "$1")" --force-delete-without-recovery > /dev/null
}

# Routing mode: the VPC's route tables send the client block to this instance's interface. The
# interface changes with every replacement, so each boot takes the routes over.
take_over_routes() {
  local instance mac eni table
  instance=$(imds instance-id)
  mac=$(imds mac)
  eni=$(imds "network/interfaces/macs/$mac/interface-id")
  aws_retry ec2 modify-instance-attribute --instance-id "$instance" --no-source-dest-check
  for table in $OVPN_ROUTE_TABLES; do
    aws --region "$OVPN_REGION" ec2 replace-route --route-table-id "$table" --destination-cidr-block "$OVPN_CLIENT_CIDR" --network-interface-id "$eni" 2> /dev/null \
      || aws_retry ec2 create-route --route-table-id "$table" --destination-cidr-block "$OVPN_CLIENT_CIDR" --network-interface-id "$eni" > /dev/null
  done
}

# The Elastic IP, and in routing mode the VPC routes, come to this server last, once it runs: a
# replacement that fails never takes them from the server it was to replace. Every boot takes them
# again (openvpn-guarded-address.service), so a server left without them (an update rolled back
# after its replacement took them) gets them back when it reboots.
take_over() {
  if [ "$OVPN_ROUTING_MODE" = routed ]; then take_over_routes; fi
  aws_retry ec2 associate-address --allocation-id "$OVPN_EIP_ALLOCATION_ID" --instance-id "$(imds instance-id)" --allow-reassociation > /dev/null
}

# A oneshot systemd unit that stays active once its command ran. $1: its file name; $2: its
# description; $3: its ordering lines; $4: the arguments of this script it runs.
install_oneshot_unit() {
  cat > "$OVPN_SYSTEMD_DIR/$1" << EOF
[Unit]
Description=$2
$3
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$OVPN_BIN $4

[Install]
WantedBy=multi-user.target
EOF
}

# $1: the unit the server runs as.
install_address_unit() {
  install_oneshot_unit openvpn-guarded-address.service 'Take the Elastic IP and the VPC routes of the OpenVPN server' \
    "After=network-online.target $1" take-over
}

# Reads the state secret into SECRET_VALUE and SECRET_STATE: "stored" when it starts with the
# marker $1, "placeholder" while it holds the random first value CloudFormation gave it (32
# printable characters). A read that fails, or any other value, ends the script: only a successful
# read of the placeholder may lead to creating anything.
# shellcheck disable=SC2034 # the edition's part reads SECRET_VALUE and SECRET_STATE
read_state_secret() {
  SECRET_VALUE=$(aws_retry secretsmanager get-secret-value --secret-id "$OVPN_SECRET_ID" --query SecretString --output text) \
    || die "could not read the secret $OVPN_SECRET_ID: nothing is created or stored until it can be read"
  case "$SECRET_VALUE" in
    "$1"*) SECRET_STATE=stored ;;
    *) [[ "$SECRET_VALUE" =~ ^[[:graph:]]{32}$ ]] || die "the secret $OVPN_SECRET_ID holds neither this server's data nor CloudFormation's first value: restore its last version"
      SECRET_STATE=placeholder ;;
  esac
}

signal_stack() {
  aws_retry cloudformation signal-resource --stack-name "$OVPN_STACK_NAME" \
    --logical-resource-id "$OVPN_SIGNAL_RESOURCE" --unique-id "$(imds instance-id)" --status "$1" || true
}

# Any failure of the first boot (a failed command, or die) tells CloudFormation at once rather than at the timeout.
signal_failure_on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then signal_stack FAILURE; fi
}
