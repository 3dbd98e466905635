#!/bin/bash
set -Eeo pipefail
# The community edition's part of the OpenVPN server script: community OpenVPN from the
# distribution's packages, with an easy-rsa PKI. It runs after the settings and shared.sh's
# functions (see shared.sh); its commands are boot (the default: cloud-init's first boot),
# configure (PKI and server.conf), network-up (forwarding and NAT), take-over (Elastic IP and
# routes, at every boot), issue-client and revoke-client (the client profile document).

OVPN_DIR="${OVPN_DIR:-/etc/openvpn/server}"
EASYRSA_CMD="${EASYRSA_CMD:-/usr/share/easy-rsa/easyrsa}"

easyrsa() {
  EASYRSA_BATCH=1 EASYRSA_PKI="$OVPN_DIR/pki" EASYRSA_ALGO=ec EASYRSA_CURVE=secp384r1 EASYRSA_DIGEST=sha384 \
    EASYRSA_CA_EXPIRE=3650 EASYRSA_CERT_EXPIRE="${EASYRSA_CERT_EXPIRE:-825}" EASYRSA_CRL_DAYS=3650 "$EASYRSA_CMD" "$@"
}

# a.b.c.d/n -> "a.b.c.d mask", the form OpenVPN's server and route options take.
cidr_to_route() {
  local net="${1%/*}" bits="${1#*/}" mask
  mask=$(( bits == 0 ? 0 : (0xffffffff << (32 - bits)) & 0xffffffff ))
  echo "$net $(( mask >> 24 & 255 )).$(( mask >> 16 & 255 )).$(( mask >> 8 & 255 )).$(( mask & 255 ))"
}

# The secret holds the CA, the server's key and certificate, the CRL, the certificate index and
# the tls-crypt key. Client keys never stay in it: each profile has its own secret.
pki_save() {
  local tmp
  tmp=$(mktemp)
  { printf '%s' "$PKI_MARKER"; tar -C "$OVPN_DIR" -czf - pki tc.key | base64 -w0; } > "$tmp"
  aws_retry secretsmanager put-secret-value --secret-id "$OVPN_SECRET_ID" --secret-string "file://$tmp" > /dev/null
  rm -f "$tmp"
}

# Reads the secret and unpacks the PKI it holds; with $1 = create, a secret that holds none yet
# gets a new one. Any other case ends the script.
pki_restore() {
  read_state_secret "$PKI_MARKER"
  if [ "$SECRET_STATE" = stored ]; then
    rm -rf "$OVPN_DIR/pki" "$OVPN_DIR/tc.key"
    printf '%s' "${SECRET_VALUE#"$PKI_MARKER"}" | base64 -d | tar -C "$OVPN_DIR" -xzf -
    log "PKI restored from $OVPN_SECRET_ID"
  elif [ "${1:-}" = create ]; then
    pki_create
    pki_save
    log "PKI created and stored in $OVPN_SECRET_ID"
  else
    die "the secret $OVPN_SECRET_ID holds no PKI yet: the server has not finished its first boot"
  fi
}

pki_create() {
  rm -rf "$OVPN_DIR/pki" "$OVPN_DIR/tc.key"
  easyrsa init-pki
  EASYRSA_REQ_CN='OpenVPN CA' easyrsa build-ca nopass
  EASYRSA_CERT_EXPIRE=3650 easyrsa build-server-full server nopass
  easyrsa gen-crl
  openvpn --genkey tls-crypt "$OVPN_DIR/tc.key"
  rm -f "$OVPN_DIR/pki/reqs/server.req" "$OVPN_DIR/pki/certs_by_serial/"*.pem
}

write_server_conf() {
  local route dns proto=udp
  if [ "$OVPN_PROTOCOL" = tcp ]; then proto=tcp-server; fi
  {
    echo "# Written by cdk-guarded-patterns OpenVpnAccessServer."
    echo "port $OVPN_PORT"
    echo "proto $proto"
    echo "dev tun"
    echo "topology subnet"
    echo "server $(cidr_to_route "$OVPN_CLIENT_CIDR")"
    echo "ca $OVPN_DIR/pki/ca.crt"
    echo "cert $OVPN_DIR/pki/issued/server.crt"
    echo "key $OVPN_DIR/pki/private/server.key"
    echo "dh none"
    echo "tls-crypt $OVPN_DIR/tc.key"
    echo "tls-version-min 1.2"
    echo "data-ciphers AES-256-GCM"
    echo "verify-client-cert require"
    echo "remote-cert-tls client"
    echo "crl-verify $OVPN_DIR/pki/crl.pem"
    echo "keepalive 10 60"
    echo "reneg-sec 3600"
    echo "persist-key"
    echo "persist-tun"
    echo "verb 3"
    # Root-only socket through which revoking a client also ends its open session.
    echo "management $OVPN_DIR/management.sock unix"
    if [ "$proto" = udp ]; then echo "explicit-exit-notify 1"; fi
    for route in $OVPN_ROUTES; do echo "push \"route $(cidr_to_route "$route")\""; done
    for dns in $(pushed_dns_servers); do echo "push \"dhcp-option DNS $dns\""; done
  } > "$OVPN_DIR/server.conf"
}

# The PKI (restored from the secret, or created and stored on the very first boot) and server.conf.
configure() {
  mkdir -p "$OVPN_DIR"
  pki_restore create
  write_server_conf
}

# IP forwarding, and in NAT mode the masquerade rule that makes clients appear as the server.
network_up() {
  local dev
  sysctl -q -w net.ipv4.ip_forward=1
  if [ "$OVPN_ROUTING_MODE" = nat ]; then
    dev=$(ip -4 route show default | awk '{ print $5; exit }')
    [ -n "$dev" ] || die "no default route: cannot tell the interface to masquerade on"
    iptables -t nat -C POSTROUTING -s "$OVPN_CLIENT_CIDR" -o "$dev" -j MASQUERADE 2> /dev/null \
      || iptables -t nat -A POSTROUTING -s "$OVPN_CLIENT_CIDR" -o "$dev" -j MASQUERADE
  fi
}

render_profile() {
  local proto=udp
  if [ "$OVPN_PROTOCOL" = tcp ]; then proto=tcp-client; fi
  cat << EOF
# OpenVPN client profile for $1, issued by cdk-guarded-patterns OpenVpnAccessServer.
client
dev tun
proto $proto
remote $OVPN_PUBLIC_ADDRESS $OVPN_PORT
resolv-retry infinite
nobind
persist-key
persist-tun
remote-cert-tls server
verify-x509-name server name
tls-version-min 1.2
data-ciphers AES-256-GCM
verb 3
<ca>
$(cat "$OVPN_DIR/pki/ca.crt")
</ca>
<cert>
$(openssl x509 -in "$OVPN_DIR/pki/issued/$1.crt")
</cert>
<key>
$(cat "$OVPN_DIR/pki/private/$1.key")
</key>
<tls-crypt>
$(cat "$OVPN_DIR/tc.key")
</tls-crypt>
EOF
}

# Issues a certificate, writes the profile to its own secret, keeps only the index entry.
issue_client() {
  local name="$1" profile
  valid_client_name "$name" server
  lock_changes "$OVPN_DIR/.lock"
  pki_restore
  ! profile_exists "$name" || die "a profile for $name exists already (secret $(profile_secret "$name")): revoke it first, or choose another name"
  easyrsa build-client-full "$name" nopass
  profile=$(mktemp)
  render_profile "$name" > "$profile"
  store_profile "$name" "$profile"
  rm -f "$profile" "$OVPN_DIR/pki/private/$name.key" "$OVPN_DIR/pki/reqs/$name.req" "$OVPN_DIR/pki/issued/$name.crt" "$OVPN_DIR/pki/certs_by_serial/"*.pem
  pki_save
  log "issued $name: the profile is in the secret $(profile_secret "$name")"
}

# Ends a client's open session: client-kill (by the client ID in status 3's CLIENT_LIST) tells the
# client to restart, and its next attempt meets the new CRL.
disconnect_client() {
  local socket="$OVPN_DIR/management.sock" ids id
  [ -S "$socket" ] || return 0
  # OpenVPN drops a command's output once quit follows in the same read: give it a second.
  ids=$({ printf 'status 3\n'; sleep 1; printf 'quit\n'; } | timeout 10 nc -U -N "$socket" | awk -F '\t' -v cn="$1" '
    $1 == "HEADER" && $2 == "CLIENT_LIST" { for (i = 3; i <= NF; i++) if ($i == "Client ID") c = i - 1 }
    $1 == "CLIENT_LIST" && $2 == cn && c { print $c }') || log "could not list the open sessions"
  for id in $ids; do
    printf 'client-kill %s\nquit\n' "$id" | timeout 10 nc -U -N "$socket" > /dev/null || log "could not end the session of $1 now: it ends at its next renegotiation"
  done
}

# Revokes the certificate in the client's profile, publishes the CRL, ends the client's session
# and deletes the profile.
revoke_client() {
  local name="$1" profile
  valid_client_name "$name" server
  lock_changes "$OVPN_DIR/.lock"
  pki_restore
  profile=$(aws_retry secretsmanager get-secret-value --secret-id "$(profile_secret "$name")" --query SecretString --output text) \
    || die "no profile for $name (secret $(profile_secret "$name"))"
  printf '%s\n' "$profile" | sed -n '/^<cert>$/,/^<\/cert>$/p' | sed '1d;$d' > "$OVPN_DIR/pki/issued/$name.crt"
  easyrsa revoke "$name"
  easyrsa gen-crl
  rm -rf "$OVPN_DIR/pki/revoked" "$OVPN_DIR/pki/issued/$name.crt"
  pki_save
  disconnect_client "$name"
  delete_profile "$name"
  log "revoked $name: the server refuses its certificate from now on and has ended its session"
}

install_units() {
  install_oneshot_unit openvpn-guarded-network.service 'IP forwarding and NAT for the OpenVPN clients' \
    "$(printf 'Before=openvpn-server@server.service\nAfter=network-online.target')" network-up
  install_address_unit openvpn-server@server.service
  systemctl daemon-reload
}

# First boot of an instance (cloud-init runs this once per instance).
# shellcheck disable=SC2153 # OVPN_BIN is shared.sh's, not a misspelt OVPN_DIR
boot() {
  trap signal_failure_on_exit EXIT
  export DEBIAN_FRONTEND=noninteractive
  # unattended-upgrades often holds the dpkg lock on a first boot: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q openvpn easy-rsa iptables netcat-openbsd
  command -v aws > /dev/null || snap install aws-cli --classic
  install -m 0700 "$0" "$OVPN_BIN"
  configure
  install_units
  systemctl enable --now openvpn-guarded-network.service openvpn-server@server.service
  systemctl enable openvpn-guarded-address.service
  systemctl is-active --quiet openvpn-server@server.service || die "openvpn-server@server did not start"
  take_over
  signal_stack SUCCESS
}

case "${1:-boot}" in
  boot) boot ;;
  configure) configure ;;
  network-up) network_up ;;
  issue-client) issue_client "$2" ;;
  revoke-client) revoke_client "$2" ;;
  take-over) take_over ;;
  *) die "usage: $0 [boot|configure|network-up|take-over|issue-client NAME|revoke-client NAME]" ;;
esac
