/**
 * The script the server runs: as user data on first boot, and afterwards as
 * `/usr/local/sbin/openvpn-guarded` for the client profile document. Internal; never exported.
 *
 * It is one file per edition, a shared part followed by the edition's own, so that a test can run
 * the very text the template carries. The community edition's commands are `configure` (PKI and
 * server.conf), `network-up` (forwarding and NAT), `take-over` (Elastic IP and routes, at every
 * boot), `issue-client` and `revoke-client`; Access Server's are `backup`, `take-over`,
 * `issue-client` and `revoke-client`.
 */
import { OpenVpnEdition } from './edition';

/** Where the boot script installs itself, for the client profile document to call. */
export const SERVER_SCRIPT_PATH = '/usr/local/sbin/openvpn-guarded';

/** The first characters of the PKI secret once the community server has stored the PKI in it. */
export const PKI_MARKER = 'guarded-patterns-openvpn-pki-v1:';

/** The first characters of the PKI secret once Access Server has stored its databases in it. */
export const ACCESS_SERVER_MARKER = 'guarded-patterns-openvpn-as-v1:';

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
  /** Access Server only: the secret holding the administrator's password. */
  readonly OVPN_ADMIN_SECRET_ID?: string;
}

/** What both editions do: AWS calls, the Elastic IP, routes, client profile secrets, signals. */
const SHARED = `# Everything above is settings: addresses, names and ARNs. Nothing secret is in this script: the
# keys are generated on the first boot and kept in the Secrets Manager secret OVPN_SECRET_ID.
umask 077
PATH="$PATH:/snap/bin"
OVPN_BIN="\${OVPN_BIN:-${SERVER_SCRIPT_PATH}}"
OVPN_RETRY_SECONDS="\${OVPN_RETRY_SECONDS:-6}"
OVPN_SYSTEMD_DIR="\${OVPN_SYSTEMD_DIR:-/etc/systemd/system}"

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
  IFS=. read -r a b c d <<< "\${1%/*}"
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
  aws_retry secretsmanager create-secret --name "$(profile_secret "$1")" --kms-key-id "$OVPN_KMS_KEY_ID" \\
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
    aws --region "$OVPN_REGION" ec2 replace-route --route-table-id "$table" --destination-cidr-block "$OVPN_CLIENT_CIDR" --network-interface-id "$eni" 2> /dev/null \\
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

# $1: the unit the server runs as.
install_address_unit() {
  cat > "$OVPN_SYSTEMD_DIR/openvpn-guarded-address.service" << EOF
[Unit]
Description=Take the Elastic IP and the VPC routes of the OpenVPN server
After=network-online.target $1
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$OVPN_BIN take-over

[Install]
WantedBy=multi-user.target
EOF
}

# Reads the state secret into SECRET_VALUE and SECRET_STATE: "stored" when it starts with the
# marker $1, "placeholder" while it holds the random first value CloudFormation gave it (32
# printable characters). A read that fails, or any other value, ends the script: only a successful
# read of the placeholder may lead to creating anything.
read_state_secret() {
  SECRET_VALUE=$(aws_retry secretsmanager get-secret-value --secret-id "$OVPN_SECRET_ID" --query SecretString --output text) \\
    || die "could not read the secret $OVPN_SECRET_ID: nothing is created or stored until it can be read"
  case "$SECRET_VALUE" in
    "$1"*) SECRET_STATE=stored ;;
    *) [[ "$SECRET_VALUE" =~ ^[[:graph:]]{32}$ ]] || die "the secret $OVPN_SECRET_ID holds neither this server's data nor CloudFormation's first value: restore its last version"
      SECRET_STATE=placeholder ;;
  esac
}

signal_stack() {
  aws_retry cloudformation signal-resource --stack-name "$OVPN_STACK_NAME" \\
    --logical-resource-id "$OVPN_SIGNAL_RESOURCE" --unique-id "$(imds instance-id)" --status "$1" || true
}

# Any failure of the first boot (a failed command, or die) tells CloudFormation at once rather than at the timeout.
signal_failure_on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then signal_stack FAILURE; fi
}


`;

/** Community OpenVPN from the distribution's packages, with an easy-rsa PKI. */
const COMMUNITY = `OVPN_DIR="\${OVPN_DIR:-/etc/openvpn/server}"
EASYRSA_CMD="\${EASYRSA_CMD:-/usr/share/easy-rsa/easyrsa}"
PKI_MARKER='${PKI_MARKER}'

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
    printf '%s' "\${SECRET_VALUE#"$PKI_MARKER"}" | base64 -d | tar -C "$OVPN_DIR" -xzf -
    log "PKI restored from $OVPN_SECRET_ID"
  elif [ "\${1:-}" = create ]; then
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
    for route in $OVPN_ROUTES; do echo "push \\"route $(cidr_to_route "$route")\\""; done
    for dns in $(pushed_dns_servers); do echo "push \\"dhcp-option DNS $dns\\""; done
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
    iptables -t nat -C POSTROUTING -s "$OVPN_CLIENT_CIDR" -o "$dev" -j MASQUERADE 2> /dev/null \\
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
  ids=$({ printf 'status 3\\n'; sleep 1; printf 'quit\\n'; } | timeout 10 nc -U -N "$socket" | awk -F '\\t' -v cn="$1" '
    $1 == "HEADER" && $2 == "CLIENT_LIST" { for (i = 3; i <= NF; i++) if ($i == "Client ID") c = i - 1 }
    $1 == "CLIENT_LIST" && $2 == cn && c { print $c }') || log "could not list the open sessions"
  for id in $ids; do
    printf 'client-kill %s\\nquit\\n' "$id" | timeout 10 nc -U -N "$socket" > /dev/null || log "could not end the session of $1 now: it ends at its next renegotiation"
  done
}

# Revokes the certificate in the client's profile, publishes the CRL, ends the client's session
# and deletes the profile.
revoke_client() {
  local name="$1" profile
  valid_client_name "$name" server
  lock_changes "$OVPN_DIR/.lock"
  pki_restore
  profile=$(aws_retry secretsmanager get-secret-value --secret-id "$(profile_secret "$name")" --query SecretString --output text) \\
    || die "no profile for $name (secret $(profile_secret "$name"))"
  printf '%s\\n' "$profile" | sed -n '/^<cert>$/,/^<\\/cert>$/p' | sed '1d;$d' > "$OVPN_DIR/pki/issued/$name.crt"
  easyrsa revoke "$name"
  easyrsa gen-crl
  rm -rf "$OVPN_DIR/pki/revoked" "$OVPN_DIR/pki/issued/$name.crt"
  pki_save
  disconnect_client "$name"
  delete_profile "$name"
  log "revoked $name: the server refuses its certificate from now on and has ended its session"
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
  install_address_unit openvpn-server@server.service
  systemctl daemon-reload
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
  configure
  install_units
  systemctl enable --now openvpn-guarded-network.service openvpn-server@server.service
  systemctl enable openvpn-guarded-address.service
  systemctl is-active --quiet openvpn-server@server.service || die "openvpn-server@server did not start"
  take_over
  signal_stack SUCCESS
}

case "\${1:-boot}" in
  boot) boot ;;
  configure) configure ;;
  network-up) network_up ;;
  issue-client) issue_client "$2" ;;
  revoke-client) revoke_client "$2" ;;
  take-over) take_over ;;
  *) die "usage: $0 [boot|configure|network-up|take-over|issue-client NAME|revoke-client NAME]" ;;
esac
`;

/** OpenVPN Access Server from its Marketplace image, configured with sacli. */
const ACCESS_SERVER = `AS_DIR="\${AS_DIR:-/usr/local/openvpn_as}"
AS_MARKER='${ACCESS_SERVER_MARKER}'
# The CA and issued certificates, the settings, and the users; the log database stays behind.
AS_DATABASES='certs.db config.db userprop.db'
# The most a Secrets Manager secret holds.
SECRET_LIMIT=65536

sacli() { "$AS_DIR/scripts/sacli" "$@"; }

as_put() { sacli --key "$1" --value "$2" ConfigPut > /dev/null; }

# Deletes the numbered keys $1.0, $1.1, ... so that a list (private networks, DNS servers) is written afresh.
as_clear_list() {
  local key pattern="^\${1//./\\\\.}\\\\.[0-9]+$"
  for key in $(sacli ConfigQuery | grep -oE '"[^"]+"' | tr -d '"' | grep -E "$pattern"); do
    sacli --key "$key" ConfigDel > /dev/null
  done
}

# Waits until Access Server answers, up to three minutes.
as_wait() {
  local attempt
  for attempt in $(seq 1 30); do
    if sacli status > /dev/null 2>&1; then return 0; fi
    sleep "$OVPN_RETRY_SECONDS"
  done
  die "Access Server does not answer 'sacli status'"
}

# The image may run its own first-boot setup: wait two minutes for it, then run it unattended.
as_initialize() {
  local attempt
  for attempt in $(seq 1 20); do
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
  printf '%s' "\${SECRET_VALUE#"$AS_MARKER"}" | base64 -d | tar -C "$dump" -xzf -
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
  as_put vpn.daemon.0.client.network "\${OVPN_CLIENT_CIDR%/*}"
  as_put vpn.daemon.0.client.netmask_bits "\${OVPN_CLIENT_CIDR#*/}"
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

case "\${1:-boot}" in
  boot) boot ;;
  backup) lock_changes "$AS_DIR/etc/.guarded-lock"; as_backup ;;
  issue-client) issue_client "$2" ;;
  revoke-client) revoke_client "$2" ;;
  take-over) take_over ;;
  *) die "usage: $0 [boot|backup|take-over|issue-client NAME|revoke-client NAME]" ;;
esac
`;

/**
 * The whole script: the settings, then the shared part and the edition's own. Values may be
 * tokens; the caller makes sure literal values hold no single quote.
 */
export function serverScript(settings: ServerScriptSettings, edition: OpenVpnEdition = OpenVpnEdition.COMMUNITY): string {
  const lines = Object.entries(settings).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}='${value}'`);
  return ['#!/bin/bash', 'set -Eeo pipefail', ...lines, SHARED, edition === OpenVpnEdition.ACCESS_SERVER ? ACCESS_SERVER : COMMUNITY].join('\n');
}
