#!/usr/bin/env bash
# HTTP throughput of the sipmap server beside the ceiling on this machine, in one run, with wrk on 127.0.0.1 only.
#
#   bench/http.sh                       builds benchmarks/target/benchmarks.jar, then about 2.5 minutes of load
#   SKIP_BUILD=1 bench/http.sh          reuses the jar
#   ROUNDS=3 DURATION=8 WARMUP=10 CONNECTIONS=32 THREADS=1 bench/http.sh     (the defaults)
#   SIPMAP_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/list.jfr,settings=profile' bench/http.sh
#
# Two JVMs, started with plain java from the shaded benchmarks jar (io.sipmap.benchmarks.HttpBenchServer): the sipmap
# server over in-memory stores pre-loaded in-process with 10,000 mapped IP records and 1,000 unmapped ones, and a
# minimal Vert.x server answering every request with the bytes of one real list page from a constant buffer (the
# ceiling). Both pinned to the last core, wrk to the first, when there are two or more. After a warm-up, each round
# runs the same wrk settings against: the ceiling, GET /v1/SourceIpMappings?PageSize=50 (a walk over all 200 pages by
# PageToken), GET /v1/SourceIpMappings/{Sid} (all 10,000 SIDs, shuffled), and POST + DELETE /v1/SourceIpMappings
# (alternating, over the unmapped IP records). The table gives the median over the rounds of requests/s, p50 and p99,
# and of each round's ratio to that round's ceiling. Everything started is stopped on exit; the whole run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1   # the only address ever loaded
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-8}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
MAX_SECONDS="${MAX_SECONDS:-480}"
JAR="${JAR:-benchmarks/target/benchmarks.jar}"   # another build's jar, to compare versions (then SKIP_BUILD=1)
ACCOUNT=AC0000000000000000000000000000be01   # Population.ACCOUNT
TOKEN=bench-token                             # Population.AUTH_TOKEN
AUTH="Authorization: Basic $(printf '%s:%s' "$ACCOUNT" "$TOKEN" | base64 -w0)"
JAVA_OPTS=(-Xms512m -Xmx512m -XX:+UseSerialGC)

work="$(mktemp -d)"
pids=()
watchdog=""
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$watchdog" ]]; then
    kill "$watchdog" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "http.sh: stopped" >&2; exit 143' INT TERM
# Bounds the whole run: past MAX_SECONDS the script is told to stop, and the trap stops what it started.
# Its sleep is killed with it, so that nothing holds the script's output open once it is done.
( sleep "$MAX_SECONDS" & sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper" && { echo "http.sh: over $MAX_SECONDS s, stopping" >&2; kill -TERM $$; } ) &
watchdog=$!

if ! command -v wrk >/dev/null; then
  echo "http.sh: wrk is missing; installing the Debian package (apt-get update, apt-get install -y wrk)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  echo "http.sh: building $JAR" >&2
  timeout 300 mvn -B -q -pl benchmarks -am package -DskipTests
fi

cpus="$(nproc)"
if (( cpus >= 2 )); then
  server_cpu=$((cpus - 1)); wrk_cpu=0
  pin_server=(taskset -c "$server_cpu"); pin_wrk=(taskset -c "$wrk_cpu")
  pinning="servers on cpu $server_cpu, wrk on cpu $wrk_cpu"
else
  pin_server=(); pin_wrk=(); pinning="one cpu: not pinned"
fi

start_server() { # mode, args... -> sets port (not in a subshell, so that pids keeps the server's pid)
  local mode="$1"; shift
  # shellcheck disable=SC2086
  "${pin_server[@]}" java "${JAVA_OPTS[@]}" ${SIPMAP_JAVA_OPTS:-} -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer \
    "$mode" "$work" "$@" >"$work/$mode.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    [[ -s "$work/$mode.port" ]] && { port="$(cat "$work/$mode.port")"; return; }
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$mode.log" >&2; echo "http.sh: $mode server died" >&2; exit 1; }
    sleep 0.5
  done
  echo "http.sh: $mode server did not start" >&2; exit 1
}

start_server sipmap
sipmap="http://$HOST:$port"
sipmap_pid="${pids[-1]}"
# The ceiling serves the bytes of a real page from the middle of the walk.
page_path="$(sed -n 100p "$work/list.paths")"
status="$(curl -s -o "$work/page.json" -w '%{http_code}' -H "$AUTH" "$sipmap$page_path")"
[[ "$status" == 200 ]] || { echo "http.sh: list answered $status" >&2; exit 1; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$sipmap$page_path")" == 401 ]] \
  || { echo "http.sh: list without credentials was not refused" >&2; exit 1; }
start_server ceiling "$work/page.json"
ceiling="http://$HOST:$port"
ceiling_pid="${pids[-1]}"
page_bytes="$(wc -c <"$work/page.json")"
[[ "$(curl -s -o /dev/null -w '%{size_download}' "$ceiling/")" == "$page_bytes" ]] \
  || { echo "http.sh: the ceiling does not answer $page_bytes bytes" >&2; exit 1; }

cpu_ticks() { # pid -> user + system CPU time of that process so far, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
run() { # scenario, url, script, seconds, server pid -> one result line
  local name="$1" url="$2" script="$3" seconds="$4" pid="$5" out before after
  before="$(cpu_ticks "$pid")"
  out="$(BENCH_PATHS="$work/$name.paths" BENCH_POOL="$work/pool.sids" timeout $((seconds + 20)) \
    "${pin_wrk[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency -H "$AUTH" -s "bench/$script" "$url")"
  after="$(cpu_ticks "$pid")"
  awk -v name="$name" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { requests = $1 }
    /^Requests\/sec:/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %.0f %.3f %.3f %d %.1f\n", name, rps, p50, p99, bad + 0, ticks * 1e6 / hz / requests }' <<<"$out"
}
cp "$work/list.paths" "$work/ceiling.paths"
scenarios=("ceiling $ceiling paths.lua $ceiling_pid" "list $sipmap paths.lua $sipmap_pid"
  "fetch $sipmap paths.lua $sipmap_pid" "churn $sipmap churn.lua $sipmap_pid")

echo "http.sh: $(date -u +%FT%TZ), $cpus cpus, $pinning; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "http.sh: wrk -t$THREADS -c$CONNECTIONS, warm-up ${WARMUP}s, $ROUNDS rounds of ${DURATION}s, list page $page_bytes bytes" >&2
for s in "${scenarios[@]}"; do
  read -r name url script pid <<<"$s"
  run "$name" "$url" "$script" "$WARMUP" "$pid" >/dev/null
done
: >"$work/results"
for round in $(seq 1 "$ROUNDS"); do
  for s in "${scenarios[@]}"; do
    read -r name url script pid <<<"$s"
    line="$(run "$name" "$url" "$script" "$DURATION" "$pid")"
    echo "$round $line" >>"$work/results"
    echo "  round $round: $line" >&2
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

awk -v rounds="$ROUNDS" '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { r = $1; s = $2; rps[s, r] = $3; p50[s, r] = $4; p99[s, r] = $5; bad[s] += $6; cpu[s, r] = $7
    if (!(s in seen)) { seen[s] = 1; order[++n] = s } }
  END {
    printf "%-37s %8s %7s %7s %9s %8s %9s %7s\n", "request", "req/s", "p50 ms", "p99 ms", "/ceiling", "cpu us", \
      "cpu ceil/", "non-2xx"
    names["ceiling"] = "ceiling (constant buffer, same bytes)"
    names["list"] = "GET /v1/SourceIpMappings?PageSize=50"
    names["fetch"] = "GET /v1/SourceIpMappings/{Sid}"
    names["churn"] = "POST + DELETE /v1/SourceIpMappings"
    for (k = 1; k <= n; k++) {
      s = order[k]
      for (r = 1; r <= rounds; r++) {
        a[r] = rps[s, r]; b[r] = p50[s, r]; c[r] = p99[s, r]; d[r] = rps[s, r] / rps["ceiling", r]
        e[r] = cpu[s, r]; f[r] = cpu["ceiling", r] / cpu[s, r]
      }
      mr = median(a, rounds); m50 = median(b, rounds); m99 = median(c, rounds); ratio = median(d, rounds)
      printf "%-37s %8.0f %7.2f %7.2f %9.2f %8.1f %9.2f %7d\n", names[s], mr, m50, m99, ratio, median(e, rounds), \
        median(f, rounds), bad[s]
    }
  }' "$work/results"
echo "http.sh: load average after $load_after; medians of $ROUNDS interleaved rounds; /ceiling = median of per-round
  throughput ratios; cpu us = the server process's CPU time (user + system, JIT and GC included) per request; cpu ceil/
  = the ceiling's CPU per request over this one's, per round: the ratio that holds when others share the cores" >&2
