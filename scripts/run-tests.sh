#!/bin/sh
# make test's runner.
# - unit: two files at a time (pure code, each file in its own temp dirs).
# - vm beside binary + netns: two lanes at once, one file at a time in each.
#   A TCG guest keeps one core busy; the netns tests mostly wait on protocol
#   timers, so they share the other core. Two netns files at once, or two VM
#   files at once, would compete for the same things (timing, both cores).
#   The vm lane's report is kept in a file and printed when both lanes are
#   done, so the two reports do not interleave.
# Each node --test run ends with its own summary; the exit status fails if any did.
# Usage: scripts/run-tests.sh TIER...
set -u
cd "$(dirname "$0")/.."
files() { for t in "$@"; do [ -d "build/test/$t" ] && find "build/test/$t" -name '*.test.js'; done | sort; }
rc=0
unit=""; host=""; vm=""
for t in "$@"; do
  case "$t" in unit) unit="$unit $t" ;; vm) vm="$vm $t" ;; *) host="$host $t" ;; esac
done
# shellcheck disable=SC2086
if [ -n "$unit" ] && [ -n "$(files $unit)" ]; then
  node --test --test-concurrency=2 $(files $unit) || rc=1
fi
vm_log=""
vm_pid=""
# shellcheck disable=SC2086
if [ -n "$vm" ] && [ -n "$(files $vm)" ]; then
  vm_log=$(mktemp /tmp/halb-vm-lane.XXXXXX)
  echo "# vm tier running beside the others; its report follows theirs"
  node --test --test-concurrency=1 $(files $vm) >"$vm_log" 2>&1 &
  vm_pid=$!
  trap 'kill "$vm_pid" 2>/dev/null; rm -f "$vm_log"' INT TERM
fi
# shellcheck disable=SC2086
if [ -n "$host" ] && [ -n "$(files $host)" ]; then
  node --test --test-concurrency=1 $(files $host) || rc=1
fi
if [ -n "$vm_pid" ]; then
  wait "$vm_pid" || rc=1
  cat "$vm_log"
  rm -f "$vm_log"
fi
exit $rc
