#!/usr/bin/env bash
# The first step of `npm test`: makes sure every program the tests run for real is on this machine.
# As root on Debian it installs what is missing with apt-get; anywhere else it stops, before the
# first test, and prints the one command that installs what is missing.
set -euo pipefail

# program the tests run -> the Debian package that ships it
PROGRAMS=(
  unbound:unbound                        # PrivateLinkConsumer forwarders: the real resolver
  unbound-checkconf:unbound
  openvpn:openvpn                        # OpenVpnAccessServer: the real server and client
  /usr/share/easy-rsa/easyrsa:easy-rsa   # its PKI, as the boot script builds it
  openssl:openssl
  sqlite3:sqlite3                        # Access Server's databases, backed up and restored
  shellcheck:shellcheck                  # every boot script, as a file
  ip:iproute2                            # network namespaces for the tunnel and the resolvers
  unshare:util-linux
  iptables:iptables
  ping:iputils-ping
  nc:netcat-openbsd
)

missing=()
for entry in "${PROGRAMS[@]}"; do
  program="${entry%%:*}"
  package="${entry#*:}"
  if ! command -v "$program" >/dev/null 2>&1 && [ ! -x "$program" ]; then
    case " ${missing[*]-} " in
      *" $package "*) ;;
      *) missing+=("$package") ;;
    esac
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing the Debian packages the tests run: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

{
  echo "provision: the tests run programs this machine does not have."
  echo "Install them with this one command, then run npm test again:"
  echo
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
  echo
  echo "(On a system without apt-get, install the same programs from its own packages: ${missing[*]}.)"
} >&2
exit 1
