#!/usr/bin/env bash
# Spark needs a Java 17 (or newer) runtime: install Debian's when none is found.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  major=$(java -version 2>&1 | head -n 1 | sed -E 's/.*version "([0-9]+).*/\1/')
  if [ "${major:-0}" -ge 17 ] 2>/dev/null; then exit 0; fi
fi
echo "Installing a Java 17 runtime from Debian's packages (for Spark)..." >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >&2
