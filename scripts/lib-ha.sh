# Three PostgreSQL 15 nodes managed by Patroni (Debian's patroni) with one etcd
# (Debian's etcd-server, spoken to over HTTP by Patroni's etcd3 client) and
# HAProxy's write and read ports in front (deploy/haproxy-ha.cfg), all on
# loopback. Sourced by scripts/cluster --ha and tests/cluster/ha; needs
# scripts/lib.sh (free_port).
#   ha_start DIR            etcd and the three nodes; returns once one leads
#                           with a synchronous standby and the third streams
#   ha_haproxy DIR LISTEN SERVER_1 SERVER_2   HAProxy: the HTTP balancer
#                           (deploy/haproxy.cfg) on LISTEN for the two servers'
#                           HOST:PORT, and the write and read ports
#   ha_serve DIR TERRIER [OPTIONS...]   the two servers, writing through the
#                           write port and reading through the read port
#   ha_leader               the leading node's number (1 to 3), or nothing
#   ha_stop                 stops what ha_start and ha_haproxy started
# Sets ha_write_url and ha_read_url (the ports the servers use), ha_lb (the
# balancer's URL), ha_server_pids; ha_node_url N gives a node's own URL.

ha_root=${ha_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ha_pids=()
ha_pg_ports=()
ha_rest_ports=()
ha_haproxy_pid=""
ha_server_pids=()

ha_random() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# PostgreSQL refuses to run as root: as scripts/cluster's embedded cluster
# (db/cluster.cpp), root runs the nodes as an unprivileged system user.
ha_os_user() {
  local user=${TERRIER_DB_OS_USER:-terrier}
  if [ "$(id -u)" != 0 ]; then
    id -un
    return
  fi
  if ! id "$user" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$user"
  fi
  echo "$user"
}

ha_as_user() {  # ha_as_user USER COMMAND... (in place: the pid is the command's)
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups "${@:2}"
  fi
  exec "${@:2}"
}

ha_node_url() {  # ha_node_url N [DATABASE]
  echo "postgresql://terrier:$ha_password@127.0.0.1:${ha_pg_ports[$1]}/${2:-terrier}"
}

ha_leader() {
  local n
  for n in 1 2 3; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
              "http://127.0.0.1:${ha_rest_ports[$n]}/primary")" = 200 ]; then
      echo "$n"
      return 0
    fi
  done
}

ha_write_node_config() {  # ha_write_node_config DIR N ETCD_PORT
  local dir=$1 n=$2 etcd_port=$3
  cat >"$dir/node$n/patroni.yml" <<EOF
scope: terrier
name: node$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:${ha_rest_ports[$n]}
  connect_address: 127.0.0.1:${ha_rest_ports[$n]}
etcd3:
  host: 127.0.0.1:$etcd_port
watchdog:
  mode: off
bootstrap:
  dcs:
    # Short: a dead leader is replaced within seconds (loop_wait +
    # 2 * retry_timeout must stay under ttl).
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # A commit is acknowledged once a standby has it: no acknowledged write
    # is lost when the leader dies, and only that standby may be promoted.
    synchronous_mode: true
    # A crashed leader is failed over at once, not restarted in place.
    primary_start_timeout: 0
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 100
        wal_keep_size: 256MB
        hot_standby_feedback: 'on'
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
postgresql:
  listen: 127.0.0.1:${ha_pg_ports[$n]}
  connect_address: 127.0.0.1:${ha_pg_ports[$n]}
  data_dir: $dir/node$n/data
  bin_dir: ${TERRIER_PG_BINDIR:-/usr/lib/postgresql/15/bin}
  pgpass: $dir/node$n/pgpass
  authentication:
    superuser:
      username: terrier
      password: $ha_password
    replication:
      username: replicator
      password: $ha_replication_password
  parameters:
    unix_socket_directories: '$dir/node$n'
    log_min_messages: warning
  pg_hba:
    - local all all scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
EOF
}

ha_start() {  # ha_start DIR
  local dir=$1 user n etcd_port etcd_peer deadline leader
  user=$(ha_os_user)
  ha_password=$(ha_random)
  ha_replication_password=$(ha_random)
  mkdir -p "$dir"
  chmod 755 "$dir"
  etcd_port=$(free_port $((27000 + RANDOM % 500)) 27600)
  etcd_peer=$(free_port $((etcd_port + 1)) 27700)
  etcd --name terrier --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "terrier=http://127.0.0.1:$etcd_peer" \
    --log-level error >"$dir/etcd.log" 2>&1 &
  ha_pids+=($!)
  local port=$((etcd_peer + 1))
  for n in 1 2 3; do
    ha_pg_ports[n]=$(free_port "$port" 28000)
    ha_rest_ports[n]=$(free_port $((ha_pg_ports[n] + 1)) 28000)
    port=$((ha_rest_ports[n] + 1))
    mkdir -p "$dir/node$n"
    ha_write_node_config "$dir" "$n" "$etcd_port"
    if [ "$(id -u)" = 0 ]; then chown -R "$user:" "$dir/node$n"; fi
    chmod 700 "$dir/node$n"
  done
  deadline=$((SECONDS + 10))
  until curl -fs "http://127.0.0.1:$etcd_port/health" >/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "etcd did not start: $(tail -n 5 "$dir/etcd.log")" >&2; return 1; }
    sleep 0.2
  done
  # The first node bootstraps (initdb) and leads; the others copy it
  # (pg_basebackup) once it does.
  for n in 1 2 3; do
    (cd "$dir/node$n" && HOME=$dir/node$n ha_as_user "$user" patroni "$dir/node$n/patroni.yml") \
      >"$dir/patroni$n.log" 2>&1 &
    ha_pids+=($!)
    if [ "$n" = 1 ]; then
      deadline=$((SECONDS + 60))
      until [ "$(ha_leader)" = 1 ]; do
        [ $SECONDS -lt $deadline ] || { echo "node 1 did not lead: $(tail -n 5 "$dir/patroni1.log")" >&2; return 1; }
        sleep 0.5
      done
    fi
  done
  deadline=$((SECONDS + 90))
  until leader=$(ha_leader) && [ -n "$leader" ] &&
        [ "$(psql -Atq "$(ha_node_url "$leader" postgres)" -c \
               "SELECT count(*) FILTER (WHERE state = 'streaming') || ' ' ||
                       count(*) FILTER (WHERE sync_state = 'sync')
                FROM pg_stat_replication" 2>/dev/null)" = "2 1" ]; do
    [ $SECONDS -lt $deadline ] || { echo "the standbys did not stream: $(tail -n 5 "$dir"/patroni[23].log)" >&2; return 1; }
    sleep 0.5
  done
  psql -Atq "$(ha_node_url "$leader" postgres)" -c "CREATE DATABASE terrier" >/dev/null
}

ha_haproxy() {  # ha_haproxy DIR LISTEN SERVER_1 SERVER_2
  local dir=$1 deadline write_port read_port
  ha_servers=("$3" "$4")
  write_port=$(free_port $((28000 + RANDOM % 400)) 28500)
  read_port=$(free_port $((write_port + 1)) 28600)
  TERRIER_HAPROXY_BIND=$2 TERRIER_SERVER_1=$3 TERRIER_SERVER_2=$4 \
    TERRIER_PG_WRITE_BIND=127.0.0.1:$write_port TERRIER_PG_READ_BIND=127.0.0.1:$read_port \
    TERRIER_PG_1=127.0.0.1:${ha_pg_ports[1]} TERRIER_PATRONI_1=${ha_rest_ports[1]} \
    TERRIER_PG_2=127.0.0.1:${ha_pg_ports[2]} TERRIER_PATRONI_2=${ha_rest_ports[2]} \
    TERRIER_PG_3=127.0.0.1:${ha_pg_ports[3]} TERRIER_PATRONI_3=${ha_rest_ports[3]} \
    haproxy -db -f "$ha_root/deploy/haproxy.cfg" -f "$ha_root/deploy/haproxy-ha.cfg" \
    >"$dir/haproxy.log" 2>&1 &
  ha_haproxy_pid=$!
  ha_lb=http://$2
  ha_write_url=postgresql://terrier:$ha_password@127.0.0.1:$write_port/terrier
  ha_read_url=postgresql://terrier:$ha_password@127.0.0.1:$read_port/terrier
  # HAProxy counts a server up until its checks say otherwise: wait until
  # the write port reaches the leader alone and the read port the standbys
  # alone (round robin: six answers in a row reach every server still up).
  deadline=$((SECONDS + 20))
  until [ "$(ha_recovery_states "$ha_write_url")" = ffffff ] &&
        [ "$(ha_recovery_states "$ha_read_url")" = tttttt ]; do
    [ $SECONDS -lt $deadline ] || { echo "HAProxy's database ports do not reach the right nodes: $(tail -n 5 "$dir/haproxy.log")" >&2; return 1; }
    sleep 0.3
  done
}

ha_recovery_states() {  # ha_recovery_states URL: pg_is_in_recovery() on six connections
  local i
  for i in 1 2 3 4 5 6; do
    psql -Atq "$1" -c "SELECT pg_is_in_recovery()" 2>/dev/null || echo x
  done | tr -d '\n'
}

ha_serve() {  # ha_serve DIR TERRIER [SERVE OPTIONS...]
  local dir=$1 terrier=$2 n deadline
  shift 2
  for n in 0 1; do
    TERRIER_DATABASE_URL=$ha_write_url "$terrier" serve --listen "${ha_servers[n]}" \
      --read-url "$ha_read_url" "$@" >"$dir/serve$((n + 1)).log" 2>&1 &
    ha_server_pids+=($!)
  done
  deadline=$((SECONDS + 30))
  for n in 0 1; do
    until curl -fs "http://${ha_servers[n]}/healthz" >/dev/null; do
      [ $SECONDS -lt $deadline ] || { echo "server ${ha_servers[n]} did not start: $(tail -n 5 "$dir/serve$((n + 1)).log")" >&2; return 1; }
      sleep 0.2
    done
  done
  until curl -fs "$ha_lb/healthz" >/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "HAProxy does not answer on $ha_lb" >&2; return 1; }
    sleep 0.2
  done
}

ha_stop() {
  local p
  for p in "${ha_server_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${ha_server_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ha_server_pids=()
  if [ -n "$ha_haproxy_pid" ]; then
    kill "$ha_haproxy_pid" 2>/dev/null || true
    wait "$ha_haproxy_pid" 2>/dev/null || true
  fi
  # Patroni stops its PostgreSQL; etcd (the first) goes last.
  for ((p = ${#ha_pids[@]} - 1; p >= 1; p--)); do kill "${ha_pids[p]}" 2>/dev/null || true; done
  for ((p = ${#ha_pids[@]} - 1; p >= 1; p--)); do wait "${ha_pids[p]}" 2>/dev/null || true; done
  if [ ${#ha_pids[@]} -gt 0 ]; then
    kill "${ha_pids[0]}" 2>/dev/null || true
    wait "${ha_pids[0]}" 2>/dev/null || true
  fi
  ha_pids=()
  ha_haproxy_pid=""
}
