#!/usr/bin/env bash
# Installs the optional system packages: Tesseract with Chinese (OCR of scanned reports), poppler-utils,
# Chromium (HTML report screenshots in tests). Needs root and Debian's package registry; says so when it can't.
set -u
PKGS="tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng poppler-utils chromium fonts-wqy-microhei"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -z "$missing" ]; then echo "system packages present:$PKGS"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install$missing: no apt-get (not a Debian system). Install Tesseract (with chi_sim) yourself for OCR."; exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing) >/tmp/auditor-apt.log 2>&1; then
  echo "could not install$missing (see /tmp/auditor-apt.log); OCR and HTML screenshot tests will be skipped"; exit 1
fi
echo "installed:$missing"
