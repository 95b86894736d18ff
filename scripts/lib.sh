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
