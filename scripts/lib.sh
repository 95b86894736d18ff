# Shared by the scripts: a free loopback port.
free_port() {
  local p
  for p in $(seq "${1:-56432}" "${2:-56932}"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port between $1 and $2" >&2
  return 1
}

# ccache (CMakeLists.txt's compiler launcher) keyed on paths relative to the
# checkout, not on where it lies: a fresh clone anywhere (CI's) hits what
# earlier builds of the same sources left in the cache. A user's own
# CCACHE_BASEDIR / CCACHE_NOHASHDIR win.
ccache_for_any_checkout() {  # ccache_for_any_checkout REPO_ROOT
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$1}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
}

# Prettier (from web-map's lockfile, installed by scripts/build) over the
# page's and the browser tests' JavaScript and CSS; .prettierrc and
# .prettierignore at the root. prettier_js --check|--write
prettier_js() {
  web-map/node_modules/.bin/prettier --log-level warn "$1" \
    'web-map/**/*.{js,mjs,css}' 'tests/web/**/*.mjs'
}
