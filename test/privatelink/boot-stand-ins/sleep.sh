#!/bin/bash
# Stands in for sleep(1) so that the attach retry loop does not wait: logs how long it was asked to wait.
echo "sleep $*" >> "$STAND_IN_LOG"
