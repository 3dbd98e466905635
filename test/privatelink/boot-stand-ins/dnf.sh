#!/bin/bash
# Stands in for Amazon Linux 2023's dnf, which this Debian machine does not have: unbound is already
# installed from Debian's package (the real unbound-checkconf runs after it), so `install` has
# nothing to do, as dnf says for an installed package. Logs the call; fails if unbound is missing.
echo "dnf $*" >> "$STAND_IN_LOG"
if [ "$*" != "install -y unbound" ] || ! command -v unbound-checkconf > /dev/null; then
  echo "dnf stand-in: cannot $*" >&2
  exit 1
fi
echo "Package unbound is already installed. Nothing to do."
