#!/bin/sh
# Prints the path of the official Node binary for ARCH (x64|arm64), unpacking
# it from the node-linux-ARCH npm package into .cache/ on first use (npm
# registry only: nothing is fetched from nodejs.org or GitHub).
set -eu
ARCH=${1:?usage: node-base.sh x64|arm64}
VERSION=${HALB_NODE_VERSION:-22.23.3}
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/.cache/node/$VERSION/$ARCH"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$dir" "$top/.cache/npm-pack"
  tgz="$top/.cache/npm-pack/node-linux-$ARCH-$VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    echo "node-base: fetching node-linux-$ARCH@$VERSION from the npm registry" >&2
    (cd "$top/.cache/npm-pack" && npm pack --silent "node-linux-$ARCH@$VERSION" >/dev/null 2>&1)
  fi
  tar -xzf "$tgz" -C "$dir" --strip-components=1
fi
echo "$dir/bin/node"
