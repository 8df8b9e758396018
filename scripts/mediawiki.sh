#!/usr/bin/env bash
# MediaWiki versions for the local wikis, beside the machine's own.
#   scripts/mediawiki.sh path VERSION      print the code folder of MediaWiki VERSION (1.39, 1.43),
#                                          or say why there is none (exit 1)
#   scripts/mediawiki.sh install VERSION   the same, unpacking it first when needed
#
# 1.39 is Debian 12's own package (/usr/share/mediawiki, installed by setup.sh with apt).
# 1.43 LTS is Debian 13's package, unpacked into .mediawiki/1.43/ without changing the machine:
# apt reads a private sources file that names Debian 13 on the same mirror the system's apt uses
# (private lists folder; the system's sources, lists and installed packages stay as they are),
# downloads the two .deb files and `dpkg-deb -x` unpacks them. Nothing is installed with dpkg.
# It runs on Debian 12's PHP 8.2 and needs no other package. Run again, it checks a stamp and
# returns at once.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MW_ROOT=${WIKITOURS_MEDIAWIKI_ROOT:-$ROOT/.mediawiki}
MW143_SUITE=trixie          # Debian 13, whose mediawiki package is 1.43 LTS
MW143_PREFIX="1:1.43."      # any 1.43 point release the mirror has (old ones leave the mirror)

# The folder holding index.php for VERSION ("" when unknown).
code_dir() {
  case "$1" in
    1.39) echo "${WIKITOURS_MEDIAWIKI:-/usr/share/mediawiki}" ;;
    1.43) echo "$MW_ROOT/1.43/root/usr/share/mediawiki" ;;
    *) echo "" ;;
  esac
}

# MW_VERSION from a code folder ("none" when it is not MediaWiki).
installed_version() {
  sed -n "s/^define( 'MW_VERSION', '\([^']*\)' );/\1/p" "$1/includes/Defines.php" 2>/dev/null | head -1 \
    | grep . || echo none
}

# The mirror the system's apt uses for its own release (never a name written here).
system_mirror() {
  local codename found
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  found=$(apt-get indextargets --format '$(REPO_URI) $(CODENAME)' 'Created-By: Packages' 2>/dev/null \
    | awk -v c="$codename" '$2 == c { print $1; exit }')
  if [ -z "$found" ]; then
    # apt's lists are empty (never updated, or cleaned as container images do): read the sources,
    # one-line ("deb [opts] URL SUITE ...") and deb822 ("URIs:" / "Suites:") alike.
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed 's/\[[^]]*\]//' | awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }')
  fi
  if [ -z "$found" ]; then
    found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v c="$codename" '
      /^[[:space:]]*$/ { if (uri != "" && suite) { print uri; exit } uri = ""; suite = 0; next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) suite = 1 }
      END { if (uri != "" && suite) print uri }' | head -1)
  fi
  echo "$found"
}

install_143() {
  local base="$MW_ROOT/1.43" mirror work apt_opts candidate deb
  mirror=$(system_mirror)
  if [ -z "$mirror" ]; then
    echo "mediawiki.sh: cannot tell which Debian mirror apt uses (no 'deb' source for this release)" >&2
    return 1
  fi
  echo "mediawiki.sh: unpacking MediaWiki 1.43 (Debian $MW143_SUITE's package) into ${base#"$ROOT"/}" >&2
  work="$base.tmp.$$"
  rm -rf "$work"
  mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $MW143_SUITE main" \
    > "$work/apt/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/apt/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
            -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache::archives=$work/apt/archives"
            -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root"
            -o "Debug::NoLocking=1" -q)
  apt-get "${apt_opts[@]}" update >/dev/null
  candidate=$(apt-cache "${apt_opts[@]}" policy mediawiki | awk '/Candidate:/ { print $2 }')
  case "$candidate" in
    "$MW143_PREFIX"*) ;;
    *) echo "mediawiki.sh: Debian $MW143_SUITE offers mediawiki '$candidate', not 1.43" >&2
       rm -rf "$work"; return 1 ;;
  esac
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download "mediawiki=$candidate" \
     "mediawiki-classes=$candidate" >/dev/null)
  for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
  done
  # The package links these into /var/lib/mediawiki and /etc/mediawiki, i.e. the machine's 1.39:
  # point them at the package's own extensions and at private folders instead.
  local code="$work/root/usr/share/mediawiki"
  rm -f "$code/extensions" "$code/images" "$code/LocalSettings.php" "$code/config"
  ln -s extensions-core "$code/extensions"
  mkdir -p "$work/images"
  ln -s ../../../../images "$code/images"
  if [ "$(installed_version "$code")" = none ]; then
    echo "mediawiki.sh: the unpacked package has no includes/Defines.php" >&2
    rm -rf "$work"; return 1
  fi
  rm -rf "$work/apt" "$work/debs"
  echo "$candidate" > "$work/package-version"
  rm -rf "$base"
  mv "$work" "$base"
  echo "mediawiki.sh: MediaWiki $(installed_version "$base/root/usr/share/mediawiki") ready" >&2
}

main() {
  local action=${1:-} version=${2:-} dir
  dir=$(code_dir "$version")
  if [ -z "$dir" ]; then
    echo "usage: scripts/mediawiki.sh path|install 1.39|1.43" >&2
    return 2
  fi
  case "$(installed_version "$dir")" in
    "$version".*) echo "$dir"; return 0 ;;
  esac
  if [ "$action" = install ] && [ "$version" = 1.43 ]; then
    install_143
    echo "$dir"
    return 0
  fi
  if [ "$version" = 1.39 ]; then
    echo "mediawiki.sh: MediaWiki 1.39 is not in $dir; run ./dev setup (apt package mediawiki)" >&2
  else
    echo "mediawiki.sh: MediaWiki $version is not unpacked in ${dir}; run ./dev setup" >&2
  fi
  return 1
}

main "$@"
