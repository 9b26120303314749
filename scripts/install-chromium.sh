#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests, when it is missing and we may.
# Playwright's own browser download does not work on every machine; Debian's build does.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
  exit 0
fi
echo "chromium not found at /usr/bin/chromium and not root: browser tests will be skipped."
echo "Enable them with: sudo apt-get install chromium"
