#!/bin/bash
# Stands in for systemd's systemctl: the test runs in a container without systemd as PID 1, and
# starting unbound as a system service is no part of what is tested here (test/privatelink/unbound.test.ts
# runs unbound on this configuration). Logs the call.
echo "systemctl $*" >> "$STAND_IN_LOG"
