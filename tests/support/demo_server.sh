# Sourced by the tests that need a real `terrier serve` with the demo data
# (tests/web/run, tests/load/run): a database of their own on the test
# cluster (TERRIER_TEST_ADMIN_URL, from scripts/test), the demo data loaded
# and matched, four tokens, and the server on a free port. Sets TERRIER_URL,
# TERRIER_MEMBER_TOKEN, TERRIER_FOUNDATION_TOKEN, TERRIER_ANIMATOR_TOKEN,
# TERRIER_ADMIN_TOKEN, demo_server_pid and demo_work; demo_server_stop cleans up.

demo_server_start() {  # demo_server_start BUILD_DIR NAME [SERVE OPTIONS...]
  local build=$1 name=$2
  shift 2
  : "${TERRIER_TEST_ADMIN_URL:?run through scripts/test, which starts the database}"
  demo_terrier=$build/cli/terrier
  demo_db=terrier_${name}_$$
  export TERRIER_DATABASE_URL=${TERRIER_TEST_ADMIN_URL%/*}/$demo_db
  demo_work=$(mktemp -d "/tmp/terrier-$name-XXXXXX")
  demo_server_pid=""
  demo_template
  psql -q "$TERRIER_TEST_ADMIN_URL" -c "CREATE DATABASE $demo_db TEMPLATE $demo_template_db STRATEGY FILE_COPY" >/dev/null

  token() { "$demo_terrier" token create "$@" | tail -n 1; }
  TERRIER_MEMBER_TOKEN=$(token --role member --name "Membre test")
  TERRIER_FOUNDATION_TOKEN=$(token --role foundation --name "Foncière test")
  TERRIER_ANIMATOR_TOKEN=$(token --role animator --territory mel --name "Animateur MEL")
  TERRIER_ADMIN_TOKEN=$(token --role admin --name "Admin test")
  export TERRIER_MEMBER_TOKEN TERRIER_FOUNDATION_TOKEN TERRIER_ANIMATOR_TOKEN TERRIER_ADMIN_TOKEN

  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port $((18080 + RANDOM % 2000)) 21000)
    "$demo_terrier" serve --listen "127.0.0.1:$port" "$@" >"$demo_work/serve.log" 2>&1 &
    demo_server_pid=$!
    for _ in $(seq 50); do
      if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
        export TERRIER_URL=http://127.0.0.1:$port
        return 0
      fi
      kill -0 "$demo_server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill "$demo_server_pid" 2>/dev/null || true
    demo_server_pid=""
  done
  echo "terrier serve did not start:" >&2
  cat "$demo_work/serve.log" >&2
  return 1
}

# The demo data migrated, loaded and matched once per test cluster, binary,
# migrations and data, in a template database that each server's database
# copies (a second instead of loading it again: the browser tests' groups and
# the load test each have their own). The first caller loads it under a lock
# while the others wait; a template of another binary or data is dropped.
demo_template() {
  local key lock sum
  sum=$( (cd "$demo_root" && stat -c '%s %Y' "$demo_terrier" &&
          find sql data scripts/load-demo matching/defaults.json -type f -print0 | sort -z |
            xargs -0 md5sum) | md5sum)
  key=${sum:0:12}
  demo_template_db=terrier_demotemplate_$key
  sum=$(printf '%s' "$TERRIER_TEST_ADMIN_URL" | md5sum)
  lock=/tmp/terrier-demo-${sum:0:12}.lock
  (
    flock 9
    local admin=$TERRIER_TEST_ADMIN_URL loading=${demo_template_db}_loading old
    if [ -z "$(psql -Atq "$admin" -c "SELECT 1 FROM pg_database WHERE datname = '$demo_template_db'")" ]; then
      for old in $(psql -Atq "$admin" -c "SELECT datname FROM pg_database WHERE datname LIKE 'terrier\_demotemplate\_%'"); do
        psql -q "$admin" -c "DROP DATABASE $old" >/dev/null 2>&1 || true
      done
      psql -q "$admin" -c "CREATE DATABASE $loading" >/dev/null
      if ! TERRIER_DATABASE_URL=${admin%/*}/$loading "$demo_terrier" migrate >/dev/null ||
         ! TERRIER_DATABASE_URL=${admin%/*}/$loading TERRIER_BIN=$demo_terrier \
             TERRIER_REPORTS=$demo_work/reports "$demo_root/scripts/load-demo" >"$demo_work/load.log"; then
        psql -q "$admin" -c "DROP DATABASE IF EXISTS $loading" >/dev/null 2>&1 || true
        cat "$demo_work/load.log" >&2 2>/dev/null || true
        exit 1
      fi
      psql -q "$admin" -c "ALTER DATABASE $loading RENAME TO $demo_template_db" >/dev/null
    fi
  ) 9>"$lock"
}

# A second server on the same database with other settings, e.g.
# `demo_server_also TERRIER_IGN_URL TERRIER_BASEMAP=ign`: exports its URL
# in the variable named first.
demo_server_also() {  # demo_server_also URL_VARIABLE [NAME=VALUE...]
  local variable=$1 port pid attempt
  shift
  for attempt in 1 2 3 4 5; do
    port=$(free_port $((21000 + RANDOM % 2000)) 23500)
    env "$@" "$demo_terrier" serve --listen "127.0.0.1:$port" >"$demo_work/serve-$variable.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do
      if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
        demo_extra_pids="${demo_extra_pids:-} $pid"
        export "$variable=http://127.0.0.1:$port"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
  done
  echo "terrier serve ($*) did not start:" >&2
  cat "$demo_work/serve-$variable.log" >&2
  return 1
}

# Stops the server with SIGTERM and fails (returns 1, with its log) when it
# did not exit 0: a crash, a sanitizer report (ASan exits 1, UBSan aborts)
# or a shutdown that did not finish.
demo_server_finish() {
  [ -n "${demo_server_pid:-}" ] || return 0
  local code=0
  kill -TERM "$demo_server_pid" 2>/dev/null || true
  wait "$demo_server_pid" || code=$?
  demo_server_pid=""
  if [ $code -ne 0 ] || grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$demo_work/serve.log"; then
    echo "FAIL: terrier serve exited $code; its log:" >&2
    tail -n 60 "$demo_work/serve.log" >&2
    return 1
  fi
}

demo_server_stop() {
  local pid
  for pid in ${demo_extra_pids:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${demo_server_pid:-}" ]; then
    kill "$demo_server_pid" 2>/dev/null || true
    wait "$demo_server_pid" 2>/dev/null || true
  fi
  if [ -n "${demo_db:-}" ]; then
    psql -q "$TERRIER_TEST_ADMIN_URL" -c "DROP DATABASE IF EXISTS $demo_db" >/dev/null 2>&1 || true
  fi
  [ -n "${demo_work:-}" ] && rm -rf "$demo_work"
}
