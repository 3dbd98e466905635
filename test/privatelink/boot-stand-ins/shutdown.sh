#!/bin/bash
# Stands in for shutdown(8): the real one would halt this machine. Logs the call and returns as the
# real one does once the halt is scheduled.
echo "shutdown $*" >> "$STAND_IN_LOG"
