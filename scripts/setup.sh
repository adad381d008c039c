#!/bin/sh
# Installs what building and testing halb needs, idempotently: Debian packages
# (and the arm64 architecture, for the arm64 firmware's packages) and the npm
# dependencies. Says what it installs; silent when everything is there.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES="qemu-system-x86 qemu-system-arm qemu-user-static qemu-utils linux-image-amd64
busybox-static squashfs-tools keepalived ipvsadm nftables tcpdump tshark iproute2 iputils-ping
e2fsprogs cpio xz-utils kmod gcc g++ make g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
socat psmisc procps time patch snmpd snmp snmptrapd"

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
need_update=""
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "setup: adding the arm64 architecture to apt (arm64 firmware packages are downloaded, not installed)"
  sudo_ dpkg --add-architecture arm64
  need_update=1
fi
if [ -n "$missing" ] || [ -n "$need_update" ]; then
  echo "setup: apt-get update"
  sudo_ apt-get update -q >/dev/null
fi
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  echo "wireshark-common wireshark-common/install-setuid boolean false" | sudo_ debconf-set-selections
  # No service starts from an install (snmpd, snmptrapd): the tests run their own, in their namespaces.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | sudo_ tee /usr/sbin/policy-rc.d >/dev/null
    sudo_ chmod 755 /usr/sbin/policy-rc.d
    policy=1
  fi
  # shellcheck disable=SC2086
  rc=0
  sudo_ apt-get install -y -q --no-install-recommends $missing >/dev/null || rc=$?
  if [ -n "$policy" ]; then sudo_ rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" = 0 ] || { echo "setup: apt-get install failed ($rc)" >&2; exit "$rc"; }
fi

stamp=node_modules/.halb-npm-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: npm ci (dependencies from package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error 2>&1 | grep -v 'Unknown user config' || true
  [ -d node_modules/typescript ] || { echo "setup: npm ci failed" >&2; exit 1; }
  touch "$stamp"
fi
