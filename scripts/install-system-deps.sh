#!/usr/bin/env bash
# Installs the optional system packages: poppler-utils, Chromium (HTML report screenshots in tests) and a CJK
# font. OCR needs none: its engine (rapidocr) is a Python dependency with its models inside. Tesseract, the
# optional second engine (--ocr-engine tesseract), is installed only with AUDITOR_WITH_TESSERACT=1.
# Needs root and Debian's package registry; says so when it can't.
set -u
PKGS="poppler-utils chromium fonts-wqy-microhei"
if [ "${AUDITOR_WITH_TESSERACT:-0}" = "1" ]; then PKGS="$PKGS tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng"; fi
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -z "$missing" ]; then echo "system packages present:$PKGS"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install$missing: no apt-get (not a Debian system); the tests that need them will be skipped"; exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing) >/tmp/auditor-apt.log 2>&1; then
  echo "could not install$missing (see /tmp/auditor-apt.log); the tests that need them will be skipped"; exit 1
fi
echo "installed:$missing"
