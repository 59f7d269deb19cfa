#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (the dashboard's), which drive it
# with playwright-core: never a browser downloaded by Playwright, which these machines cannot fetch.
# Prints the path of the binary. Safe to run again; installs only when it is missing.
set -euo pipefail
bin="${TTHC_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$bin" ]]; then
  echo "chromium: installing Debian's chromium package (about a minute)" >&2
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); else sudo=(); fi
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
fi
[[ -x "$bin" ]] || { echo "chromium: no browser at $bin after the install" >&2; exit 1; }
echo "$bin"
