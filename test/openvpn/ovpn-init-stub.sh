#!/bin/bash
# A stand-in for Access Server's ovpn-init in tests: a new installation's databases, with a CA of
# its own and the defaults the construct must replace (Access Server's own client pool and the
# instance's subnet as a private network). It takes only the unattended flags the script passes.
set -eo pipefail
[ "$*" = '--batch --force' ] || { echo "stub ovpn-init: unexpected arguments: $*" >&2; exit 2; }
stub-log "ovpn-init $*"
db="$AS_DIR/etc/db"
mkdir -p "$db"
rm -f "$db"/*.db
sqlite3 "$db/config.db" "CREATE TABLE config (name TEXT PRIMARY KEY, value TEXT);
  INSERT INTO config VALUES ('vpn.daemon.0.client.network', '172.27.224.0'), ('vpn.daemon.0.client.netmask_bits', '20'),
    ('vpn.server.routing.private_network.0', '10.0.0.0/21'), ('vpn.server.routing.private_network.1', '10.0.8.0/21'),
    ('vpn.server.port_share.enable', 'true'), ('vpn.server.daemon.protocols', 'both');"
sqlite3 "$db/certs.db" "CREATE TABLE ca (pem TEXT); CREATE TABLE certs (serial INTEGER PRIMARY KEY, cn TEXT, revoked INTEGER);
  INSERT INTO ca VALUES ('CA $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')');"
sqlite3 "$db/userprop.db" "CREATE TABLE props (user TEXT, name TEXT, value TEXT, PRIMARY KEY (user, name));
  INSERT INTO props VALUES ('openvpn', 'prop_superuser', 'true');"
sqlite3 "$db/log.db" "CREATE TABLE log (line TEXT);"
echo "# as.conf" > "$AS_DIR/etc/as.conf"
