#!/bin/sh
# Installs the system packages journeymap needs when they are missing:
# Graphviz (dot) for diagrams, Pango/HarfBuzz and fonts for every script (posters, diagrams), and,
# with --test, Chromium and poppler for the browser and poster tests, Node.js with npm to
# run and package the VS Code extension (editors/vscode) and for the accessibility audit
# (axe-core and playwright-core from npm), Java for the Spark engine's test, strace to see
# every file measure opens, and PostgreSQL's server for the PostgreSQL engine's test.
# Installs only as root with apt-get; otherwise prints the exact command to run.
set -eu

need=""
command -v dot >/dev/null 2>&1 || need="$need graphviz"
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need="$need libpango-1.0-0 libpangoft2-1.0-0"
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || need="$need libharfbuzz0b libharfbuzz-subset0"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
# Noto: Latin, Greek, Cyrillic, Arabic and Hebrew (core), Japanese, Chinese and Korean (cjk), colour emoji
[ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] &&
    [ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] &&
    [ -f /usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf ] || need="$need fonts-noto-core"
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need="$need fonts-noto-cjk"
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need="$need fonts-noto-color-emoji"
if [ "${1:-}" = "--test" ]; then
    command -v chromium >/dev/null 2>&1 || need="$need chromium"
    command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
    command -v git >/dev/null 2>&1 || need="$need git"
    command -v node >/dev/null 2>&1 || need="$need nodejs"
    command -v npm >/dev/null 2>&1 || need="$need npm"
    # the Spark engine's test runs a local Spark session: Java 17 or newer
    command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
    # measure's isolation test records every file a real run opens
    command -v strace >/dev/null 2>&1 || need="$need strace"
    # the PostgreSQL engine's test starts a real server (initdb, pg_ctl), kept off PATH by Debian
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need="$need postgresql"
fi

[ -z "$need" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "journeymap: installing system packages:$need" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need >/dev/null
else
    echo "journeymap: missing system packages:$need" >&2
    echo "journeymap: install them with: sudo apt-get install$need" >&2
    exit 1
fi
