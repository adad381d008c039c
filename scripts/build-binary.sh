#!/bin/sh
# Builds dist/halb-linux-ARCH: one file, Node's single-executable support on the
# official Node binary (from npm), with the native addons embedded as SEA assets
# and also copied to dist/addons/ARCH/ for images that install them beside it.
set -eu
ARCH=${1:?usage: build-binary.sh x64|arm64}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
case "$ARCH" in
  x64) CC=gcc; CXX=g++; STRIP=strip; NODE_DIR=linux-x64; SP_GLOB='*.glibc.node' ;;
  arm64) CC=aarch64-linux-gnu-gcc; CXX=aarch64-linux-gnu-g++; STRIP=aarch64-linux-gnu-strip; NODE_DIR=linux-arm64; SP_GLOB='*armv8.glibc.node' ;;
  *) echo "build-binary: unknown ARCH '$ARCH' (x64 or arm64)" >&2; exit 2 ;;
esac
base=$(scripts/node-base.sh "$ARCH")
host_node=$(scripts/node-base.sh x64)   # same version: the blob must come from an identical Node

addons="build/addons/$ARCH"
mkdir -p "$addons" build/sea dist "dist/addons/$ARCH"
$CC -O2 -Wall -Wextra -Werror -shared -fPIC -DNODE_GYP_MODULE_NAME=halb_sys \
  -I"$(dirname "$base")/../include/node" native/*.c -o "$addons/halb_sys.node"
mkdir -p "build/native/$ARCH" && cp "$addons/halb_sys.node" "build/native/$ARCH/halb_sys.node"
# netlink's binding, built here from the package's source with
# patches/netlink-overrun.patch instead of the package's prebuilt copy: a
# socket overrun aborted the process, and receive buffers were capped at
# net.core.rmem_max (see the patch).
nlsrc="build/netlink-src/$ARCH"
rm -rf "$nlsrc" && mkdir -p "$nlsrc/src"
cp node_modules/netlink/src/binding.cc "$nlsrc/src/"
patch -s -d "$nlsrc" -p1 < patches/netlink-overrun.patch
$CXX -O2 -std=c++17 -Wall -shared -fPIC -fexceptions -DNAPI_CPP_EXCEPTIONS -DNODE_GYP_MODULE_NAME=netlink_binding \
  -I node_modules/node-addon-api -I"$(dirname "$base")/../include/node" \
  "$nlsrc/src/binding.cc" -o "$addons/netlink.node"
cp "$addons/netlink.node" "build/native/$ARCH/netlink.node"
cp node_modules/@serialport/bindings-cpp/prebuilds/$NODE_DIR/$SP_GLOB "$addons/serialport.node"

rm -rf build/sea/chunks
node scripts/bundle.mjs build/sea/halb.js
cat > "build/sea/sea-config-$ARCH.json" <<JSON
{
  "main": "build/sea/halb.js",
  "output": "build/sea/halb-$ARCH.blob",
  "disableExperimentalSEAWarning": true,
  "useSnapshot": false,
  "useCodeCache": $([ "$ARCH" = x64 ] && echo true || echo false),
  "assets": {
    "addons/netlink.node": "$addons/netlink.node",
    "addons/serialport.node": "$addons/serialport.node",
    "addons/halb_sys.node": "$addons/halb_sys.node"$(for c in build/sea/chunks/*.js; do printf ',\n    "chunks/%s": "%s"' "$(basename "$c")" "$c"; done)
  }
}
JSON
"$host_node" --experimental-sea-config "build/sea/sea-config-$ARCH.json" >build/sea/blob-$ARCH.log 2>&1 || { cat build/sea/blob-$ARCH.log >&2; exit 1; }

out="dist/halb-linux-$ARCH"
tmp="$out.tmp"
cp "$base" "$tmp"
chmod u+w "$tmp"
$STRIP "$tmp"
node node_modules/postject/dist/cli.js "$tmp" NODE_SEA_BLOB "build/sea/halb-$ARCH.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v -e "Can't find string offset" -e '^$' -e 'Start injection' -e 'Injection done' || true
chmod 755 "$tmp"
mv "$tmp" "$out"
cp "$addons"/*.node "dist/addons/$ARCH/"
echo "build-binary: $out ($(du -h "$out" | cut -f1))"
