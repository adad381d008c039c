#!/bin/sh
# make firmware BOARD=NAME: assembles dist/firmware/NAME/ from Debian packages
# and the project's own files only:
#   kernel            the board's Debian kernel image
#   initramfs.cpio.gz busybox + the modules that find and mount the root
#   rootfs.squashfs   read-only root: busybox, C libraries, halb (+ its addons),
#                     the board's modules, rootfs-overlay/, /etc/halb/board.json
#   data.img          empty ext4 data partition (mounted at /data)
#   manifest.json     versions, sizes and checksums
set -eu
BOARD=${1:?usage: firmware/build.sh BOARD}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
board_json="board/$BOARD/board.json"
[ -f "$board_json" ] || { echo "firmware: no board '$BOARD' (board/$BOARD/board.json)" >&2; exit 2; }
field() { node -e "const b=require('./$board_json'); const v=$1; console.log(Array.isArray(v)?v.join(' '):v)"; }
ARCH=$(field b.arch)
case "$ARCH" in x64) DEBARCH=amd64 ;; arm64) DEBARCH=arm64 ;; *) echo "firmware: bad arch $ARCH" >&2; exit 2 ;; esac
[ -x "dist/halb-linux-$ARCH" ] || { echo "firmware: dist/halb-linux-$ARCH missing: run 'make binary ARCH=$ARCH'" >&2; exit 2; }

set -- $(firmware/debs.sh "$DEBARCH" "$(field b.kernel.debPackage)" busybox-static libc6 libstdc++6 libgcc-s1)
kroot=$1; bbroot=$2; shift 2; libroots="$*"
kver=$(ls "$kroot/lib/modules" | head -1)
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"

out="dist/firmware/$BOARD"
work="build/firmware/$BOARD"
rm -rf "$work" && mkdir -p "$work/rootfs" "$work/initramfs" "$out"

# Modules with their dependencies in load order, as lines of paths inside the image.
resolve_modules() {
  for m in "$@"; do
    modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null | sed -n 's/^insmod \([^ ]*\).*/\1/p'
  done | awk '!seen[$0]++' | sed "s|^$kroot||"
}
install_modules() { # DEST LISTFILE
  while read -r ko; do mkdir -p "$1$(dirname "$ko")" && cp "$kroot$ko" "$1$ko"; done < "$2"
}
applets=$(.cache/root/amd64/busybox-static/bin/busybox --list-full 2>/dev/null || busybox --list-full)
install_busybox() { # DEST
  mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin"
  cp "$bbroot/bin/busybox" "$1/bin/busybox"
  for a in $applets; do [ -e "$1/$a" ] || ln -s /bin/busybox "$1/$a"; done
}

# --- initramfs: find the root disk, mount the squashfs, switch to it
ir="$work/initramfs"
install_busybox "$ir"
mkdir -p "$ir/proc" "$ir/sys" "$ir/dev" "$ir/newroot"
resolve_modules $(field b.bootModules) > "$ir/modules.load"
install_modules "$ir" "$ir/modules.load"
root_dev=$(field b.storage.root)
cat > "$ir/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "\$m" 2>/dev/null; done < /modules.load
for i in \$(seq 1 50); do [ -b $root_dev ] && break; sleep 0.1; done
if ! mount -t squashfs -o ro $root_dev /newroot; then
  echo "halb-boot: cannot mount the root filesystem $root_dev; rebooting"
  sleep 5
  reboot -f
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
INIT
chmod +x "$ir/init"
(cd "$ir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out/initramfs.cpio.gz"

# --- root filesystem
rf="$work/rootfs"
install_busybox "$rf"
mkdir -p "$rf/proc" "$rf/sys" "$rf/dev" "$rf/run" "$rf/tmp" "$rf/data" "$rf/root" "$rf/etc/halb" \
  "$rf/usr/lib/halb/addons" "$rf/var"
ln -s /run "$rf/var/run"
ln -s /tmp "$rf/var/tmp"
for r in $libroots; do
  for d in lib lib64 usr/lib; do
    [ -d "$r/$d" ] || continue
    mkdir -p "$rf/$d" && cp -a "$r/$d/." "$rf/$d/"
  done
done
rm -rf "$rf/usr/lib/"*/gconv "$rf/usr/share"
cp "dist/halb-linux-$ARCH" "$rf/usr/bin/halb"
ln -s ../bin/halb "$rf/usr/sbin/keepalived"
cp "dist/addons/$ARCH/"*.node "$rf/usr/lib/halb/addons/"
cp -a rootfs-overlay/. "$rf/"
cp "$board_json" "$rf/etc/halb/board.json"
resolve_modules $(field b.modules) > "$rf/etc/halb/modules.load"
install_modules "$rf" "$rf/etc/halb/modules.load"
version=$(node -p "require('./package.json').version")
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
echo "halb $version ($commit) board $BOARD kernel $kver" > "$rf/etc/halb/firmware-release"
rm -f "$out/rootfs.squashfs"
# zstd, not xz: under TCG the first start of halb (a 104 MB executable) read through
# xz took ~22 s of every boot, through zstd ~6 s; level 6 packs in ~3 s instead of
# xz's ~90 s, for an image ~20% larger (44 MB instead of 36 MB for qemu-x86_64).
# SQUASHFS_COMP / SQUASHFS_COMP_OPTS choose another compressor (xz for the smallest).
comp=${SQUASHFS_COMP:-zstd}
comp_opts=${SQUASHFS_COMP_OPTS-$([ "$comp" = zstd ] && echo "-Xcompression-level 6")}
# shellcheck disable=SC2086
mksquashfs "$rf" "$out/rootfs.squashfs" -comp "$comp" $comp_opts -all-root -noappend -quiet -no-progress >/dev/null

# --- kernel, data partition, manifest
cp $kroot/$(field b.kernel.image) "$out/kernel"
if [ "$(field 'b.kernel.uncompressed === true')" = true ]; then
  # QEMU boots the plain ELF kernel through its PVH entry (CONFIG_PVH): under TCG
  # that skips the bzImage's own decompressor, which takes most of a boot's first
  # seconds. The payload is the xz stream inside the bzImage.
  off=$(node -e "const d=require('fs').readFileSync('$out/kernel'); console.log(d.indexOf(Buffer.from('fd377a585a00','hex')))")
  [ "$off" -ge 0 ] || { echo "firmware: no xz payload in the kernel image" >&2; exit 2; }
  tail -c +$((off + 1)) "$out/kernel" | xz -dcq > "$out/kernel.elf" 2>/dev/null || true
  head -c 4 "$out/kernel.elf" | grep -q ELF || { echo "firmware: the kernel did not unpack to an ELF" >&2; exit 2; }
  mv "$out/kernel.elf" "$out/kernel"
fi
rm -f "$out/data.img"
truncate -s 32M "$out/data.img"
mkfs.ext4 -q -F -L halb-data "$out/data.img"
cp "$board_json" "$out/board.json"
node -e '
const fs=require("fs"),c=require("crypto"),[out,board,version,commit,kver]=process.argv.slice(1);
const files={};
for (const f of ["kernel","initramfs.cpio.gz","rootfs.squashfs","data.img"]) {
  const b=fs.readFileSync(out+"/"+f);
  files[f]={bytes:b.length,sha256:c.createHash("sha256").update(b).digest("hex")};
}
fs.writeFileSync(out+"/manifest.json",JSON.stringify({board,version,commit,kernel:kver,files},null,2)+"\n");
' "$out" "$BOARD" "$version" "$commit" "$kver"
echo "firmware: $out (rootfs $(du -h "$out/rootfs.squashfs" | cut -f1), kernel $kver)"
