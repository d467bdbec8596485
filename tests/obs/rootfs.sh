#!/usr/bin/env bash
# Ensure a cached Debian trixie root file system with OBS Studio 30.2 (obs-websocket 5.5),
# Xvfb and xauth, for the real-OBS tests. Idempotent: an existing root is reused.
# Builds into a temporary directory next to the target and renames it into place,
# so an interrupted build never leaves a half root behind. Prints the root's path.
# This is the only step of the OBS tests that uses the network (the Debian mirror).
set -euo pipefail

ROOT="${STAGEHAND_OBS_ROOT:-/var/cache/stagehand/obs-root}"
MIRROR="${STAGEHAND_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES="obs-studio,xvfb,xauth,ca-certificates"

# A finished root has OBS and xvfb-run; a marker file records that the build completed.
if [ -x "$ROOT/usr/bin/obs" ] && [ -x "$ROOT/usr/bin/xvfb-run" ] && [ -f "$ROOT/.stagehand-obs-root" ]; then
    echo "$ROOT"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "rootfs.sh: must run as root (mmdebstrap, chroot and mount need it)" >&2
    exit 1
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "rootfs.sh: installing mmdebstrap" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq mmdebstrap >&2
fi

parent="$(dirname "$ROOT")"
mkdir -p "$parent"
# Serialise concurrent callers: the second one waits and then finds the finished root.
exec 9>"$parent/.$(basename "$ROOT").lock"
flock 9
if [ -x "$ROOT/usr/bin/obs" ] && [ -f "$ROOT/.stagehand-obs-root" ]; then
    echo "$ROOT"
    exit 0
fi

tmp="$(mktemp -d "$parent/.$(basename "$ROOT").build.XXXXXX")"
cleanup() { rm -rf --one-file-system "$tmp"; }
trap cleanup EXIT

echo "rootfs.sh: building $ROOT with mmdebstrap (about 770 MB download)" >&2
# mmdebstrap wants an empty directory or a path that does not exist yet.
rmdir "$tmp"
mmdebstrap --variant=apt --include="$PACKAGES" trixie "$tmp" "$MIRROR" >&2
mkdir -p "$tmp/stagehand"
date -u +%FT%TZ >"$tmp/.stagehand-obs-root"

# A stale, incomplete root (no marker) is moved away before the atomic rename.
if [ -e "$ROOT" ]; then
    old="$(mktemp -d "$parent/.$(basename "$ROOT").old.XXXXXX")"
    # Refuse to delete something that still has mounts inside.
    if grep -q " $ROOT/" /proc/mounts; then
        echo "rootfs.sh: $ROOT is incomplete but has mounts; run tests/obs/unmount.sh first" >&2
        exit 1
    fi
    mv -T "$ROOT" "$old/root"
    rm -rf --one-file-system "$old"
fi
mv -T "$tmp" "$ROOT"
trap - EXIT
echo "$ROOT"
