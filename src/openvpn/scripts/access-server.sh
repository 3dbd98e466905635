#!/bin/bash
set -Eeo pipefail
# OpenVPN Access Server's part of the OpenVPN server script: Access Server from its Marketplace
# image, configured with sacli. It runs after the settings and shared.sh's functions (see
# shared.sh); its commands are boot (the default: cloud-init's first boot), backup (the
# databases to the state secret, every quarter of an hour), take-over (Elastic IP and routes, at
# every boot), issue-client and revoke-client (the client profile document).

AS_DIR="${AS_DIR:-/usr/local/openvpn_as}"
# The CA and issued certificates, the settings, and the users; the log database stays behind.
AS_DATABASES='certs.db config.db userprop.db'
# The most a Secrets Manager secret holds.
SECRET_LIMIT=65536

sacli() { "$AS_DIR/scripts/sacli" "$@"; }

as_put() { sacli --key "$1" --value "$2" ConfigPut > /dev/null; }

# Deletes the numbered keys $1.0, $1.1, ... so that a list (private networks, DNS servers) is written afresh.
as_clear_list() {
  local key pattern="^${1//./\\.}\\.[0-9]+$"
  for key in $(sacli ConfigQuery | grep -oE '"[^"]+"' | tr -d '"' | grep -E "$pattern"); do
    sacli --key "$key" ConfigDel > /dev/null
  done
}

# Waits until Access Server answers, up to three minutes.
as_wait() {
  for _ in $(seq 1 30); do
    if sacli status > /dev/null 2>&1; then return 0; fi
    sleep "$OVPN_RETRY_SECONDS"
  done
  die "Access Server does not answer 'sacli status'"
}

# The image may run its own first-boot setup: wait two minutes for it, then run it unattended.
as_initialize() {
  for _ in $(seq 1 20); do
    if [ -f "$AS_DIR/etc/as.conf" ]; then break; fi
    sleep "$OVPN_RETRY_SECONDS"
  done
  if [ ! -f "$AS_DIR/etc/as.conf" ]; then
    "$AS_DIR/bin/ovpn-init" --batch --force > /dev/null
  fi
  as_wait
}

# The databases as SQL, compressed, behind a marker, in the secret; only when they changed since the last save.
as_backup() {
  local dump value db digest size
  dump=$(mktemp -d)
  for db in $AS_DATABASES; do sqlite3 "$AS_DIR/etc/db/$db" .dump > "$dump/$db.sql"; done
  digest=$(cat "$dump"/*.sql | sha256sum)
  if [ "$digest" != "$(cat "$AS_DIR/etc/.guarded-backup" 2> /dev/null)" ]; then
    value=$(mktemp)
    { printf '%s' "$AS_MARKER"; tar -C "$dump" -czf - . | base64 -w0; } > "$value"
    size=$(wc -c < "$value")
    if [ "$size" -gt "$SECRET_LIMIT" ]; then
      rm -rf "$dump" "$value"
      die "the Access Server databases take $size bytes, more than the $SECRET_LIMIT a secret holds: revoke unused profiles, or keep fewer users"
    fi
    aws_retry secretsmanager put-secret-value --secret-id "$OVPN_SECRET_ID" --secret-string "file://$value" > /dev/null
    echo "$digest" > "$AS_DIR/etc/.guarded-backup"
    rm -f "$value"
    log "Access Server databases saved in $OVPN_SECRET_ID"
  fi
  rm -rf "$dump"
}

# Puts the databases the secret holds in place; a secret that holds none yet leaves the image's
# own. A read that fails, or a value that is neither, ends the script (read_state_secret).
as_restore() {
  local dump db
  read_state_secret "$AS_MARKER"
  if [ "$SECRET_STATE" != stored ]; then return 0; fi
  dump=$(mktemp -d)
  printf '%s' "${SECRET_VALUE#"$AS_MARKER"}" | base64 -d | tar -C "$dump" -xzf -
  systemctl stop openvpnas
  for db in $AS_DATABASES; do
    rm -f "$AS_DIR/etc/db/$db"
    sqlite3 "$AS_DIR/etc/db/$db" < "$dump/$db.sql"
  done
  rm -rf "$dump"
  systemctl start openvpnas
  as_wait
  log "Access Server databases restored from $OVPN_SECRET_ID"
}

# The settings the construct owns, written at every boot, so a replacement follows the template.
as_configure() {
  local route dns password i=0
  as_put host.name "$OVPN_PUBLIC_ADDRESS"
  as_put vpn.server.daemon.enable true
  as_put vpn.server.daemon.protocols "$OVPN_PROTOCOL"
  as_put "vpn.server.daemon.$OVPN_PROTOCOL.port" "$OVPN_PORT"
  # The tunnel port carries tunnels only: port sharing would put the web UIs behind it too.
  as_put vpn.server.port_share.enable false
  as_put vpn.daemon.0.client.network "${OVPN_CLIENT_CIDR%/*}"
  as_put vpn.daemon.0.client.netmask_bits "${OVPN_CLIENT_CIDR#*/}"
  if [ "$OVPN_ROUTING_MODE" = routed ]; then as_put vpn.server.routing.private_access route; else as_put vpn.server.routing.private_access nat; fi
  as_put vpn.client.routing.reroute_gw false
  as_clear_list vpn.server.routing.private_network
  for route in $OVPN_ROUTES; do
    as_put "vpn.server.routing.private_network.$i" "$route"
    i=$((i + 1))
  done
  as_clear_list vpn.server.dhcp_option.dns
  i=0
  for dns in $(pushed_dns_servers); do
    as_put "vpn.server.dhcp_option.dns.$i" "$dns"
    i=$((i + 1))
  done
  if [ "$i" -gt 0 ]; then as_put vpn.client.routing.reroute_dns custom; else as_put vpn.client.routing.reroute_dns false; fi
  # The administrator's password comes from its secret at every boot: changing the secret and
  # replacing the instance changes it. Only root runs commands on this server.
  password=$(aws_retry secretsmanager get-secret-value --secret-id "$OVPN_ADMIN_SECRET_ID" --query SecretString --output text)
  sacli --user openvpn --key prop_superuser --value true UserPropPut > /dev/null
  sacli --user openvpn --key user_auth_type --value local UserPropPut > /dev/null
  sacli --user openvpn --new_pass "$password" SetLocalPassword > /dev/null
  sacli start > /dev/null
}

# A user with an auto-login profile (certificate only, as with the community edition), kept in its own secret.
issue_client() {
  local name="$1" profile
  valid_client_name "$name" openvpn
  lock_changes "$AS_DIR/etc/.guarded-lock"
  ! profile_exists "$name" || die "a profile for $name exists already (secret $(profile_secret "$name")): revoke it first, or choose another name"
  sacli --user "$name" --key type --value user_connect UserPropPut > /dev/null
  sacli --user "$name" --key prop_autologin --value true UserPropPut > /dev/null
  profile=$(mktemp)
  sacli --user "$name" GetAutologin > "$profile"
  grep -q '^<ca>$' "$profile" || die "Access Server gave no profile for $name"
  store_profile "$name" "$profile"
  rm -f "$profile"
  as_backup
  log "issued $name: the profile is in the secret $(profile_secret "$name")"
}

# Revokes every certificate of the user, deletes the user and the profile.
revoke_client() {
  local name="$1"
  valid_client_name "$name" openvpn
  lock_changes "$AS_DIR/etc/.guarded-lock"
  profile_exists "$name" || die "no profile for $name (secret $(profile_secret "$name"))"
  sacli --user "$name" RevokeUser > /dev/null
  sacli --user "$name" UserPropDelAll > /dev/null
  as_backup
  delete_profile "$name"
  log "revoked $name: Access Server refuses its certificate from now on"
}

# Changes made in the admin UI reach the secret within a quarter of an hour.
install_units() {
  cat > "$OVPN_SYSTEMD_DIR/openvpn-guarded-backup.service" << UNIT
[Unit]
Description=Save the Access Server databases in Secrets Manager when they change

[Service]
Type=oneshot
ExecStart=$OVPN_BIN backup
UNIT
  cat > "$OVPN_SYSTEMD_DIR/openvpn-guarded-backup.timer" << UNIT
[Unit]
Description=Save the Access Server databases every quarter of an hour

[Timer]
OnBootSec=15min
OnUnitActiveSec=15min

[Install]
WantedBy=timers.target
UNIT
  install_address_unit openvpnas.service
  systemctl daemon-reload
}

# First boot of an instance (cloud-init runs this once per instance).
boot() {
  trap signal_failure_on_exit EXIT
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v sqlite3 > /dev/null; then
    apt-get -o DPkg::Lock::Timeout=600 update -q
    apt-get -o DPkg::Lock::Timeout=600 install -y -q sqlite3
  fi
  command -v aws > /dev/null || snap install aws-cli --classic
  install -m 0700 "$0" "$OVPN_BIN"
  as_initialize
  as_restore
  as_configure
  as_wait
  as_backup
  install_units
  systemctl enable --now openvpn-guarded-backup.timer
  systemctl enable openvpn-guarded-address.service
  take_over
  signal_stack SUCCESS
}

case "${1:-boot}" in
  boot) boot ;;
  backup) lock_changes "$AS_DIR/etc/.guarded-lock"; as_backup ;;
  issue-client) issue_client "$2" ;;
  revoke-client) revoke_client "$2" ;;
  take-over) take_over ;;
  *) die "usage: $0 [boot|backup|take-over|issue-client NAME|revoke-client NAME]" ;;
esac
