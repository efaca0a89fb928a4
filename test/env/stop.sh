#!/usr/bin/env bash
# Stops what start.sh started, by pid. Data and cached images stay.
source "$(dirname "$0")/lib.sh"
for name in git-daemon registry dockerd redis; do stop_pid "$name"; done
