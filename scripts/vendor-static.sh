#!/usr/bin/env bash
# Re-fetch the front-end assets the web app serves itself (no CDN, nothing loaded from elsewhere).
#
# Usage: bash scripts/vendor-static.sh
#
# Each package is fetched with `npm pack` from the npm registry into a temporary folder and only
# the files the pages use are copied into src/commissioning/web/static/vendor/<name>/, with the
# package's licence. To upgrade, change a version below, run the script, look at the pages and
# run `pytest tests/web tests/browser`.
#
# Changes made to the published files (so that every request stays on our own server and the
# pages work under a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval'):
# - nhsuk-frontend CSS: the @font-face rules that load the Frutiger web font from assets.nhs.uk are
#   removed (pages fall back to Arial, as the design system intends when the font is absent), and
#   the absolute /assets/images/ addresses are made relative to the CSS file.
# - vega-interpreter: its ES module import of vega-util is replaced by the same functions taken
#   from the vega bundle, and it is wrapped as a classic script exposing window.vegaInterpreter.
#   The chart script uses it so that Vega never needs eval() / new Function().
set -euo pipefail

NHSUK_FRONTEND=10.6.1
HTMX=2.0.11
VEGA=6.3.0
VEGA_LITE=6.5.0
VEGA_EMBED=7.3.0
VEGA_INTERPRETER=2.3.2

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/src/commissioning/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch() { # fetch <package> <version>: unpack into $WORK/<package>/package
    local name="$1" version="$2"
    mkdir -p "$WORK/$name"
    (cd "$WORK/$name" && npm pack --silent "$name@$version" >/dev/null && tar xzf ./*.tgz)
}

rm -rf "$DEST"
mkdir -p "$DEST"

# --- NHS.UK frontend: compiled CSS, the JavaScript module, the icons the CSS uses, favicons.
fetch nhsuk-frontend "$NHSUK_FRONTEND"
src="$WORK/nhsuk-frontend/package/dist/nhsuk"
out="$DEST/nhsuk-frontend"
mkdir -p "$out/assets/images"
sed -E \
    -e 's#@font-face\{[^}]*assets\.nhs\.uk[^}]*\}##g' \
    -e 's#url\(/assets/#url(assets/#g' \
    "$src/nhsuk-frontend.min.css" >"$out/nhsuk-frontend.min.css"
sed -E 's@//# sourceMappingURL=.*$@@' "$src/nhsuk-frontend.min.js" >"$out/nhsuk-frontend.min.js"
for image in $(grep -o 'url(assets/images/[^)]*)' "$out/nhsuk-frontend.min.css" |
    sed -E 's#url\(assets/images/(.*)\)#\1#' | sort -u) \
    favicon.ico favicon.svg nhsuk-icon-180.png; do
    cp "$src/assets/images/$image" "$out/assets/images/$image"
done
if grep -q 'https\?://' <(grep -o 'url([^)]*)' "$out/nhsuk-frontend.min.css"); then
    echo "nhsuk-frontend CSS still refers to another host" >&2
    exit 1
fi
# The npm package has no LICENSE file: this is the repository's LICENSE (MIT), as published at
# https://github.com/nhsuk/nhsuk-frontend/blob/main/LICENSE; package.json also says MIT.
cat >"$out/LICENSE" <<EOF
nhsuk-frontend $NHSUK_FRONTEND, https://github.com/nhsuk/nhsuk-frontend

MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

The NHS.UK frontend documentation is (c) NHS England, under the Open Government Licence v3.0.
EOF

# --- htmx
fetch htmx.org "$HTMX"
mkdir -p "$DEST/htmx"
cp "$WORK/htmx.org/package/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
cp "$WORK/htmx.org/package/LICENSE" "$DEST/htmx/LICENSE"

# --- Vega, Vega-Lite, Vega-Embed (UMD builds: window.vega, window.vegaLite, window.vegaEmbed)
copy_build() { # copy_build <package> <version> <file>
    fetch "$1" "$2"
    mkdir -p "$DEST/$1"
    sed -E 's@//# sourceMappingURL=.*$@@' "$WORK/$1/package/build/$3" >"$DEST/$1/$3"
    cp "$WORK/$1/package/LICENSE" "$DEST/$1/LICENSE"
}
copy_build vega "$VEGA" vega.min.js
copy_build vega-lite "$VEGA_LITE" vega-lite.min.js
copy_build vega-embed "$VEGA_EMBED" vega-embed.min.js

# --- vega-interpreter: evaluate Vega expressions without eval (CSP-safe), as a classic script.
fetch vega-interpreter "$VEGA_INTERPRETER"
mkdir -p "$DEST/vega-interpreter"
js="$WORK/vega-interpreter/package/build/vega-interpreter.js"
{
    echo "/* vega-interpreter $VEGA_INTERPRETER, wrapped by scripts/vendor-static.sh */"
    echo "(function () {"
    sed -E \
        -e "s#^import \{ ([^}]*) \} from 'vega-util';#const { \1 } = window.vega;#" \
        -e 's#^export \{ expression as expressionInterpreter \};#window.vegaInterpreter = { expressionInterpreter: expression };#' \
        -e 's@//# sourceMappingURL=.*$@@' \
        "$js"
    echo "})();"
} >"$DEST/vega-interpreter/vega-interpreter.js"
if grep -qE '^(import|export) ' "$DEST/vega-interpreter/vega-interpreter.js"; then
    echo "vega-interpreter: the module wrapping no longer matches the published file" >&2
    exit 1
fi
cp "$WORK/vega-interpreter/package/LICENSE" "$DEST/vega-interpreter/LICENSE"

cat >"$DEST/VERSIONS" <<EOF
nhsuk-frontend $NHSUK_FRONTEND
htmx.org $HTMX
vega $VEGA
vega-lite $VEGA_LITE
vega-embed $VEGA_EMBED
vega-interpreter $VEGA_INTERPRETER
EOF
du -sh "$DEST"
