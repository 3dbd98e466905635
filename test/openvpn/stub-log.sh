#!/bin/bash
# Logs a stand-in's call (apt-get, systemctl, sacli, ...) to $STUB_LOG, after the number of
# requests moto has recorded so far ($MOTO_RECORDING has one line each): the tests put the
# stand-ins' calls and the AWS calls moto received in one order (ServerSandbox.timeline).
recorded=$({ wc -l < "$MOTO_RECORDING"; } 2> /dev/null || echo 0)
echo "$recorded $*" >> "$STUB_LOG"
