#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root):
# the real site generators the tests build with (hugo, jekyll and its
# redirect-from plugin, pelican), php-cli for WordPress's own
# wpautop (the reference of the differential test), and the Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(hugo jekyll ruby-jekyll-redirect-from php-cli)
missing=()
for d in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "install ok installed" || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test,dask]"
