#!/bin/bash
# A stand-in for Access Server's sacli in tests. It takes only the commands, options, keys and
# values of Access Server's documentation, and keeps its state in SQLite databases where Access
# Server keeps its own ($AS_DIR/etc/db), so that the script's backup and restore run on real
# database files. Every call is logged (stub-log, passwords masked).
set -eo pipefail
db="$AS_DIR/etc/db"
user='' key='' value='' new_pass='' has_value=''
log_line="sacli"
while [ $# -gt 1 ]; do
  case "$1" in
    --user) user=$2 ;;
    --key) key=$2 ;;
    --value) value=$2; has_value=1 ;;
    --new_pass) new_pass=$2 ;;
    *) echo "stub sacli: undocumented option $1" >&2; exit 2 ;;
  esac
  if [ "$1" = --new_pass ]; then log_line="$log_line $1 ****"; else log_line="$log_line $1 $2"; fi
  shift 2
done
[ $# -eq 1 ] || { echo "stub sacli: no command" >&2; exit 2; }
stub-log "$log_line $1"
quote() { printf "'%s'" "${1//\'/\'\'}"; }
fail() { echo "stub sacli: $*" >&2; exit 1; }
running() { [ -f "$AS_DIR/etc/as.conf" ] && [ ! -f "$AS_DIR/stopped" ] && [ -z "$STUB_AS_DOWN" ]; }
running || [ "$1" = status ] || fail "Access Server is not running"

# The documented keys the construct sets, and the values each takes.
valid_setting() {
  case "$1" in
    host.name) [[ "$2" =~ ^[0-9a-zA-Z.-]+$ ]] ;;
    vpn.server.daemon.enable|vpn.server.port_share.enable|vpn.client.routing.reroute_gw) [[ "$2" =~ ^(true|false)$ ]] ;;
    vpn.server.daemon.protocols) [[ "$2" =~ ^(udp|tcp|both)$ ]] ;;
    vpn.server.daemon.udp.port|vpn.server.daemon.tcp.port) [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] ;;
    vpn.daemon.0.client.network) [[ "$2" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ;;
    vpn.daemon.0.client.netmask_bits) [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 16 ] && [ "$2" -le 29 ] ;;
    vpn.server.routing.private_access) [[ "$2" =~ ^(nat|route)$ ]] ;;
    vpn.server.routing.private_network.[0-9]*) [[ "$2" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$ ]] ;;
    vpn.client.routing.reroute_dns) [[ "$2" =~ ^(true|false|custom)$ ]] ;;
    vpn.server.dhcp_option.dns.[0-9]*) [[ "$2" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ;;
    *) return 1 ;;
  esac
}

case "$1" in
  status) running || fail "Access Server is not running"; echo '{ "openvpn_0": "on", "web": "on" }' ;;
  start) ;;
  ConfigPut)
    [ -z "$user" ] && [ -n "$has_value" ] || fail "ConfigPut takes --key and --value"
    valid_setting "$key" "$value" || fail "'$key' = '$value' is not a documented setting and value"
    sqlite3 "$db/config.db" "INSERT OR REPLACE INTO config (name, value) VALUES ($(quote "$key"), $(quote "$value"));" ;;
  ConfigDel)
    [ -n "$key" ] && [ -z "$has_value" ] || fail "ConfigDel takes --key only"
    sqlite3 "$db/config.db" "DELETE FROM config WHERE name = $(quote "$key");" ;;
  ConfigQuery)
    echo '{'
    sqlite3 -separator $'\t' "$db/config.db" 'SELECT name, value FROM config ORDER BY name;' | sed 's/^\([^\t]*\)\t\(.*\)$/  "\1": "\2",/' | sed '$ s/,$//'
    echo '}' ;;
  UserPropPut)
    [ -n "$user" ] && [ -n "$key" ] && [ -n "$has_value" ] || fail "UserPropPut takes --user, --key and --value"
    case "$key=$value" in
      type=user_connect|prop_autologin=true|prop_autologin=false|prop_superuser=true|prop_superuser=false|user_auth_type=local) ;;
      *) fail "'$key' = '$value' is not a documented user property and value" ;;
    esac
    sqlite3 "$db/userprop.db" "INSERT OR REPLACE INTO props (user, name, value) VALUES ($(quote "$user"), $(quote "$key"), $(quote "$value"));" ;;
  UserPropDelAll)
    [ -n "$user" ] || fail "UserPropDelAll takes --user"
    sqlite3 "$db/userprop.db" "DELETE FROM props WHERE user = $(quote "$user");" ;;
  SetLocalPassword)
    [ -n "$user" ] && [ -n "$new_pass" ] || fail "SetLocalPassword takes --user and --new_pass"
    digest=$(printf '%s' "$new_pass" | sha256sum | cut -d' ' -f1)
    sqlite3 "$db/userprop.db" "INSERT OR REPLACE INTO props (user, name, value) VALUES ($(quote "$user"), 'pvt_password_digest', '$digest');" ;;
  GetAutologin)
    [ -n "$user" ] || fail "GetAutologin takes --user"
    [ "$(sqlite3 "$db/userprop.db" "SELECT value FROM props WHERE user = $(quote "$user") AND name = 'prop_autologin';")" = true ] || fail "need autologin"
    serial=$(sqlite3 "$db/certs.db" "INSERT INTO certs (cn, revoked) VALUES ($(quote "${user}_AUTOLOGIN"), 0); SELECT last_insert_rowid();")
    host=$(sqlite3 "$db/config.db" "SELECT value FROM config WHERE name = 'host.name';")
    printf 'client\nremote %s\n<ca>\n%s\n</ca>\n<cert>\nserial %s for %s\n</cert>\n' "$host" "$(sqlite3 "$db/certs.db" 'SELECT pem FROM ca;')" "$serial" "$user" ;;
  RevokeUser)
    [ -n "$user" ] || fail "RevokeUser takes --user"
    sqlite3 "$db/certs.db" "UPDATE certs SET revoked = 1 WHERE cn = $(quote "${user}_AUTOLOGIN");" ;;
  *) echo "stub sacli: undocumented command $1" >&2; exit 2 ;;
esac
