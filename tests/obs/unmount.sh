#!/usr/bin/env bash
# Lazily unmount proc, sys and dev from the OBS test root (mounted by
# stagehand_obs::testing::ObsProcess). Run by tests/run.sh when all tests are done. Lazy (-l)
# so a straggling process cannot make it fail; the root itself stays cached for the next run.
set -euo pipefail

ROOT="${STAGEHAND_OBS_ROOT:-/var/cache/stagehand/obs-root}"
ROOT="$(realpath -m "$ROOT")"

for dir in dev sys proc; do
    target="$ROOT/$dir"
    # Several test binaries may have raced to mount: undo every layer.
    while grep -q " $target " /proc/mounts; do
        umount -l "$target"
    done
done
# Nothing may stay mounted below the root (mounted submounts go with -l above).
if grep -q " $ROOT/" /proc/mounts; then
    echo "unmount.sh: still mounted below $ROOT:" >&2
    grep " $ROOT/" /proc/mounts >&2
    exit 1
fi
