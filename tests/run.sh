#!/usr/bin/env bash
# The one test command. Installs what the tests need if it is missing (Debian packages,
# npm dependencies, the cached OBS root file system), then runs every test:
# `cargo test --workspace` (unit, API, protocol, persistence, real OBS, fake Twitch)
# and the browser-side tests (Vitest, then real Chromium against the real daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
top="$(pwd)"
export STAGEHAND_ARTIFACTS="${STAGEHAND_ARTIFACTS:-$top/tests/artifacts}"
mkdir -p "$STAGEHAND_ARTIFACTS"

step() { printf '\n==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Debian packages: Chromium for the browser tests, Node.js/npm for the bundle.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
    as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}"
fi

# 2. The OBS root file system (cached; built once with mmdebstrap from the Debian mirror).
step "OBS root file system"
as_root tests/obs/rootfs.sh
trap 'as_root tests/obs/unmount.sh >/dev/null 2>&1 || true' EXIT

# 3. npm dependencies, exactly as package-lock.json pins them (`npm install --no-save` rather
# than `npm ci`: see build.rs).
step "npm dependencies (overlay/)"
(cd overlay && npm install --no-save --no-audit --no-fund)

# 4. Rust: every crate's unit and integration tests. build.rs builds the bundle.
step "cargo test --workspace"
cargo test --workspace

# 5. Browser side: unit tests, then real Chromium against the daemon built above.
step "overlay/admin unit tests (vitest)"
(cd overlay && npm test)
step "browser tests (Chromium + daemon + a real OBS for the settings and every-widget pages)"
cargo build -p stagehand-obs --example test_obs --features test-obs
cargo build -p stagehand-twitch --example fake_twitch --features fake-server
(cd overlay && STAGEHAND_BIN="$top/target/debug/stagehand" npm run e2e)

step "all tests passed; screenshots in $STAGEHAND_ARTIFACTS"
