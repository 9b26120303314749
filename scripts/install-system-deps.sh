#!/usr/bin/env bash
# Installs the Debian libraries the PDF report needs (WeasyPrint draws text with pango and
# harfbuzz, finds fonts with fontconfig) and the fonts it sets the report in, when any is
# missing and we may. Idempotent: does nothing when all are there.
set -euo pipefail
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1
          fonts-dejavu-core fonts-liberation)
missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the PDF report's system libraries: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system: install pango (1.44 or later) and a sans-serif font for the PDF"
  echo "report, see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
  exit 0
fi
echo "The PDF report needs: ${missing[*]} (not root, so not installed)."
echo "Install them with: sudo apt-get install ${missing[*]}"
