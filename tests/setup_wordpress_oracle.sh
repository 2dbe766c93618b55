#!/bin/sh
# Fetch WordPress's own formatting code for the wpautop oracle
# (/work/shared/tools/wpautop-oracle): Debian's "wordpress" package is
# downloaded (not installed) and wp-includes/{formatting,blocks,version}.php
# are copied into DEST (default tests/.cache/wordpress).
# Idempotent: does nothing when DEST already holds the three files.
# Needs apt-get and dpkg-deb (a Debian/Ubuntu machine); runs "apt-get update"
# once if the package cannot be downloaded with the current lists.
set -eu

DEST=${1:-tests/.cache/wordpress}
FILES="formatting.php blocks.php version.php"

have_all() {
    for f in $FILES; do
        [ -s "$DEST/wp-includes/$f" ] || return 1
    done
    return 0
}

if have_all; then
    exit 0
fi

for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "setup_wordpress_oracle.sh: $tool not found (Debian/Ubuntu needed)" >&2
        exit 2
    }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
chmod 755 "$WORK"   # apt's _apt user must be able to write the .deb here

download() {
    (cd "$WORK" && apt-get download wordpress) >"$WORK/apt.log" 2>&1
}

if ! download; then
    echo "setup_wordpress_oracle.sh: apt-get download failed, running apt-get update" >&2
    apt-get update >"$WORK/update.log" 2>&1 || cat "$WORK/update.log" >&2
    if ! download; then
        cat "$WORK/apt.log" >&2
        exit 1
    fi
fi

DEB=$(ls "$WORK"/wordpress_*.deb | head -n 1)
dpkg-deb -x "$DEB" "$WORK/pkg"
SRC="$WORK/pkg/usr/share/wordpress/wp-includes"

mkdir -p "$DEST/wp-includes.tmp"
for f in $FILES; do
    cp "$SRC/$f" "$DEST/wp-includes.tmp/$f"
done
rm -rf "$DEST/wp-includes"
mv "$DEST/wp-includes.tmp" "$DEST/wp-includes"
grep -h "^\$wp_version" "$DEST/wp-includes/version.php" >&2 || true
