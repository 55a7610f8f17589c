#!/usr/bin/env bash
# Builds the portal page's own browser bundle (crate `portal`) into the site's /pkg/, beside the app
# bundle cargo-leptos builds, and its stylesheet: the parts of style/ the portal page uses.
# `debug`: portal.js, portal.wasm and portal.css. `release`: wasm-opt -Oz (run until it changes
# nothing more: 0.4 KB brotli for 10 s), minified JS and CSS,
# names carrying a hash of the content (listed in portal-hash.txt next to the release server,
# where Leptos looks them up), and brotli and gzip copies for the server to send as they are.
# It builds into cargo-leptos's wasm target directory with the same environment; the portal's crate
# turns on app's "csr" where the app bundle has "hydrate", so the Leptos crates and app build once
# for each, every other dependency once for both.
set -euo pipefail
mode=${1:?usage: portal-bundle.sh debug|release}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:?CARGO_TARGET_DIR}
front=$target/front
pkg=$root/target/site/pkg
case $mode in
  debug) profile=dev; out=debug; server_dir=$target/debug ;;
  release) profile=wasm-release; out=wasm-release; server_dir=$target/release ;;
  *) echo "usage: portal-bundle.sh debug|release" >&2; exit 2 ;;
esac

cargo build -p portal --lib --target wasm32-unknown-unknown --target-dir "$front" --profile "$profile"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name portal \
  "$front/wasm32-unknown-unknown/$out/portal.wasm"
mkdir -p "$pkg"
# In cascade order, as in style/main.css.
cat "$root"/style/{base,chat,portal}.css > "$work/portal.css"

if [ "$mode" = debug ]; then
  mv "$work/portal.js" "$pkg/portal.js"
  mv "$work/portal_bg.wasm" "$pkg/portal.wasm"
  mv "$work/portal.css" "$pkg/portal.css"
  exit 0
fi

# Optimized once with the function names kept (what `make bench` gives twiggy), then the names
# stripped for the browser: the code is the same.
wasm-opt -Oz --converge -g --enable-bulk-memory --enable-nontrapping-float-to-int "$work/portal_bg.wasm" -o "$front/portal-named.wasm"
wasm-opt --strip-debug --strip-producers "$front/portal-named.wasm" -o "$work/portal.wasm"
esbuild "$work/portal.js" --minify --format=esm --log-level=warning --outfile="$work/portal.min.js"
mv "$work/portal.min.js" "$work/portal.js"
esbuild "$work/portal.css" --minify --log-level=warning --outfile="$work/portal.min.css"
mv "$work/portal.min.css" "$work/portal.css"
hash_of() { sha256sum "$1" | cut -c1-20; }
js_hash=$(hash_of "$work/portal.js")
wasm_hash=$(hash_of "$work/portal.wasm")
css_hash=$(hash_of "$work/portal.css")
rm -f "$pkg"/portal.*.js* "$pkg"/portal.*.wasm* "$pkg"/portal.*.css*
cp "$work/portal.js" "$pkg/portal.$js_hash.js"
cp "$work/portal.wasm" "$pkg/portal.$wasm_hash.wasm"
cp "$work/portal.css" "$pkg/portal.$css_hash.css"
# Node is already here for Playwright; its zlib has brotli.
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const file of process.argv.slice(1)) {
    const data = fs.readFileSync(file);
    fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
  }' "$pkg/portal.$js_hash.js" "$pkg/portal.$wasm_hash.wasm" "$pkg/portal.$css_hash.css"
mkdir -p "$server_dir"
printf 'js: %s\nwasm: %s\ncss: %s\n' "$js_hash" "$wasm_hash" "$css_hash" > "$server_dir/portal-hash.txt"
ls -l "$pkg"/portal.*
