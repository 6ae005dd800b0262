#!/usr/bin/env bash
# HTTP throughput of the sipmap server beside the ceiling on this machine, in one run, with wrk on 127.0.0.1 only.
#
#   bench/http.sh                       builds both jars, then about 6 minutes of load
#   SKIP_BUILD=1 bench/http.sh          reuses the jars
#   ROUNDS=3 DURATION=8 WARMUP=10 CONNECTIONS=32 THREADS=1 bench/http.sh     (the defaults)
#   CONFIGS="memory memory-nometrics embedded embedded-apart" bench/http.sh    (the default servers measured)
#   ACCOUNTS=64 bench/http.sh           how many accounts the create load cycles through (the default)
#   SERVER_JAR=... JAR=... SKIP_BUILD=1 bench/http.sh    another build's jars, to compare versions
#   SIPMAP_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/list.jfr,settings=profile' bench/http.sh
#
# The server measured is the one that ships, server/target/sipmap-server.jar, with its request log off, one JVM per
# configuration of CONFIGS: "memory" (--store memory, metrics on as by default), "memory-nometrics" (--no-metrics,
# given the same traffic as "memory", so that the two JVMs compare: what metrics cost), "embedded" (--store embedded:
# the PostgreSQL it starts itself, on the same core, since PostgreSQL inherits the JVM's affinity) and
# "embedded-apart" (the same, with its PostgreSQL moved to the other cores, as a database runs beside a server rather
# than inside its core; with two cores that is wrk's core, so PostgreSQL and the load generator share it). Each is
# filled over HTTP by the benchmarks jar (io.sipmap.benchmarks.HttpBenchServer load) with 10,000 mapped IP records and 1,000 unmapped ones, and then,
# over PostgreSQL, vacuumed and analysed (HttpBenchServer vacuum) as autovacuum leaves the tables within a minute or two
# of such a load, so that no round measures the moment it runs. The ceiling is
# a minimal Vert.x server answering every request with the bytes of one real list page from a constant buffer
# (HttpBenchServer ceiling). Servers are pinned to the last core, wrk to the first, when there are two or more. After
# a warm-up, each round runs the same wrk settings against: the ceiling, then for each configuration GET
# /v1/SourceIpMappings?PageSize=50 (a walk over all 200 pages by PageToken), GET /v1/SourceIpMappings/{Sid} (all 10,000
# SIDs, shuffled), POST + DELETE /v1/SourceIpMappings (alternating, over the unmapped IP records, one account) and
# POST /v1/IpRecords (each request as the next of ACCOUNTS accounts, from a --credentials-file of their digests).
# The table gives the median over the rounds of requests/s, p50 and p99, and of each round's ratio to that round's
# ceiling; cpu us counts the server's JVM and, for embedded, its PostgreSQL processes, and jvm us and pg us split it.
# In the first round, while each embedded create load runs, HttpBenchServer waits samples pg_stat_activity 50 times
# over the run and prints what the backends waited on (Lock: waits between writes of different accounts).
# Everything started is stopped on exit; the whole run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1   # the only address ever loaded
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-8}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
ACCOUNTS="${ACCOUNTS:-64}"
THREADS="${THREADS:-1}"
MAX_SECONDS="${MAX_SECONDS:-900}"
JAR="${JAR:-benchmarks/target/benchmarks.jar}"          # the loader and the ceiling
SERVER_JAR="${SERVER_JAR:-server/target/sipmap-server.jar}"   # the server measured
read -r -a CONFIGS <<<"${CONFIGS:-memory memory-nometrics embedded embedded-apart}"
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

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" || ! -f "$SERVER_JAR" ]]; then
  echo "http.sh: building $JAR and $SERVER_JAR" >&2
  timeout 600 mvn -B -q -pl benchmarks,server -am package -DskipTests
fi

cpus="$(nproc)"
if (( cpus >= 2 )); then
  server_cpu=$((cpus - 1)); wrk_cpu=0; other_cpus="0-$((cpus - 2))"
  pin_server=(taskset -c "$server_cpu"); pin_wrk=(taskset -c "$wrk_cpu")
  pinning="servers on cpu $server_cpu, wrk on cpu $wrk_cpu"
else
  pin_server=(); pin_wrk=(); other_cpus=""; pinning="one cpu: not pinned"
fi

wait_port() { # port, pid, log, what -> returns once something listens on the port
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://$HOST:$1/" && return
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; echo "http.sh: $4 died" >&2; exit 1; }
    sleep 0.5
  done
  echo "http.sh: $4 did not start" >&2; exit 1
}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

java -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer accounts "$work" "$ACCOUNTS"
declare -A url pid_of data_of
for config in "${CONFIGS[@]}"; do
  flags=(--host "$HOST" --management-port -1 --no-request-log --credentials-file "$work/credentials")
  case "$config" in
    memory) flags+=(--store memory) ;;
    memory-nometrics) flags+=(--store memory --no-metrics) ;;
    embedded | embedded-apart) flags+=(--store embedded --data-dir "$work/data-$config") ;;
    *) echo "http.sh: unknown configuration $config" >&2; exit 2 ;;
  esac
  port="$(free_port)"
  # shellcheck disable=SC2086
  TWILIO_ACCOUNT_SID="$ACCOUNT" TWILIO_AUTH_TOKEN="$TOKEN" "${pin_server[@]}" java "${JAVA_OPTS[@]}" \
    ${SIPMAP_JAVA_OPTS:-} -jar "$SERVER_JAR" --port "$port" "${flags[@]}" >"$work/$config.log" 2>&1 &
  pids+=($!)
  pid_of[$config]=$!
  data_of[$config]="$work/data-$config"
  url[$config]="http://$HOST:$port"
  wait_port "$port" "${pid_of[$config]}" "$work/$config.log" "the $config server"
  if [[ "$config" == embedded-apart && -n "$other_cpus" ]]; then
    # the postmaster and the processes it has started; those it starts later inherit its affinity
    postmaster="$(pgrep -f -- "-D $work/data-$config/postgres" | head -1)"
    for p in "$postmaster" $(pgrep -P "$postmaster"); do
      taskset -a -p -c "$other_cpus" "$p" >/dev/null
    done
  fi
  mkdir -p "$work/$config"
  java -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer load "${url[$config]}" "$work/$config" >&2
  if [[ "$config" == embedded* ]]; then
    java -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer vacuum "$work/data-$config" >&2
  fi
done

first="${CONFIGS[0]}"
# The ceiling serves the bytes of a real page from the middle of the walk.
page_path="$(sed -n 100p "$work/$first/list.paths")"
status="$(curl -s -o "$work/page.json" -w '%{http_code}' -H "$AUTH" "${url[$first]}$page_path")"
[[ "$status" == 200 ]] || { echo "http.sh: list answered $status" >&2; exit 1; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' "${url[$first]}$page_path")" == 401 ]] \
  || { echo "http.sh: list without credentials was not refused" >&2; exit 1; }
"${pin_server[@]}" java "${JAVA_OPTS[@]}" -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer ceiling "$work" \
  "$work/page.json" >"$work/ceiling.log" 2>&1 &
pids+=($!)
ceiling_pid=$!
for _ in $(seq 1 120); do [[ -s "$work/ceiling.port" ]] && break; sleep 0.5; done
ceiling="http://$HOST:$(cat "$work/ceiling.port")"
page_bytes="$(wc -c <"$work/page.json")"
[[ "$(curl -s -o /dev/null -w '%{size_download}' "$ceiling/")" == "$page_bytes" ]] \
  || { echo "http.sh: the ceiling does not answer $page_bytes bytes" >&2; exit 1; }

cpu_ticks() { # config or pid -> user + system CPU time so far, in clock ticks, of the server's JVM, then of its
  # embedded PostgreSQL when it has one (the postmaster serving its data directory and the postmaster's children)
  local jvm="$1" postmaster pg=0 p
  if [[ -n "${pid_of[$1]:-}" ]]; then
    jvm="${pid_of[$1]}"
    postmaster="$(pgrep -f -- "-D ${data_of[$1]}/postgres" | head -1 || true)"
    if [[ -n "$postmaster" ]]; then
      for p in "$postmaster" $(pgrep -P "$postmaster" || true); do
        [[ -r "/proc/$p/stat" ]] && pg=$((pg + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
      done
    fi
  fi
  echo "$(awk '{ print $14 + $15 }' "/proc/$jvm/stat") $pg"
}
run() { # scenario, url, script, seconds, server (config or pid), input dir -> one result line
  local name="$1" url="$2" script="$3" seconds="$4" server="$5" dir="$6" out before after
  read -r jvm0 pg0 <<<"$(cpu_ticks "$server")"
  out="$(BENCH_PATHS="$dir/${name%%-*}.paths" BENCH_POOL="$dir/pool.sids" BENCH_AUTHS="$work/auths" \
    timeout $((seconds + 20)) "${pin_wrk[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency -H "$AUTH" \
    -s "bench/$script" "$url")"
  read -r jvm1 pg1 <<<"$(cpu_ticks "$server")"
  awk -v name="$name" -v jvm=$((jvm1 - jvm0)) -v pg=$((pg1 - pg0)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { requests = $1 }
    /^Requests\/sec:/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %.0f %.3f %.3f %d %.1f %.1f %.1f\n", name, rps, p50, p99, bad + 0, (jvm + pg) * 1e6 / hz / requests,
      jvm * 1e6 / hz / requests, pg * 1e6 / hz / requests }' <<<"$out"
}
cp "$work/$first/list.paths" "$work/ceiling.paths"
scenarios=("ceiling $ceiling paths.lua $ceiling_pid $work")
for config in "${CONFIGS[@]}"; do
  scenarios+=("list-$config ${url[$config]} paths.lua $config $work/$config")
  scenarios+=("fetch-$config ${url[$config]} paths.lua $config $work/$config"
    "churn-$config ${url[$config]} churn.lua $config $work/$config"
    "create-$config ${url[$config]} creates.lua $config $work/$config")
done

echo "http.sh: $(date -u +%FT%TZ), $cpus cpus, $pinning; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "http.sh: wrk -t$THREADS -c$CONNECTIONS, warm-up ${WARMUP}s, $ROUNDS rounds of ${DURATION}s, list page $page_bytes bytes" >&2
for s in "${scenarios[@]}"; do
  read -r name target script server dir <<<"$s"
  run "$name" "$target" "$script" "$WARMUP" "$server" "$dir" >/dev/null
done
: >"$work/results"
for round in $(seq 1 "$ROUNDS"); do
  for s in "${scenarios[@]}"; do
    read -r name target script server dir <<<"$s"
    if [[ "$round" == 1 && "$name" == create-embedded* ]]; then
      # what the backends wait on meanwhile, over most of the run
      ( sleep 1; echo "  waits during $name: $(java -cp "$JAR" io.sipmap.benchmarks.HttpBenchServer waits \
        "${data_of[$server]}" $((DURATION - 2)) 50)" >&2 ) &
      sampler=$!
    fi
    line="$(run "$name" "$target" "$script" "$DURATION" "$server" "$dir")"
    [[ -n "${sampler:-}" ]] && { wait "$sampler" || true; sampler=""; }
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
  { r = $1; s = $2; rps[s, r] = $3; p50[s, r] = $4; p99[s, r] = $5; bad[s] += $6; cpu[s, r] = $7; jvm[s, r] = $8
    pg[s, r] = $9
    if (!(s in seen)) { seen[s] = 1; order[++n] = s } }
  END {
    printf "%-54s %8s %7s %7s %9s %8s %7s %7s %9s %7s\n", "request", "req/s", "p50 ms", "p99 ms", "/ceiling", \
      "cpu us", "jvm us", "pg us", "cpu ceil/", "non-2xx"
    names["ceiling"] = "ceiling (constant buffer, same bytes)"
    names["list"] = "GET /v1/SourceIpMappings?PageSize=50"
    names["fetch"] = "GET /v1/SourceIpMappings/{Sid}"
    names["churn"] = "POST + DELETE /v1/SourceIpMappings"
    names["create"] = "POST /v1/IpRecords, many accounts"
    for (k = 1; k <= n; k++) {
      s = order[k]
      for (r = 1; r <= rounds; r++) {
        a[r] = rps[s, r]; b[r] = p50[s, r]; c[r] = p99[s, r]; d[r] = rps[s, r] / rps["ceiling", r]
        e[r] = cpu[s, r]; f[r] = cpu["ceiling", r] / cpu[s, r]; g[r] = jvm[s, r]; h[r] = pg[s, r]
      }
      mr = median(a, rounds); m50 = median(b, rounds); m99 = median(c, rounds); ratio = median(d, rounds)
      split(s, part, "-"); label = names[part[1]] (s == "ceiling" ? "" : " (" substr(s, length(part[1]) + 2) ")")
      printf "%-54s %8.0f %7.2f %7.2f %9.2f %8.1f %7.1f %7.1f %9.2f %7d\n", label, mr, m50, m99, ratio, \
        median(e, rounds), median(g, rounds), median(h, rounds), median(f, rounds), bad[s]
    }
  }' "$work/results"
echo "http.sh: load average after $load_after; medians of $ROUNDS interleaved rounds; /ceiling = median of per-round
  throughput ratios; cpu us = the server process's CPU time (user + system, JIT and GC included) per request, jvm us
  and pg us its JVM's and its PostgreSQL's (for embedded); cpu ceil/
  = the ceiling's CPU per request over this one's, per round: the ratio that holds when others share the cores" >&2
