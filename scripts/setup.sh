#!/usr/bin/env bash
# Installs what wikitours needs and is missing, and nothing else. Safe to run again: each step
# checks first, so a ready machine passes through in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: MediaWiki and PHP for the local wiki, Chromium for browser tests and
# screenshots, MariaDB for the app's ToolsDB tests, Node.js for the gadget's lint and benchmarks,
# Pygments for SyntaxHighlight (the tour language reference page is tested with it), Noto fonts
# for the scripts of every shipped language (Devanagari, Arabic, Hebrew...: without them
# Chromium's screenshots and browser tests draw Hindi as empty boxes, and badge pictures name
# the badge in any script) and FriBiDi for those pictures (Pillow's Raqm loads FriBiDi).
APT_PACKAGES=(mediawiki php-sqlite3 php-cli php8.2-cgi micro-httpd chromium mariadb-server
              python3-venv nodejs npm git python3-pygments fonts-noto-core libfribidi0)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere (nodesource, nvm): a working command is enough.
  case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;;
               python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# MediaWiki 1.43 LTS beside Debian's 1.39 (tests run on both): Debian 13's package unpacked into
# .mediawiki/1.43/ by scripts/mediawiki.sh, without changing the machine's release or packages.
scripts/mediawiki.sh install 1.43 >/dev/null

# Python: a virtual environment in .venv, refreshed when requirements.txt changes.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages from requirements.txt"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi

# Node.js 20 or later for the npm tools (Debian 12 has 18): scripts/node.sh installs one into
# .node/ when the system's is older, and npm runs on it.
NODE=$(scripts/node.sh --install)
export PATH="$(dirname "$NODE"):$PATH"

# npm: linters (eslint-config-wikimedia, stylelint, banana-checker) and benchmark baselines.
if [ -f package.json ]; then
  want=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ "$(cat node_modules/.wikitours.sha256 2>/dev/null)" != "$want" ]; then
    echo "setup: installing npm packages"
    if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi
    echo "$want" > node_modules/.wikitours.sha256
  fi
fi
