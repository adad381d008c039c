#!/bin/sh
# make test's runner: the unit tier with two files at a time (pure code, each
# file in its own temp dirs), then the binary, netns and vm tiers one file at a
# time (they share the host's namespaces and CPUs and are timing-sensitive).
# Each group ends with node's own summary; the exit status fails if either did.
# Usage: scripts/run-tests.sh TIER...
set -u
cd "$(dirname "$0")/.."
files() { for t in "$@"; do [ -d "build/test/$t" ] && find "build/test/$t" -name '*.test.js'; done | sort; }
rc=0
parallel=""; serial=""
for t in "$@"; do
  case "$t" in unit) parallel="$parallel $t" ;; *) serial="$serial $t" ;; esac
done
# shellcheck disable=SC2086
if [ -n "$parallel" ] && [ -n "$(files $parallel)" ]; then
  node --test --test-concurrency=2 $(files $parallel) || rc=1
fi
# shellcheck disable=SC2086
if [ -n "$serial" ] && [ -n "$(files $serial)" ]; then
  node --test --test-concurrency=1 $(files $serial) || rc=1
fi
exit $rc
