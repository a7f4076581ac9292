#!/usr/bin/env bash
# Copy Bastion's front-end assets from the npm registry (pinned in package-lock.json) into
# static/vendor/, where ServeStatic serves them. Nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Packages only provide files to copy: none of their install scripts run.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

copy() {  # copy <package file> <destination under static/vendor>
  mkdir -p "static/vendor/$(dirname "$2")"
  cp "node_modules/$1" "static/vendor/$2"
}

copy htmx.org/dist/htmx.min.js htmx/htmx.min.js
copy redoc/bundles/redoc.standalone.js redoc/bundles/redoc.standalone.js
copy chart.js/dist/chart.umd.min.js chartjs/chart.umd.min.js
# ReDoc's sidebar shows a logo from its vendor's CDN, which the CSP (rightly) blocks; show ours.
sed -i 's#https://cdn.redoc.ly/redoc/logo-mini.svg#/static/img/bastion-mark.svg#g' \
  static/vendor/redoc/bundles/redoc.standalone.js
# Their source maps are not vendored: without these lines collectstatic's manifest refuses the bundles.
sed -i '/^\/\/# sourceMappingURL=/d' static/vendor/redoc/bundles/redoc.standalone.js static/vendor/chartjs/chart.umd.min.js
if grep -q 'https://cdn\.' static/vendor/redoc/bundles/redoc.standalone.js; then
  echo "redoc.standalone.js still references a CDN" >&2
  exit 1
fi
echo "Vendored assets into static/vendor/"
