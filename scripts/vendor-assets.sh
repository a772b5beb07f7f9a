#!/usr/bin/env bash
# Vendor pinned front-end assets into static/vendor/ (no CDN at runtime).
#
#   scripts/vendor-assets.sh          fetch the pinned versions with `npm pack`,
#                                     copy the files and rewrite static/vendor/VERSIONS
#   scripts/vendor-assets.sh --check  verify static/vendor/ against the sha256 sums
#                                     in VERSIONS (offline; exits non-zero on mismatch)
#
# To refresh a package, change its version below, re-run, and commit the result.
#
# htmx is NOT vendored here: the django-htmx Python package ships it as a static
# file (django_htmx/htmx-2.min.js), used via {% static %} or {% htmx_script %}.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
CHARTJS_VERSION="4.6.1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/static/vendor"
VERSIONS_FILE="$VENDOR_DIR/VERSIONS"
# Top-level directories under static/vendor/ that this script owns.
MANAGED_DIRS=(bootstrap chartjs)

die() { echo "vendor-assets: $*" >&2; exit 1; }

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

# --------------------------------------------------------------------------- check
check() {
    [[ -f "$VERSIONS_FILE" ]] || die "missing $VERSIONS_FILE (run without --check first)"
    local failures=0 entries=0 sum rel actual
    declare -A listed=()
    while read -r sum rel; do
        entries=$((entries + 1))
        listed["$rel"]=1
        if [[ ! -f "$VENDOR_DIR/$rel" ]]; then
            echo "MISSING   $rel"
            failures=$((failures + 1))
            continue
        fi
        actual="$(sha256_of "$VENDOR_DIR/$rel")"
        if [[ "$actual" == "$sum" ]]; then
            echo "OK        $rel"
        else
            echo "MISMATCH  $rel (expected $sum, got $actual)"
            failures=$((failures + 1))
        fi
    done < <(grep -E '^[0-9a-f]{64}  [^ ]' "$VERSIONS_FILE")
    ((entries > 0)) || die "no sha256 entries in $VERSIONS_FILE"

    # Files in the managed directories that VERSIONS does not vouch for.
    local dir f
    for dir in "${MANAGED_DIRS[@]}"; do
        [[ -d "$VENDOR_DIR/$dir" ]] || continue
        while IFS= read -r -d '' f; do
            rel="${f#"$VENDOR_DIR"/}"
            if [[ -z "${listed[$rel]:-}" ]]; then
                echo "UNLISTED  $rel"
                failures=$((failures + 1))
            fi
        done < <(find "$VENDOR_DIR/$dir" -type f -print0)
    done

    if ((failures > 0)); then
        echo "vendor-assets: $failures problem(s) in static/vendor/" >&2
        return 1
    fi
    echo "vendor-assets: all $entries files match VERSIONS"
}

# --------------------------------------------------------------------------- fetch
TMP_DIR=""
cleanup() { if [[ -n "$TMP_DIR" ]]; then rm -rf "$TMP_DIR"; fi; }

PKG_LINES=()

# fetch NAME VERSION -> extracts into $TMP_DIR/src/NAME/package
fetch() {
    local name="$1" version="$2" json filename integrity got
    json="$(cd "$TMP_DIR/dl" && npm pack "$name@$version" --json --ignore-scripts \
        --pack-destination "$TMP_DIR/dl" 2>/dev/null)" \
        || die "npm pack $name@$version failed"
    filename="$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].filename)' "$json")"
    integrity="$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].integrity)' "$json")"
    mkdir -p "$TMP_DIR/src/$name"
    tar -xzf "$TMP_DIR/dl/$filename" -C "$TMP_DIR/src/$name" --no-same-owner --no-same-permissions
    got="$(node -e 'process.stdout.write(require(process.argv[1]).version)' \
        "$TMP_DIR/src/$name/package/package.json")"
    [[ "$got" == "$version" ]] || die "$name: wanted $version, tarball has $got"
    PKG_LINES+=("package $name $version $integrity")
    echo "fetched $name@$version ($integrity)"
}

# put SRC DEST_REL -> copy one file into the staging tree
put() {
    local src="$1" dest="$TMP_DIR/stage/$2"
    [[ -f "$src" ]] || die "expected file missing from package: ${src#"$TMP_DIR"/src/}"
    mkdir -p "$(dirname "$dest")"
    install -m 0644 "$src" "$dest"
}

# Remove sourceMappingURL comments whose target is not shipped next to the file:
# Django's ManifestStaticFilesStorage (used by whitenoise) fails collectstatic on them.
# Patterns mirror Django's: JS `^//# sourceMappingURL=...$`, CSS `/*# sourceMappingURL=... */`.
strip_dangling_sourcemaps() {
    local f url
    while IFS= read -r -d '' f; do
        case "$f" in
        *.js)
            url="$(grep -E '^//# sourceMappingURL=' "$f" | tail -n1 | sed -E 's|^//# sourceMappingURL=||' || true)"
            if [[ -n "$url" && ! -f "$(dirname "$f")/$url" ]]; then
                sed -i.bak -E '/^\/\/# sourceMappingURL=/d' "$f" && rm -f "$f.bak"
                echo "stripped dangling sourceMappingURL ($url) from ${f#"$TMP_DIR"/stage/}"
            fi
            ;;
        *.css)
            url="$(grep -oE '/\*#[[:space:]]sourceMappingURL=[^*[:space:]]+' "$f" | tail -n1 | sed -E 's|^/\*#[[:space:]]sourceMappingURL=||' || true)"
            if [[ -n "$url" && ! -f "$(dirname "$f")/$url" ]]; then
                sed -i.bak -E 's|/\*#[[:space:]]sourceMappingURL=[^*]*\*/||' "$f" && rm -f "$f.bak"
                echo "stripped dangling sourceMappingURL ($url) from ${f#"$TMP_DIR"/stage/}"
            fi
            ;;
        esac
    done < <(find "$TMP_DIR/stage" -type f \( -name '*.js' -o -name '*.css' \) -print0)
}

write_versions() {
    local out="$TMP_DIR/stage/VERSIONS" line f rel
    {
        echo "# static/vendor/VERSIONS - generated by scripts/vendor-assets.sh; do not edit by hand."
        echo "# Refresh: change the version variables at the top of the script and re-run it."
        echo "# Verify (offline): scripts/vendor-assets.sh --check"
        echo "#"
        echo "# package <npm name> <version> <npm tarball integrity>"
        for line in "${PKG_LINES[@]}"; do echo "$line"; done
        echo "#"
        echo "# <sha256>  <file, relative to static/vendor/>"
        while IFS= read -r f; do
            rel="${f#"$TMP_DIR"/stage/}"
            echo "$(sha256_of "$f")  $rel"
        done < <(find "$TMP_DIR/stage" -type f ! -name VERSIONS | LC_ALL=C sort)
    } >"$out"
}

vendor() {
    command -v npm >/dev/null 2>&1 || die "npm is required"
    command -v node >/dev/null 2>&1 || die "node is required"
    TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vendor-assets.XXXXXX")"
    trap cleanup EXIT
    mkdir -p "$TMP_DIR/dl" "$TMP_DIR/src" "$TMP_DIR/stage"

    fetch bootstrap "$BOOTSTRAP_VERSION"
    local bs="$TMP_DIR/src/bootstrap/package"
    put "$bs/dist/css/bootstrap.min.css"            bootstrap/bootstrap.min.css
    put "$bs/dist/css/bootstrap.min.css.map"        bootstrap/bootstrap.min.css.map
    put "$bs/dist/js/bootstrap.bundle.min.js"       bootstrap/bootstrap.bundle.min.js
    put "$bs/dist/js/bootstrap.bundle.min.js.map"   bootstrap/bootstrap.bundle.min.js.map
    put "$bs/LICENSE"                               bootstrap/LICENSE

    fetch chart.js "$CHARTJS_VERSION"
    local cj="$TMP_DIR/src/chart.js/package"
    put "$cj/dist/chart.umd.min.js"                 chartjs/chart.umd.min.js
    if [[ -f "$cj/dist/chart.umd.min.js.map" ]]; then
        put "$cj/dist/chart.umd.min.js.map"         chartjs/chart.umd.min.js.map
    fi
    put "$cj/LICENSE.md"                            chartjs/LICENSE.md

    strip_dangling_sourcemaps
    write_versions

    # Swap the managed directories in; leave anything else in static/vendor/ alone.
    mkdir -p "$VENDOR_DIR"
    local dir
    for dir in "${MANAGED_DIRS[@]}"; do
        rm -rf "$VENDOR_DIR/$dir"
        cp -R "$TMP_DIR/stage/$dir" "$VENDOR_DIR/$dir"
    done
    install -m 0644 "$TMP_DIR/stage/VERSIONS" "$VERSIONS_FILE"

    echo "vendored into ${VENDOR_DIR#"$REPO_ROOT"/}/:"
    grep -E '^package ' "$VERSIONS_FILE"
    check >/dev/null
    echo "vendor-assets: VERSIONS written and verified"
}

case "${1:-}" in
"") vendor ;;
--check) check ;;
-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown argument: $1 (use --check or no argument)" ;;
esac
