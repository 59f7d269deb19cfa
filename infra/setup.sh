#!/usr/bin/env bash
# Sets up a new machine for the embedded default (no servers needed): pnpm, the locked packages,
# and a build. Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  echo "setup: installing pnpm 10 with npm" >&2
  npm install -g pnpm@10 >/dev/null
fi
echo "setup: installing packages from the lockfile (better-sqlite3 compiles from source, about a minute)" >&2
pnpm install --frozen-lockfile --reporter=silent
echo "setup: building" >&2
pnpm build
