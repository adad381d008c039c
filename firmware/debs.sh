#!/bin/sh
# Fetches Debian packages for DEBARCH into .cache/debs/DEBARCH and unpacks each
# into .cache/root/DEBARCH/PKG (dpkg -x: nothing is installed on the host).
# A meta package (linux-image-amd64) is followed to the package it depends on.
# Prints the unpacked directories, one per package, in argument order.
set -eu
DEBARCH=${1:?usage: debs.sh amd64|arm64 PKG...}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
debs="$top/.cache/debs/$DEBARCH"
roots="$top/.cache/root/$DEBARCH"
mkdir -p "$debs" "$roots"
for pkg in "$@"; do
  real=$pkg
  case "$pkg" in
    linux-image-amd64|linux-image-arm64)
      real=$(apt-cache depends "$pkg:$DEBARCH" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -1)
      [ -n "$real" ] || { echo "debs: cannot resolve $pkg for $DEBARCH (is the $DEBARCH architecture added to apt?)" >&2; exit 1; }
      ;;
  esac
  if [ ! -d "$roots/$real" ]; then
    deb=$(ls "$debs/${real}_"*"_$DEBARCH.deb" "$debs/${real}_"*"_all.deb" 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
      echo "debs: downloading $real:$DEBARCH" >&2
      (cd "$debs" && apt-get -o APT::Sandbox::User=root download -q "$real:$DEBARCH" >/dev/null)
      deb=$(ls "$debs/${real}_"*.deb | head -1)
    fi
    rm -rf "$roots/$real.tmp" && mkdir -p "$roots/$real.tmp"
    dpkg -x "$deb" "$roots/$real.tmp"
    mv "$roots/$real.tmp" "$roots/$real"
  fi
  echo "$roots/$real"
done
