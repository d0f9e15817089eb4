#!/usr/bin/env bash
# The local AWS (moto server) for tests and the demo.
#
#   scripts/local-aws.sh start      start on a free loopback port; prints `export ...` lines
#                                   (use: eval "$(scripts/local-aws.sh start)")
#   scripts/local-aws.sh stop       stop the server this checkout started
#   scripts/local-aws.sh run CMD..  start, run CMD with the variables set, always stop
#
# With AWS_ENDPOINT_URL already set, `run` uses that emulator and starts nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.local"
mkdir -p "$state"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

exports() {
  cat <<EOT
export AWS_ENDPOINT_URL=http://127.0.0.1:$1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
EOT
}

start() {
  local bin port pid
  bin=$("$root/scripts/venv.sh" local-aws)
  stop_quietly
  port=$(free_port)
  # setsid: the server must not die with (or hold open) the caller's terminal.
  MOTO_IAM_LOAD_MANAGED_POLICIES=true setsid "$bin/moto_server" -H 127.0.0.1 -p "$port" \
    >"$state/moto.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$state/moto.pid"
  echo "$port" > "$state/moto.port"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/data.json" >/dev/null 2>&1; then
      echo "local-aws: moto listening on 127.0.0.1:$port (pid $pid)" >&2
      exports "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "local-aws: moto did not start; log follows" >&2
  cat "$state/moto.log" >&2
  return 1
}

stop_quietly() {
  local pid
  pid=$(cat "$state/moto.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$state/moto.pid" "$state/moto.port"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly; echo "local-aws: stopped" >&2 ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }
    if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
      echo "local-aws: using the emulator at $AWS_ENDPOINT_URL" >&2
      "$@"
    else
      trap stop_quietly EXIT
      eval "$(start)"
      "$@"
    fi
    ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
