# Shared by the scripts that drive a real `plansearch serve` on loopback (load.sh,
# hostile_load.sh): wrk from Debian, a free 127.0.0.1 port, starting the server, waiting until
# /healthz answers, and stopping it (SIGTERM, then SIGKILL after 5 s). Source it; it defines
# functions only.

# Install wrk when it is missing (apt-get update first).
need_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    echo "$1: installing wrk"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
}

# A port nobody listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server LOG BIN ARGS…: `BIN serve ARGS…` in the background, its output in LOG; sets SERVER.
start_server() {
    local log=$1 bin=$2
    shift 2
    "$bin" serve "$@" >"$log" 2>&1 </dev/null &
    SERVER=$!
}

# stop_server: SIGTERM, up to 5 s for a graceful stop, then SIGKILL.
stop_server() {
    if kill -0 "$SERVER" 2>/dev/null; then
        kill -TERM "$SERVER" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER" 2>/dev/null || true
    fi
    wait "$SERVER" 2>/dev/null || true
}

# wait_ready TAG URL LOG TRIES: until URL answers 200 (every 0.2 s), or fail naming TAG.
wait_ready() {
    local tag=$1 url=$2 log=$3 tries=$4 i
    for i in $(seq "$tries"); do
        if ! kill -0 "$SERVER" 2>/dev/null; then
            echo "$tag: the server exited:"; cat "$log"; exit 1
        fi
        if python3 -c 'import sys, urllib.request; sys.exit(0 if urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=2).status == 200 else 1)' "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    echo "$tag: $url never answered"; exit 1
}
