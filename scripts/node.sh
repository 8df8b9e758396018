#!/usr/bin/env bash
# Which Node.js runs wikitours' npm tools (eslint-config-wikimedia, stylelint, banana-checker
# need Node 20 or later; Debian 12 ships Node 18).
#   scripts/node.sh            print the path of a supported node, or say why there is none (exit 1)
#   scripts/node.sh --install  the same, installing one first when needed: the `node` package
#                              from the npm registry (its binary is an npm package too) into .node/
# The system's node is used when it is recent enough; .node/ is tried first, so once installed
# the same node runs setup's `npm ci`, the lint tests and the benchmarks.
set -euo pipefail
NODE_MIN_MAJOR=20
NODE_PACKAGE_VERSION=20.19.5
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_DIR=${WIKITOURS_NODE_DIR:-$ROOT/.node}

# "v18.19.0" -> 18; anything that is not a node version -> 0
node_major() {
  local v=${1:-}
  [[ "$v" =~ ^v([0-9]+)\.[0-9]+\.[0-9]+ ]] && echo "${BASH_REMATCH[1]}" || echo 0
}

# Whether `node --version` output $1 is a supported version
node_supported() {
  [ "$(node_major "${1:-}")" -ge "$NODE_MIN_MAJOR" ]
}

# The first supported node: .node/ first, then the one on PATH
find_node() {
  local c
  for c in "$NODE_DIR/node_modules/.bin/node" "$(command -v node || true)"; do
    if [ -n "$c" ] && [ -x "$c" ] && node_supported "$("$c" --version 2>/dev/null || true)"; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

main() {
  local found
  if found=$(find_node); then
    echo "$found"
    return 0
  fi
  local have
  have=$(node --version 2>/dev/null || echo "none")
  if [ "${1:-}" != "--install" ]; then
    if [ "$have" = none ]; then
      echo "node.sh: no Node.js found: the npm tools need $NODE_MIN_MAJOR or later; run ./dev setup" >&2
    else
      echo "node.sh: Node.js $have is too old: the npm tools need $NODE_MIN_MAJOR or later; run ./dev setup" >&2
    fi
    return 1
  fi
  echo "node.sh: Node.js $have is older than $NODE_MIN_MAJOR: installing node@$NODE_PACKAGE_VERSION from the npm registry into ${NODE_DIR#"$ROOT"/}" >&2
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-package-lock --no-audit --no-fund --silent \
    "node@$NODE_PACKAGE_VERSION" >&2
  if found=$(find_node); then
    echo "node.sh: using Node.js $("$found" --version) at $found" >&2
    echo "$found"
    return 0
  fi
  echo "node.sh: installing Node.js $NODE_PACKAGE_VERSION did not give a working node in $NODE_DIR" >&2
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
