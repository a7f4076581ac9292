#!/usr/bin/env bash
# Copy Bastion's front-end assets from the npm registry (pinned in package-lock.json) into
# static/vendor/, where WhiteNoise serves them. Nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error

copy() {  # copy <package file> <destination under static/vendor>
  mkdir -p "static/vendor/$(dirname "$2")"
  cp "node_modules/$1" "static/vendor/$2"
}

copy htmx.org/dist/htmx.min.js htmx/htmx.min.js
echo "Vendored assets into static/vendor/"
