/**
 * The script the server runs: as user data on first boot, and afterwards as
 * `/usr/local/sbin/openvpn-guarded` for the client profile document. Internal; never exported.
 *
 * It is one file so that a test can run the very text the template carries: `configure` (PKI and
 * server.conf), `network-up` (forwarding and NAT), `issue-client` and `revoke-client`.
 */

/** Where the boot script installs itself, for the client profile document to call. */
export const SERVER_SCRIPT_PATH = '/usr/local/sbin/openvpn-guarded';

/** The first characters of the PKI secret once the server has stored the PKI in it. */
export const PKI_MARKER = 'guarded-patterns-openvpn-pki-v1:';

/** Deploy-time settings of the script: names, addresses and ARNs, never secrets. */
export interface ServerScriptSettings {
  readonly OVPN_REGION: string;
  readonly OVPN_STACK_NAME: string;
  readonly OVPN_SIGNAL_RESOURCE: string;
  readonly OVPN_SECRET_ID: string;
  readonly OVPN_KMS_KEY_ID: string;
  readonly OVPN_CLIENT_SECRET_PREFIX: string;
  readonly OVPN_EIP_ALLOCATION_ID: string;
  readonly OVPN_PUBLIC_ADDRESS: string;
  readonly OVPN_PORT: string;
  readonly OVPN_PROTOCOL: string;
  readonly OVPN_CLIENT_CIDR: string;
  readonly OVPN_ROUTES: string;
  readonly OVPN_DNS_SERVERS: string;
  readonly OVPN_PUSH_VPC_RESOLVER: string;
  readonly OVPN_VPC_CIDR: string;
  readonly OVPN_ROUTING_MODE: string;
  readonly OVPN_ROUTE_TABLES: string;
}

const BODY = `# Everything above is settings: addresses, names and ARNs. Nothing secret is in this script:
# the PKI is generated on the first boot and kept in the Secrets Manager secret OVPN_SECRET_ID.
umask 077
PATH="$PATH:/snap/bin"
OVPN_DIR="\${OVPN_DIR:-/etc/openvpn/server}"
OVPN_BIN="\${OVPN_BIN:-${SERVER_SCRIPT_PATH}}"
OVPN_RETRY_SECONDS="\${OVPN_RETRY_SECONDS:-6}"
EASYRSA_CMD="\${EASYRSA_CMD:-/usr/share/easy-rsa/easyrsa}"
OVPN_SYSTEMD_DIR="\${OVPN_SYSTEMD_DIR:-/etc/systemd/system}"
PKI_MARKER='${PKI_MARKER}'

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

easyrsa() {
  EASYRSA_BATCH=1 EASYRSA_PKI="$OVPN_DIR/pki" EASYRSA_ALGO=ec EASYRSA_CURVE=secp384r1 EASYRSA_DIGEST=sha384 \\
    EASYRSA_CA_EXPIRE=3650 EASYRSA_CERT_EXPIRE="\${EASYRSA_CERT_EXPIRE:-825}" EASYRSA_CRL_DAYS=3650 "$EASYRSA_CMD" "$@"
}

# a.b.c.d/n -> "a.b.c.d mask", the form OpenVPN's server and route options take.
cidr_to_route() {
  local net="\${1%/*}" bits="\${1#*/}" mask
  mask=$(( bits == 0 ? 0 : (0xffffffff << (32 - bits)) & 0xffffffff ))
  echo "$net $(( mask >> 24 & 255 )).$(( mask >> 16 & 255 )).$(( mask >> 8 & 255 )).$(( mask & 255 ))"
}

# The Amazon DNS server of a VPC: its primary block's base address plus two.
vpc_resolver() {
  local a b c d
  IFS=. read -r a b c d <<< "\${1%/*}"
  local n=$(( (a << 24 | b << 16 | c << 8 | d) + 2 ))
  echo "$(( n >> 24 & 255 )).$(( n >> 16 & 255 )).$(( n >> 8 & 255 )).$(( n & 255 ))"
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

# Returns 1 when the secret holds no PKI yet (its first value is a random placeholder).
pki_restore() {
  local value
  value=$(aws_retry secretsmanager get-secret-value --secret-id "$OVPN_SECRET_ID" --query SecretString --output text)
  case "$value" in
    "$PKI_MARKER"*)
      rm -rf "$OVPN_DIR/pki" "$OVPN_DIR/tc.key"
      printf '%s' "\${value#"$PKI_MARKER"}" | base64 -d | tar -C "$OVPN_DIR" -xzf -
      ;;
    *) return 1 ;;
  esac
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
    for route in $OVPN_ROUTES; do echo "push \\"route $(cidr_to_route "$route")\\""; done
    for dns in $OVPN_DNS_SERVERS; do echo "push \\"dhcp-option DNS $dns\\""; done
    if [ "$OVPN_PUSH_VPC_RESOLVER" = yes ]; then echo "push \\"dhcp-option DNS $(vpc_resolver "$OVPN_VPC_CIDR")\\""; fi
  } > "$OVPN_DIR/server.conf"
}

# The PKI (restored from the secret, or created and stored on the very first boot) and server.conf.
configure() {
  mkdir -p "$OVPN_DIR"
  if pki_restore; then
    log "PKI restored from $OVPN_SECRET_ID"
  else
    pki_create
    pki_save
    log "PKI created and stored in $OVPN_SECRET_ID"
  fi
  write_server_conf
}

# IP forwarding, and in NAT mode the masquerade rule that makes clients appear as the server.
network_up() {
  local dev
  sysctl -q -w net.ipv4.ip_forward=1
  if [ "$OVPN_ROUTING_MODE" = nat ]; then
    dev=$(ip -4 route show default | awk '{ print $5; exit }')
    [ -n "$dev" ] || die "no default route: cannot tell the interface to masquerade on"
    iptables -t nat -C POSTROUTING -s "$OVPN_CLIENT_CIDR" -o "$dev" -j MASQUERADE 2> /dev/null \\
      || iptables -t nat -A POSTROUTING -s "$OVPN_CLIENT_CIDR" -o "$dev" -j MASQUERADE
  fi
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
    aws --region "$OVPN_REGION" ec2 replace-route --route-table-id "$table" --destination-cidr-block "$OVPN_CLIENT_CIDR" --network-interface-id "$eni" 2> /dev/null \\
      || aws_retry ec2 create-route --route-table-id "$table" --destination-cidr-block "$OVPN_CLIENT_CIDR" --network-interface-id "$eni" > /dev/null
  done
}

valid_client_name() {
  [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]] || die "client name '$1' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
  [ "$1" != server ] || die "'server' is the server's own certificate: choose another client name"
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

lock_pki() {
  mkdir -p "$OVPN_DIR"
  exec 9> "$OVPN_DIR/.lock"
  flock -w 120 9 || die "another client change is still running"
}

# Issues a certificate, writes the profile to its own secret, keeps only the index entry.
issue_client() {
  local name="$1" secret="$OVPN_CLIENT_SECRET_PREFIX/$1" profile
  valid_client_name "$name"
  lock_pki
  pki_restore || die "the secret $OVPN_SECRET_ID holds no PKI yet: the server has not finished its first boot"
  if aws --region "$OVPN_REGION" secretsmanager describe-secret --secret-id "$secret" > /dev/null 2>&1; then
    die "a profile for $name exists already (secret $secret): revoke it first, or choose another name"
  fi
  easyrsa build-client-full "$name" nopass
  profile=$(mktemp)
  render_profile "$name" > "$profile"
  aws_retry secretsmanager create-secret --name "$secret" --kms-key-id "$OVPN_KMS_KEY_ID" \\
    --description "OpenVPN client profile for $name" --secret-string "file://$profile" > /dev/null
  rm -f "$profile" "$OVPN_DIR/pki/private/$name.key" "$OVPN_DIR/pki/reqs/$name.req" "$OVPN_DIR/pki/issued/$name.crt" "$OVPN_DIR/pki/certs_by_serial/"*.pem
  pki_save
  log "issued $name: the profile is in the secret $secret"
}

# Ends a client's open session; it cannot come back, since the CRL now refuses its certificate.
disconnect_client() {
  local socket="$OVPN_DIR/management.sock"
  if [ -S "$socket" ]; then
    printf 'kill %s\nquit\n' "$1" | timeout 10 nc -U -N "$socket" > /dev/null \
      || log "could not end the open session of $1 now: it ends at its next renegotiation (within an hour)"
  fi
}

# Revokes the certificate in the client's profile, publishes the CRL, ends the client's session
# and deletes the profile.
revoke_client() {
  local name="$1" secret="$OVPN_CLIENT_SECRET_PREFIX/$1" profile
  valid_client_name "$name"
  lock_pki
  pki_restore || die "the secret $OVPN_SECRET_ID holds no PKI yet"
  profile=$(aws_retry secretsmanager get-secret-value --secret-id "$secret" --query SecretString --output text) \\
    || die "no profile for $name (secret $secret)"
  printf '%s\\n' "$profile" | sed -n '/^<cert>$/,/^<\\/cert>$/p' | sed '1d;$d' > "$OVPN_DIR/pki/issued/$name.crt"
  easyrsa revoke "$name"
  easyrsa gen-crl
  rm -rf "$OVPN_DIR/pki/revoked" "$OVPN_DIR/pki/issued/$name.crt"
  pki_save
  disconnect_client "$name"
  aws_retry secretsmanager delete-secret --secret-id "$secret" --force-delete-without-recovery > /dev/null
  log "revoked $name: the server refuses its certificate from now on and has ended its session"
}

signal_stack() {
  aws --region "$OVPN_REGION" cloudformation signal-resource --stack-name "$OVPN_STACK_NAME" \\
    --logical-resource-id "$OVPN_SIGNAL_RESOURCE" --unique-id "$(imds instance-id)" --status "$1" || true
}

install_units() {
  cat > "$OVPN_SYSTEMD_DIR/openvpn-guarded-network.service" << EOF
[Unit]
Description=IP forwarding and NAT for the OpenVPN clients
Before=openvpn-server@server.service
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$OVPN_BIN network-up

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
}

# Any failure of the first boot (a failed command, or die) tells CloudFormation at once rather than at the timeout.
signal_failure_on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then signal_stack FAILURE; fi
}

# First boot of an instance (cloud-init runs this once per instance).
boot() {
  trap signal_failure_on_exit EXIT
  export DEBIAN_FRONTEND=noninteractive
  # unattended-upgrades often holds the dpkg lock on a first boot: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q openvpn easy-rsa iptables netcat-openbsd
  command -v aws > /dev/null || snap install aws-cli --classic
  install -m 0700 "$0" "$OVPN_BIN"
  aws_retry ec2 associate-address --allocation-id "$OVPN_EIP_ALLOCATION_ID" --instance-id "$(imds instance-id)" --allow-reassociation > /dev/null
  configure
  install_units
  if [ "$OVPN_ROUTING_MODE" = routed ]; then take_over_routes; fi
  systemctl enable --now openvpn-guarded-network.service openvpn-server@server.service
  systemctl is-active --quiet openvpn-server@server.service || die "openvpn-server@server did not start"
  signal_stack SUCCESS
}

case "\${1:-boot}" in
  boot) boot ;;
  configure) configure ;;
  network-up) network_up ;;
  issue-client) issue_client "$2" ;;
  revoke-client) revoke_client "$2" ;;
  *) die "usage: $0 [boot|configure|network-up|issue-client NAME|revoke-client NAME]" ;;
esac
`;

/**
 * The whole script: the settings, then the fixed body. Values may be tokens; the caller makes
 * sure literal values hold no single quote.
 */
export function serverScript(settings: ServerScriptSettings): string {
  const lines = Object.entries(settings).map(([name, value]) => `${name}='${value}'`);
  return ['#!/bin/bash', 'set -Eeo pipefail', ...lines, BODY].join('\n');
}
