#!/usr/bin/env bash
# build/bench.sh: measure the provider endpoints of the running API and write docs/performance.md.
#
#   build/bench.sh [--duration N] [--connections N] [--warmup N] [--ref REV]
#
# --ref REV publishes the committed revision REV (git archive into a temporary
# folder) instead of the working tree, e.g. while src/ is being edited.
#
# Everything runs on this machine and shares its cores: PostgreSQL (the private
# cluster 'bench' on 127.0.0.1:55433, with a fresh database almyty_bench each
# run), the API (published in Release into /tmp/art-bench, served on 127.0.0.1
# from port 5090 up, Production, logging at Warning, throwaway secrets) and wrk
# (installed from Debian when missing).
#
# 1. seeds 50 providers through POST /llm-providers with an owner token, and one
#    `custom` provider whose baseUrl is a fake OpenAI-compatible upstream that
#    build/bench/Almyty.Bench serves on 127.0.0.1 (fixed answers from pre-built
#    bytes, usage reported, model gpt-4o-mini so every call is priced);
# 2. for each scenario: a warm-up, then wrk (--latency) while the API's memory
#    (VmRSS, VmHWM) and the CPU time of the API, PostgreSQL, the fake upstream,
#    wrk and the rest of the machine are sampled from /proc;
#      GET /llm-providers/{id}        (the 50 ids in turn)      target >= 5,000 req/s, p99 <= 10 ms
#      GET /llm-providers?limit=20    (a page of 20)            target >= 2,000 req/s
#      GET /health/live               (floor: no token, no database)
#      GET /llm-providers/not-a-uuid  (floor: token validated, 400 before the database)
#      POST /v1/chat/completions      (the upstream called directly)    at 1, 16, 64 connections
#      POST /llm-providers/{id}/chat  (one-off)                          at 1, 16, 64 connections
#      POST /llm-providers/{id}/chat  (64 sessions in turn)              at 1, 16, 64 connections
#    target one-off chat at 16 connections >= 3,000 req/s; the API's resident memory <= 200 MB;
# 3. one request at a time on one connection each (Almyty.Bench latency), the
#    upstream directly and through the API in turn: the overhead the API adds to
#    a chat (target p50 <= 1 ms, p99 <= 3 ms), and for a streamed chat the time
#    to the first delta (target <= 2 ms added at p50); the CPU of each process
#    and autovacuum's work are sampled while they measure;
# 4. writes docs/performance.md. Its section between the markers
#    <!-- analysis:begin --> and <!-- analysis:end --> is written by hand and
#    kept from the previous file.
# The API's log of the last run is kept in /tmp/art-bench/api.log.
# --connections sets the provider scenarios' connections only. The API and the
# upstream are stopped at the end; the PostgreSQL cluster keeps running. Takes
# about 8 minutes with the defaults (duration 20 s, 16 connections, warm-up 5 s).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
API_PROJECT="src/Almyty.Api/Almyty.Api.csproj"
ARTIFACTS_DIR="/tmp/art-bench"
APP_DIR="$ARTIFACTS_DIR/bench-app"
OUTPUT="$REPO_ROOT/docs/performance.md"
PG_CLUSTER="bench"
PG_PORT=55433
DB_NAME="almyty_bench"
FIRST_PORT=5090
UPSTREAM_FIRST_PORT=5190
BENCH_TOOL_PROJECT="build/bench/Almyty.Bench/Almyty.Bench.csproj"
TOOL_DIR="$ARTIFACTS_DIR/bench-tool"
SEED_COUNT=50
SESSION_COUNT=64
CHAT_CONNECTIONS=(1 16 64)
LATENCY_COUNT=2000
LATENCY_WARMUP=300
# Also a floor in time: the probe is .NET, and its own JIT tiering must be over before it measures (LatencyProbe.cs).
LATENCY_WARMUP_SECONDS=5
STREAM_COUNT=400
# One-off chats that each come IDLE_PAUSE_MS after the answer before them, when the machine's threads have gone idle.
IDLE_COUNT=300
IDLE_WARMUP=50
IDLE_PAUSE_MS=50
STREAM_WARMUP=50
STREAM_CHUNKS=8
STREAM_CHUNK_DELAY_MS=5
THREADS=2

DURATION=20
CONNECTIONS=16
WARMUP=5
GIT_REF=""

usage() { sed -n '2,44s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() {
    printf 'bench.sh: error: %s\n' "$*" >&2
    exit 1
}
say() { printf '==> %s\n' "$*" >&2; }

positive_int() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 takes a whole number of 1 or more, not '$2'"
}

while (($# > 0)); do
    case "$1" in
        -h | --help)
            usage
            exit 0
            ;;
        --duration | --connections | --warmup)
            (($# >= 2)) || die "$1 needs a value"
            positive_int "$1" "$2"
            case "$1" in
                --duration) DURATION="$2" ;;
                --connections) CONNECTIONS="$2" ;;
                --warmup) WARMUP="$2" ;;
            esac
            shift 2
            ;;
        --ref)
            (($# >= 2)) || die "$1 needs a value"
            GIT_REF="$2"
            shift 2
            ;;
        *)
            usage >&2
            die "unknown argument '$1'"
            ;;
    esac
done
((DURATION >= 5)) || die "--duration must be 5 seconds or more (CPU is sampled inside the run)"
((CONNECTIONS >= THREADS)) || die "--connections must be at least $THREADS (wrk runs $THREADS threads)"
# The two floors are diagnostics: half as long.
FLOOR_DURATION=$((DURATION / 2 > 5 ? DURATION / 2 : 5))

cd "$REPO_ROOT"
# shellcheck source-path=SCRIPTDIR source=lib/postgres.sh
source "$REPO_ROOT/build/lib/postgres.sh"

command -v dotnet >/dev/null 2>&1 || die "dotnet not found: install the .NET 10 SDK"
command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install -y curl)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

WORK_DIR="$(mktemp -d /tmp/almyty-bench.XXXXXX)"
API_PID=""
UPSTREAM_PID=""
SAMPLER_PID=""
WRK_PID=""

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    local status=$? pid
    for pid in "$WRK_PID" "$SAMPLER_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [[ -n "$UPSTREAM_PID" ]] && kill -0 "$UPSTREAM_PID" 2>/dev/null; then
        kill -TERM "$UPSTREAM_PID" 2>/dev/null || true
        wait "$UPSTREAM_PID" 2>/dev/null || true
    fi
    if [[ -n "$API_PID" ]] && kill -0 "$API_PID" 2>/dev/null; then
        say "stopping the API (pid $API_PID)"
        kill -TERM "$API_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$API_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$API_PID" 2>/dev/null; then
            kill -KILL "$API_PID" 2>/dev/null || true
        fi
        wait "$API_PID" 2>/dev/null || true
    fi
    if ((status != 0)) && [[ -s "$WORK_DIR/api.log" ]]; then
        printf 'bench.sh: the end of the API log:\n' >&2
        tail -n 30 "$WORK_DIR/api.log" >&2 || true
    fi
    # Kept, empty when the run logged nothing: the API logs at Warning, so any error behind a non-2xx is there.
    cp "$WORK_DIR/api.log" "$ARTIFACTS_DIR/api.log" 2>/dev/null || true
    rm -rf "$WORK_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# 1. Tools, database, API.
# ---------------------------------------------------------------------------

if ! command -v wrk >/dev/null 2>&1; then
    say "installing wrk from the Debian archive"
    ((EUID == 0)) || die "wrk is missing and this is not root: apt-get install -y wrk"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 </dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 </dev/null || die "apt-get install wrk failed"
fi

say "PostgreSQL cluster '$PG_CLUSTER' on 127.0.0.1:$PG_PORT"
almyty_ensure_postgres "$PG_CLUSTER" "$PG_PORT" || die "could not bring up PostgreSQL"

# Host=...;Port=...;Username=...;Password=...;Database=... -> its values.
pg_value() {
    local part
    local -a parts
    IFS=';' read -ra parts <<<"$ALMYTY_PG_CONNECTION"
    for part in "${parts[@]}"; do
        if [[ "${part%%=*}" == "$1" ]]; then
            printf '%s\n' "${part#*=}"
            return 0
        fi
    done
    return 1
}
PG_HOST="$(pg_value Host)"
PG_USER="$(pg_value Username)"
PG_PASSWORD="$(pg_value Password)"
PSQL="$ALMYTY_PG_BIN/psql"
[[ -x "$PSQL" ]] || PSQL="$(command -v psql)" || die "psql not found"
psql_admin() {
    PGPASSWORD="$PG_PASSWORD" PGOPTIONS='-c client_min_messages=warning' "$PSQL" -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

say "fresh database $DB_NAME"
psql_admin -c "drop database if exists $DB_NAME with (force)" >/dev/null
psql_admin -c "create database $DB_NAME" >/dev/null
PG_VERSION="$(psql_admin -tAc 'show server_version')"
PG_POSTMASTER_PID="$(head -n 1 "$ALMYTY_PG_CLUSTER_DIR/data/postmaster.pid" | tr -dc '0-9')"
[[ -n "$PG_POSTMASTER_PID" ]] || die "cannot read the postmaster pid of cluster '$PG_CLUSTER'"

SOURCE_ROOT="$REPO_ROOT"
if [[ -n "$GIT_REF" ]]; then
    GIT_REV="$(git -C "$REPO_ROOT" rev-parse --verify --short "$GIT_REF^{commit}" 2>/dev/null)" || die "--ref: no commit '$GIT_REF'"
    SOURCE_ROOT="$WORK_DIR/source"
    mkdir -p "$SOURCE_ROOT"
    git -C "$REPO_ROOT" archive --format=tar "$GIT_REV" | tar -x -C "$SOURCE_ROOT" || die "git archive $GIT_REV failed"
    say "publishing commit $GIT_REV (not the working tree)"
fi

say "dotnet publish $API_PROJECT -c Release -o $APP_DIR --artifacts-path $ARTIFACTS_DIR"
dotnet publish "$SOURCE_ROOT/$API_PROJECT" -c Release -o "$APP_DIR" --artifacts-path "$ARTIFACTS_DIR" -nologo -v quiet >"$WORK_DIR/publish.log" 2>&1 || {
    tail -n 40 "$WORK_DIR/publish.log" >&2
    die "dotnet publish failed"
}
[[ -f "$APP_DIR/Almyty.Api.dll" ]] || die "the publish succeeded but $APP_DIR/Almyty.Api.dll is missing"

say "dotnet publish $BENCH_TOOL_PROJECT -c Release -o $TOOL_DIR"
dotnet publish "$SOURCE_ROOT/$BENCH_TOOL_PROJECT" -c Release -o "$TOOL_DIR" --artifacts-path "$ARTIFACTS_DIR" -nologo -v quiet >"$WORK_DIR/publish-tool.log" 2>&1 || {
    tail -n 40 "$WORK_DIR/publish-tool.log" >&2
    die "dotnet publish of the bench tool failed"
}
BENCH_TOOL=(dotnet "$TOOL_DIR/Almyty.Bench.dll")

port_in_use() { (exec 8<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # first-port -> the first free port of the 100 from there
    local port="$1"
    while port_in_use "$port"; do
        port=$((port + 1))
        ((port < $1 + 100)) || die "no free port in $1-$(($1 + 99))"
    done
    printf '%s' "$port"
}
API_PORT="$(free_port "$FIRST_PORT")"
BASE_URL="http://127.0.0.1:$API_PORT"
UPSTREAM_PORT="$(free_port "$UPSTREAM_FIRST_PORT")"
UPSTREAM_URL="http://127.0.0.1:$UPSTREAM_PORT"

say "starting the fake upstream on $UPSTREAM_URL"
"${BENCH_TOOL[@]}" upstream --port "$UPSTREAM_PORT" --chunks "$STREAM_CHUNKS" --chunk-delay-ms "$STREAM_CHUNK_DELAY_MS" \
    </dev/null >"$WORK_DIR/upstream.log" 2>&1 &
UPSTREAM_PID=$!
upstream_ready=0
for _ in $(seq 1 60); do
    kill -0 "$UPSTREAM_PID" 2>/dev/null || die "the fake upstream exited while starting: $(cat "$WORK_DIR/upstream.log")"
    if curl -fsS -o /dev/null --max-time 2 -X POST -H 'Content-Type: application/json' -d '{}' "$UPSTREAM_URL/v1/chat/completions" 2>/dev/null; then
        upstream_ready=1
        break
    fi
    sleep 0.5
done
((upstream_ready)) || die "the fake upstream did not answer within 30 s ($UPSTREAM_URL)"

random_base64() { head -c "$1" /dev/urandom | base64 -w0; }
export ASPNETCORE_ENVIRONMENT=Production
export ASPNETCORE_URLS="$BASE_URL"
export Logging__LogLevel__Default=Warning
export Auth__Jwt__SigningKey
Auth__Jwt__SigningKey="$(random_base64 48)"
export Secrets__ActiveKeyId=bench
export Secrets__Keys__bench
Secrets__Keys__bench="$(random_base64 32)"
# The fake upstream is on loopback, which the egress policy refuses unless allowed by name.
export Egress__AllowedHosts__0=127.0.0.1
# One organization drives every scenario at thousands of requests per second: a limit that is counted on every
# request (so its cost is measured) but never reached.
export RateLimiting__PermitsPerWindow=2000000000
export ConnectionStrings__Almyty="${ALMYTY_PG_CONNECTION/Database=almyty/Database=$DB_NAME}"
[[ "$ConnectionStrings__Almyty" == *"Database=$DB_NAME"* ]] || die "unexpected connection string shape from postgres.sh"

# Migrated by the migrate command, as a deployment step (docs/configuration.md): the API process then never loads
# EF Core's migration machinery, which would stay in its memory for the whole run.
say "applying migrations (Almyty.Api.dll migrate)"
dotnet "$APP_DIR/Almyty.Api.dll" migrate </dev/null >"$WORK_DIR/migrate.log" 2>&1 ||
    die "'Almyty.Api.dll migrate' failed: see $WORK_DIR/migrate.log"
export Database__MigrateOnStart=false

say "starting the API on $BASE_URL"
# As build/run.sh and the container image run it: the GC's gen0 budget capped at 8 MiB, and glibc's
# malloc returning freed blocks of 64 KiB and more to the system (ADR 0015).
DOTNET_GCgen0size=0x800000 MALLOC_MMAP_THRESHOLD_=65536 dotnet "$APP_DIR/Almyty.Api.dll" </dev/null >"$WORK_DIR/api.log" 2>&1 &
API_PID=$!
ready=0
for _ in $(seq 1 240); do
    kill -0 "$API_PID" 2>/dev/null || die "the API exited while starting"
    if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/health/ready" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.5
done
((ready)) || die "the API did not become ready within 120 s ($BASE_URL/health/ready)"
# The port was free when chosen, but the API binds it only after its migrations:
# make sure that what answered is this API, not a program that took the port meanwhile.
if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$API_PORT" 2>/dev/null | grep -q "pid=$API_PID," ||
        die "something other than the API (pid $API_PID) listens on port $API_PORT; run this again"
fi

token_output="$(dotnet "$APP_DIR/Almyty.Api.dll" token --org bench-org --role owner --expires 120 </dev/null)" ||
    die "'Almyty.Api.dll token' failed"
TOKEN="$(printf '%s\n' "$token_output" | awk 'NF { last = $0 } END { print last }' | tr -d '[:space:]')"
[[ "$TOKEN" =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$ ]] || die "'token' printed no JWT"

# ---------------------------------------------------------------------------
# 2. Seed.
# ---------------------------------------------------------------------------

say "seeding $SEED_COUNT providers"
ids=()
for i in $(seq 1 "$SEED_COUNT"); do
    body="$(printf '{"name":"bench-%d","provider":"openai","apiKey":"sk-bench-%s","model":"gpt-4o"}' "$i" "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')")"
    response="$(curl -sS --max-time 10 -w '\n%{http_code}' -X POST "$BASE_URL/llm-providers" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body")" ||
        die "POST /llm-providers failed"
    code="${response##*$'\n'}"
    [[ "$code" == 201 ]] || die "POST /llm-providers answered $code: ${response%$'\n'*}"
    id="$(printf '%s' "${response%$'\n'*}" | grep -o '"id":"[0-9a-fA-F-]\{36\}"' | head -n 1 | cut -d'"' -f4)"
    [[ -n "$id" ]] || die "no id in the answer to POST /llm-providers"
    ids+=("$id")
done

say "adding the chat provider (custom, baseUrl $UPSTREAM_URL/v1)"
body="$(printf '{"name":"bench-upstream","provider":"custom","apiKey":"bench-%s","model":"gpt-4o-mini","baseUrl":"%s/v1"}' \
    "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$UPSTREAM_URL")"
response="$(curl -sS --max-time 10 -w '\n%{http_code}' -X POST "$BASE_URL/llm-providers" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body")" || die "POST /llm-providers failed"
[[ "${response##*$'\n'}" == 201 ]] || die "POST /llm-providers (chat provider) answered ${response##*$'\n'}: ${response%$'\n'*}"
CHAT_PROVIDER_ID="$(printf '%s' "${response%$'\n'*}" | grep -o '"id":"[0-9a-fA-F-]\{36\}"' | head -n 1 | cut -d'"' -f4)"
[[ -n "$CHAT_PROVIDER_ID" ]] || die "no id in the answer to POST /llm-providers (chat provider)"
CHAT_PATH="/llm-providers/$CHAT_PROVIDER_ID/chat"
CHAT_MESSAGE="Hello, what can you do?"
# What the API sends a `custom` upstream for that message (max_tokens, not max_completion_tokens), so both paths get the same request.
DIRECT_BODY="$(printf '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"%s"}],"temperature":0.7,"top_p":1,"max_tokens":4096}' "$CHAT_MESSAGE")"
ONE_OFF_BODY="$(printf '{"message":"%s"}' "$CHAT_MESSAGE")"
STREAM_BODY="$(printf '{"message":"%s","stream":true}' "$CHAT_MESSAGE")"
DIRECT_STREAM_BODY="${DIRECT_BODY%\}},\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
sessions=()
for _ in $(seq 1 "$SESSION_COUNT"); do
    sessions+=("$(cat /proc/sys/kernel/random/uuid)")
done

# One GET, with the token unless the second argument is "anonymous": sets
# PROBE_CODE and PROBE_BODY, and PROBE_WHY to a short account of a failure.
probe() {
    local response code
    local -a auth=(-H "Authorization: Bearer $TOKEN")
    [[ "${2:-}" != anonymous ]] || auth=()
    response="$(curl -sS --max-time 10 -w '\n%{http_code}' "${auth[@]}" "$BASE_URL$1")" ||
        die "GET $1 failed (is the API still running?)"
    PROBE_CODE="${response##*$'\n'}"
    PROBE_BODY="${response%$'\n'*}"
    code="$(printf '%s' "$PROBE_BODY" | grep -o '"error":"[A-Z_]*"' | head -n 1 | cut -d'"' -f4 || true)"
    PROBE_WHY="answers $PROBE_CODE${code:+ $code}"
}

# wrk scripts: the header, and for GET by id the seeded ids in turn.
{
    printf 'local ids = {\n'
    printf '  "%s",\n' "${ids[@]}"
    printf '}\n'
    cat <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
local requests = {}
local n = 0
init = function(args)
  for i, id in ipairs(ids) do
    requests[i] = wrk.format("GET", "/llm-providers/" .. id)
  end
end
request = function()
  n = n % #requests + 1
  return requests[n]
end
LUA
} >"$WORK_DIR/by-id.lua"
cat >"$WORK_DIR/auth.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
LUA
cat >"$WORK_DIR/chat-direct.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer bench-upstream-key"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_DIRECT_BODY")
LUA
cat >"$WORK_DIR/chat-one-off.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_ONE_OFF_BODY")
LUA
{
    printf 'local sessions = {\n'
    printf '  "%s",\n' "${sessions[@]}"
    printf '}\n'
    cat <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
local path = os.getenv("BENCH_CHAT_PATH")
local message = os.getenv("BENCH_CHAT_MESSAGE")
local n = 0
-- The two wrk threads start at different sessions; together they go round all of them.
init = function(args)
  n = math.random(#sessions)
end
request = function()
  n = n % #sessions + 1
  return wrk.format("POST", path, nil, '{"message":"' .. message .. '","sessionId":"' .. sessions[n] .. '"}')
end
LUA
} >"$WORK_DIR/chat-session.lua"
export BENCH_DIRECT_BODY="$DIRECT_BODY" BENCH_ONE_OFF_BODY="$ONE_OFF_BODY" BENCH_CHAT_PATH="$CHAT_PATH" BENCH_CHAT_MESSAGE="$CHAT_MESSAGE"
export BENCH_TOKEN="$TOKEN"

# ---------------------------------------------------------------------------
# 3. Runs, with /proc sampling.
# ---------------------------------------------------------------------------

CLK_TCK="$(getconf CLK_TCK)"
NPROC="$(nproc)"

# utime+stime (+ reaped children's, with "all") of a process, in ticks; nothing when gone.
proc_ticks() {
    local stat
    local -a f
    if ! { read -r stat <"/proc/$1/stat"; } 2>/dev/null; then
        return 0
    fi
    read -ra f <<<"${stat##*) }"
    if [[ "${2:-}" == all ]]; then
        echo $((f[11] + f[12] + f[13] + f[14]))
    else
        echo $((f[11] + f[12]))
    fi
}

# The cluster's postmaster (with its reaped children) and every live child.
pg_ticks() {
    local total stat file
    local -a f
    total="$(proc_ticks "$PG_POSTMASTER_PID" all)"
    total="${total:-0}"
    for file in $(pgrep -P "$PG_POSTMASTER_PID" | sed 's#.*#/proc/&/stat#'); do
        { read -r stat <"$file"; } 2>/dev/null || continue
        read -ra f <<<"${stat##*) }"
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# Busy, total and stolen ticks of the whole machine (all cores). Stolen: this VM had work for a core and the
# hypervisor ran something else on it (counted as busy, as the work waited).
system_ticks() {
    local user nice system idle iowait irq softirq steal rest
    read -r _ user nice system idle iowait irq softirq steal rest </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal)) $steal"
}

stolen_pct() { # system_ticks-before system_ticks-after -> stolen time in % of one core
    local b0 t0 s0 b1 t1 s1
    read -r b0 t0 s0 <<<"$1"
    read -r b1 t1 s1 <<<"$2"
    awk -v s=$((s1 - s0)) -v t=$((t1 - t0)) -v n="$NPROC" 'BEGIN { printf "%.0f", (t > 0 ? 100 * n * s / t : 0) }'
}

status_kb() {
    local key value rest
    while read -r key value rest; do
        if [[ "$key" == "$2:" ]]; then
            echo "$value"
            return
        fi
    done <"/proc/$1/status"
    echo 0
}

# Samples the API's VmRSS every half second into a file, until killed.
rss_sampler() {
    while kill -0 "$API_PID" 2>/dev/null; do
        status_kb "$API_PID" VmRSS >>"$1" 2>/dev/null || true
        sleep 0.5
    done
}

to_ms() { # "1.23ms" / "850.00us" / "1.02s" / "2.00m" -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}

mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
pct() { # ticks-before ticks-after seconds -> % of one core ("?" when the process was gone)
    if [[ -z "$1" || -z "$2" ]]; then
        printf '?'
        return
    fi
    awk -v t=$(($2 - $1)) -v d="$3" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (d > 0 ? 100 * t / d / hz : 0) }'
}

results=()
run_wrk() { # name duration lua|- path [connections [base-url]]
    local name="$1" duration="$2" script="$3" path="$4" connections="${5:-$CONNECTIONS}" base="${6:-$BASE_URL}"
    local threads=$((connections < THREADS ? connections : THREADS))
    local -a args=(-t "$threads" -c "$connections" --latency)
    if [[ "$script" != - ]]; then
        args+=(-s "$script")
    fi

    say "$name: warm-up ${WARMUP}s"
    wrk "${args[@]}" -d "${WARMUP}s" "$base$path" >"$WORK_DIR/$name.warmup.txt" 2>&1 ||
        die "wrk failed in the warm-up of $name: $(cat "$WORK_DIR/$name.warmup.txt")"
    sleep 1

    say "$name: wrk -t$threads -c$connections -d${duration}s --latency $base$path"
    : >"$WORK_DIR/$name.rss"
    rss_sampler "$WORK_DIR/$name.rss" &
    SAMPLER_PID=$!
    local started
    started="$(date +%s.%N)"
    wrk "${args[@]}" -d "${duration}s" "$base$path" >"$WORK_DIR/$name.txt" 2>&1 &
    WRK_PID=$!

    # CPU over the middle of the run (from 1 s in to 2 s before the end).
    sleep 1
    local api0 pg0 wrk0 up0 sys0 api1 pg1 wrk1 up1 sys1 t0 t1
    t0="$(date +%s.%N)"
    wrk0="$(proc_ticks "$WRK_PID")"
    up0="$(proc_ticks "$UPSTREAM_PID")"
    api0="$(proc_ticks "$API_PID")"
    pg0="$(pg_ticks)"
    sys0="$(system_ticks)"
    # Until 2 s before the end, however long the first snapshot took on a busy machine.
    sleep "$(awk -v s="$started" -v d="$duration" -v now="$(date +%s.%N)" 'BEGIN { w = s + d - 2 - now; printf "%.2f", (w > 0.5 ? w : 0.5) }')"
    wrk1="$(proc_ticks "$WRK_PID")"
    up1="$(proc_ticks "$UPSTREAM_PID")"
    api1="$(proc_ticks "$API_PID")"
    pg1="$(pg_ticks)"
    sys1="$(system_ticks)"
    t1="$(date +%s.%N)"

    if ! wait "$WRK_PID"; then
        WRK_PID=""
        die "wrk failed in $name: $(cat "$WORK_DIR/$name.txt")"
    fi
    WRK_PID=""
    sleep 2 # "after": memory once the load has stopped
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""

    local out rps p50 p90 p99 requests non2xx socket_errors rss_peak rss_after hwm api_threads
    out="$WORK_DIR/$name.txt"
    rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
    p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    p90="$(to_ms "$(awk '$1 == "90%" { print $2 }' "$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    requests="$(awk '/ requests in / { print $1 }' "$out")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
    socket_errors="$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")"
    [[ -n "$rps" && -n "$requests" ]] || die "cannot read the wrk output of $name: $(cat "$out")"
    rss_peak="$(sort -n "$WORK_DIR/$name.rss" | tail -n 1)"
    rss_after="$(status_kb "$API_PID" VmRSS)"
    hwm="$(status_kb "$API_PID" VmHWM)"
    api_threads="$(status_kb "$API_PID" Threads)"

    local elapsed api_pct pg_pct wrk_pct up_pct busy_pct other_pct stolen
    elapsed="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    api_pct="$(pct "$api0" "$api1" "$elapsed")"
    pg_pct="$(pct "$pg0" "$pg1" "$elapsed")"
    wrk_pct="$(pct "$wrk0" "$wrk1" "$elapsed")"
    up_pct="$(pct "$up0" "$up1" "$elapsed")"
    # The machine's busy share, scaled to "% of one core" like the others.
    local b0 t0s b1 t1s
    read -r b0 t0s _ <<<"$sys0"
    read -r b1 t1s _ <<<"$sys1"
    busy_pct="$(awk -v b0="$b0" -v t0="$t0s" -v b1="$b1" -v t1="$t1s" -v n="$NPROC" \
        'BEGIN { printf "%.0f", (t1 > t0 ? 100 * n * (b1 - b0) / (t1 - t0) : 0) }')"
    stolen="$(stolen_pct "$sys0" "$sys1")"
    other_pct="?"
    if [[ "$api_pct$pg_pct$wrk_pct$up_pct" != *"?"* ]]; then
        other_pct=$((busy_pct - api_pct - pg_pct - wrk_pct - up_pct - stolen))
        ((other_pct >= 0)) || other_pct=0
    fi

    # name|path|duration|requests|rps|p50|p90|p99|non2xx|socket errors|rss peak|rss after|hwm|threads|api%|pg%|wrk%|other%|busy%|upstream%|connections|stolen%
    results+=("$name|$path|$duration|$requests|$rps|$p50|$p90|$p99|${non2xx:-0}|${socket_errors:-0}|$(mb "${rss_peak:-0}")|$(mb "$rss_after")|$(mb "$hwm")|$api_threads|$api_pct|$pg_pct|$wrk_pct|$other_pct|$busy_pct|$up_pct|$connections|$stolen")
    printf '    %s req/s, p50 %s ms, p90 %s ms, p99 %s ms, non-2xx %s; RSS peak %s MB; CPU%% api %s, postgres %s, upstream %s, wrk %s, other %s, stolen %s (of %s%%)\n' \
        "$rps" "$p50" "$p90" "$p99" "${non2xx:-0}" "$(mb "${rss_peak:-0}")" "$api_pct" "$pg_pct" "$up_pct" "$wrk_pct" "$other_pct" "$stolen" "$((NPROC * 100))" >&2
    sleep 1
}

# A scenario that does not answer as it should is reported, not measured.
SKIPPED=0
skip() { # name path why
    results+=("$1|$2|-|SKIP|$3")
    SKIPPED=$((SKIPPED + 1))
    printf 'bench.sh: warning: %s is not measured: GET %s %s\n' "$1" "$2" "$3" >&2
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START_RSS="$(mb "$(status_kb "$API_PID" VmRSS)")"
GET_BYTES="?"
LIST_BYTES="?"

probe "/llm-providers/${ids[0]}"
if [[ "$PROBE_CODE" == 200 && "$PROBE_BODY" == *"\"id\":\"${ids[0]}\""* ]]; then
    GET_BYTES=${#PROBE_BODY}
    run_wrk get-by-id "$DURATION" "$WORK_DIR/by-id.lua" "/llm-providers/${ids[0]}"
else
    skip get-by-id "/llm-providers/{id}" "$PROBE_WHY"
fi

probe "/llm-providers?limit=20"
list_items="$(printf '%s' "$PROBE_BODY" | grep -o '"apiKeyHint"' | wc -l || true)"
if [[ "$PROBE_CODE" == 200 ]] && ((list_items == 20)); then
    LIST_BYTES=${#PROBE_BODY}
    run_wrk list-20 "$DURATION" "$WORK_DIR/auth.lua" "/llm-providers?limit=20"
elif [[ "$PROBE_CODE" == 200 ]]; then
    skip list-20 "/llm-providers?limit=20" "answers $list_items items, not 20"
else
    skip list-20 "/llm-providers?limit=20" "$PROBE_WHY"
fi

probe /health/live anonymous
if [[ "$PROBE_CODE" == 200 ]]; then
    run_wrk health-live "$FLOOR_DURATION" - /health/live
else
    skip health-live /health/live "$PROBE_WHY"
fi

probe /llm-providers/not-a-uuid
if [[ "$PROBE_CODE" == 400 ]]; then
    run_wrk auth-only "$FLOOR_DURATION" "$WORK_DIR/auth.lua" /llm-providers/not-a-uuid
else
    skip auth-only /llm-providers/not-a-uuid "$PROBE_WHY (400 expected)"
fi

# One POST: sets PROBE_CODE, PROBE_BODY, PROBE_TYPE (content type) and PROBE_WHY.
post_probe() { # url body [authorization]
    local response code
    response="$(curl -sS --max-time 30 -w '\n%{content_type}\n%{http_code}' -X POST -H 'Content-Type: application/json' \
        -H "Authorization: Bearer ${3:-$TOKEN}" -d "$2" "$1")" || die "POST $1 failed (is it still running?)"
    PROBE_CODE="${response##*$'\n'}"
    response="${response%$'\n'*}"
    PROBE_TYPE="${response##*$'\n'}"
    PROBE_BODY="${response%$'\n'*}"
    code="$(printf '%s' "$PROBE_BODY" | grep -o '"error":"[A-Z_]*"' | head -n 1 | cut -d'"' -f4 || true)"
    PROBE_WHY="answers $PROBE_CODE${code:+ $code}"
}

UPSTREAM_ANSWER="Hello! I am the benchmark's upstream."
post_probe "$UPSTREAM_URL/v1/chat/completions" "$DIRECT_BODY" bench-upstream-key
direct_ok=0
[[ "$PROBE_CODE" == 200 && "$PROBE_BODY" == *"$UPSTREAM_ANSWER"* ]] && direct_ok=1
direct_why="$PROBE_WHY"
post_probe "$BASE_URL$CHAT_PATH" "$ONE_OFF_BODY"
chat_ok=0
[[ "$PROBE_CODE" == 200 && "$PROBE_BODY" == *"$UPSTREAM_ANSWER"* && "$PROBE_BODY" == *'"cost":'* ]] && chat_ok=1
chat_why="$PROBE_WHY"
for c in "${CHAT_CONNECTIONS[@]}"; do
    if ((direct_ok)); then
        run_wrk "chat-direct-c$c" "$DURATION" "$WORK_DIR/chat-direct.lua" /v1/chat/completions "$c" "$UPSTREAM_URL"
    else
        skip "chat-direct-c$c" /v1/chat/completions "$direct_why"
    fi
    if ((chat_ok)); then
        run_wrk "chat-one-off-c$c" "$DURATION" "$WORK_DIR/chat-one-off.lua" "$CHAT_PATH" "$c"
        run_wrk "chat-session-c$c" "$DURATION" "$WORK_DIR/chat-session.lua" "$CHAT_PATH" "$c"
    else
        skip "chat-one-off-c$c" "$CHAT_PATH" "$chat_why"
        skip "chat-session-c$c" "$CHAT_PATH" "$chat_why"
    fi
done

psql_bench() {
    PGPASSWORD="$PG_PASSWORD" "$PSQL" -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DB_NAME" "$@"
}
# The cluster's CPU ticks, for pg_split: a first line with the postmaster's own and its reaped children's, then
# "pid ticks kind" for each live child, kind b for a backend serving a client (the API's connections), o for the
# others (background processes, autovacuum's workers).
pg_snapshot() {
    local stat pid kind
    local -a f
    proc_ticks "$PG_POSTMASTER_PID" all
    for pid in $(pgrep -P "$PG_POSTMASTER_PID"); do
        { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
        read -ra f <<<"${stat##*) }"
        kind=o
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '([0-9]*)'; then
            kind=b
        fi
        echo "$pid $((f[11] + f[12])) $kind"
    done
}
# Two snapshots -> "backend-ticks other-ticks" between them. A child that ended meanwhile has all its ticks in the
# postmaster's reaped ones, and its ticks before the first snapshot are taken off again there: the sum is exact,
# and the part a backend that ended spent meanwhile is counted as the cluster's other work.
pg_split() { # snapshot-before snapshot-after
    awk '
        FNR == 1 { if (NR == 1) reaped0 = $1; else reaped1 = $1; next }
        NR == FNR { before[$1] = $2; next }
        { seen[$1] = 1; d = $2 - ($1 in before ? before[$1] : 0); if ($3 == "b") b += d; else o += d }
        END {
            for (pid in before) if (!(pid in seen)) o -= before[pid]
            printf "%d %d\n", b, o + reaped1 - reaped0
        }' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}
# "table vacuums analyzes" lines: how often autovacuum has vacuumed and analyzed each table so far.
autovacuum_counts() {
    psql_bench -tA -F ' ' -c 'select relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables order by relname' 2>/dev/null || true
}
# What autovacuum's workers are doing now ("VACUUM ANALYZE public.usage_records", ...), comma-separated.
autovacuum_running() {
    psql_bench -tA -c "select string_agg(regexp_replace(query, '^autovacuum: ', ''), ', ') from pg_stat_activity where backend_type = 'autovacuum worker'" 2>/dev/null || true
}
# Autovacuum over a probe: the tables it finished with (counts before and after), and what it was doing at either end.
autovacuum_summary() { # counts-before counts-after running-at-start running-at-end
    local finished
    local -a parts=()
    finished="$(join <(printf '%s\n' "$1") <(printf '%s\n' "$2") | awk '
        $4 > $2 { v = v (v ? ", " : "") "vacuum " $1 }
        $5 > $3 { v = v (v ? ", " : "") "analyze " $1 }
        END { print v }')"
    [[ -z "$finished" ]] || parts+=("finished: $finished")
    [[ -z "$3" ]] || parts+=("running at the start: $3")
    [[ -z "$4" ]] || parts+=("running at the end: $4")
    if ((${#parts[@]} == 0)); then
        printf 'none'
    else
        local IFS=$'\x1f'
        printf '%s' "${parts[*]}" | sed 's/\x1f/; /g'
    fi
}

# One request at a time, the upstream directly and through the API in turn (Almyty.Bench latency with a baseline):
#   run_latency name baseline-name [latency options...] -> a record for each
#     name|count|errors|first p50|first p90|first p99|total p50|total p90|total p99|header p50|header p99|stolen%
#   and one of the machine while the pair was measured (the warm-up excluded)
#     name|stolen%|api%|postgres backends%|postgres other%|upstream%|other%|autovacuum
latencies=()
probe_machine=()
run_latency() {
    local name="$1" baseline="$2" out err pid sys0 sys1 t0 t1 api0 api1 pg0 pg1 up0 up1 av0 av1 run0 run1 stolen
    shift 2
    out="$WORK_DIR/$name.latency"
    err="$WORK_DIR/$name.latency-err"
    say "$name: Almyty.Bench latency (one connection each, one request at a time, in turn with $baseline)"
    "${BENCH_TOOL[@]}" latency "$@" </dev/null >"$out" 2>"$err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && ! grep -q '^measuring' "$err"; do
        sleep 0.05
    done
    av0="$(autovacuum_counts)"
    run0="$(autovacuum_running)"
    api0="$(proc_ticks "$API_PID")"
    pg0="$(pg_snapshot)"
    up0="$(proc_ticks "$UPSTREAM_PID")"
    sys0="$(system_ticks)"
    t0="$(date +%s.%N)"
    wait "$pid" || true
    t1="$(date +%s.%N)"
    sys1="$(system_ticks)"
    api1="$(proc_ticks "$API_PID")"
    pg1="$(pg_snapshot)"
    up1="$(proc_ticks "$UPSTREAM_PID")"
    av1="$(autovacuum_counts)"
    run1="$(autovacuum_running)"
    [[ "$(wc -l <"$out")" == 2 && "$(awk -F'\t' '{ print NF }' "$out" | sort -u)" == 10 ]] ||
        die "Almyty.Bench latency printed no result for $name: $(cat "$out" "$err")"
    stolen="$(stolen_pct "$sys0" "$sys1")"
    latencies+=("$baseline|$(sed -n 1p "$out" | tr '\t' '|')|$stolen")
    latencies+=("$name|$(sed -n 2p "$out" | tr '\t' '|')|$stolen")
    printf '    %s: %s\n    %s: %s\n' "$baseline" "$(sed -n 1p "$out")" "$name" "$(sed -n 2p "$out")" >&2

    local elapsed api_pct pgb_pct pgo_pct up_pct busy_pct other_pct b0 tt0 b1 tt1 pgb pgo autovacuum
    elapsed="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    read -r pgb pgo <<<"$(pg_split "$pg0" "$pg1")"
    api_pct="$(pct "$api0" "$api1" "$elapsed")"
    pgb_pct="$(pct 0 "$pgb" "$elapsed")"
    pgo_pct="$(pct 0 "$pgo" "$elapsed")"
    up_pct="$(pct "$up0" "$up1" "$elapsed")"
    read -r b0 tt0 _ <<<"$sys0"
    read -r b1 tt1 _ <<<"$sys1"
    busy_pct="$(awk -v b0="$b0" -v t0="$tt0" -v b1="$b1" -v t1="$tt1" -v n="$NPROC" \
        'BEGIN { printf "%.0f", (t1 > t0 ? 100 * n * (b1 - b0) / (t1 - t0) : 0) }')"
    other_pct="?"
    if [[ "$api_pct$pgb_pct$pgo_pct$up_pct" != *"?"* ]]; then
        other_pct=$((busy_pct - api_pct - pgb_pct - pgo_pct - up_pct - stolen))
        ((other_pct >= 0)) || other_pct=0
    fi
    autovacuum="$(autovacuum_summary "$av0" "$av1" "$run0" "$run1" | tr '|' '/')"
    probe_machine+=("$name|$stolen|$api_pct|$pgb_pct|$pgo_pct|$up_pct|$other_pct|$autovacuum")
    printf '    while measuring (%.1f s): CPU%% api %s, postgres backends %s, postgres other %s, upstream %s, other (the probe included) %s, stolen %s; autovacuum: %s\n' \
        "$elapsed" "$api_pct" "$pgb_pct" "$pgo_pct" "$up_pct" "$other_pct" "$stolen" "$autovacuum" >&2
}
DIRECT_HEADER="Authorization: Bearer bench-upstream-key"
API_HEADER="Authorization: Bearer $TOKEN"
if ((direct_ok && chat_ok)); then
    run_latency latency-api latency-direct \
        --baseline-url "$UPSTREAM_URL/v1/chat/completions" --baseline-body "$DIRECT_BODY" --baseline-header "$DIRECT_HEADER" \
        --url "$BASE_URL$CHAT_PATH" --body "$ONE_OFF_BODY" --header "$API_HEADER" \
        --count "$LATENCY_COUNT" --warmup "$LATENCY_WARMUP" --warmup-seconds "$LATENCY_WARMUP_SECONDS"
    run_latency idle-api idle-direct \
        --baseline-url "$UPSTREAM_URL/v1/chat/completions" --baseline-body "$DIRECT_BODY" --baseline-header "$DIRECT_HEADER" \
        --url "$BASE_URL$CHAT_PATH" --body "$ONE_OFF_BODY" --header "$API_HEADER" \
        --count "$IDLE_COUNT" --warmup "$IDLE_WARMUP" --pause-ms "$IDLE_PAUSE_MS"
fi

STREAM_WHY=""
post_probe "$BASE_URL$CHAT_PATH" "$STREAM_BODY"
if ((!direct_ok)); then
    STREAM_WHY="the upstream called directly $direct_why"
elif [[ "$PROBE_CODE" != 200 || "$PROBE_TYPE" != text/event-stream* ]]; then
    STREAM_WHY="a streamed chat through the API $PROBE_WHY with ${PROBE_TYPE:-no content type}, not a text/event-stream"
elif [[ "$PROBE_BODY" != *"event: delta"* || "$PROBE_BODY" != *"event: done"* ]]; then
    STREAM_WHY="a streamed chat through the API carried no delta or no done event"
else
    run_latency stream-api stream-direct --stream \
        --baseline-url "$UPSTREAM_URL/v1/chat/completions" --baseline-body "$DIRECT_STREAM_BODY" --baseline-header "$DIRECT_HEADER" \
        --baseline-first-marker '"content":"' --baseline-end-marker 'data: [DONE]' \
        --url "$BASE_URL$CHAT_PATH" --body "$STREAM_BODY" --header "$API_HEADER" --first-marker 'event: delta' --end-marker 'event: done' \
        --count "$STREAM_COUNT" --warmup "$STREAM_WARMUP" --warmup-seconds "$LATENCY_WARMUP_SECONDS"
fi
if [[ -n "$STREAM_WHY" ]]; then
    SKIPPED=$((SKIPPED + 1))
    printf 'bench.sh: warning: streaming is not measured: %s\n' "$STREAM_WHY" >&2
fi

# ---------------------------------------------------------------------------
# 4. docs/performance.md
# ---------------------------------------------------------------------------

field() { # record index
    local -a f
    IFS='|' read -ra f <<<"$1"
    printf '%s' "${f[$2]:-}"
}
record_of() {
    local r
    for r in "${results[@]}"; do
        if [[ "${r%%|*}" == "$1" ]]; then
            printf '%s' "$r"
            return 0
        fi
    done
    printf '%s|-|-|SKIP|was not run' "$1"
}
measured() { [[ "$(field "$1" 3)" != SKIP ]]; }
fmt_int() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
us_per_request() { # cpu% rps -> µs of CPU per request
    [[ "$1" =~ ^[0-9]+$ ]] || {
        printf '?'
        return
    }
    awk -v c="$1" -v r="$2" 'BEGIN { printf "%.0f", (r > 0 ? 10000 * c / r : 0) }'
}

get_r="$(record_of get-by-id)"
list_r="$(record_of list-20)"
live_r="$(record_of health-live)"
auth_r="$(record_of auth-only)"

max_hwm=""
max_other=0
for r in "${results[@]}"; do
    measured "$r" || continue
    h="$(field "$r" 12)"
    if [[ -z "$max_hwm" ]] || ((h > max_hwm)); then
        max_hwm=$h
    fi
    o="$(field "$r" 17)"
    if [[ "$o" =~ ^[0-9]+$ ]] && ((o > max_other)); then
        max_other=$o
    fi
done

# "N req/s", and the failed answers when there were any (a throughput target counts only without them).
rate_shown() { # record
    local failed=$(($(field "$1" 8) + $(field "$1" 9)))
    printf '%s req/s' "$(fmt_int "$(field "$1" 4)")"
    ((failed == 0)) || printf ', but %s non-2xx or socket errors' "$(fmt_int "$failed")"
}
# A target row: label, record (or "-"), measured text, test command...
target_row() {
    local label="$1" record="$2" shown="$3" verdict
    shift 3
    if [[ "$record" != - ]] && ! measured "$record"; then
        printf '| %s | not measured: %s | **not measured** |\n' "$label" "$(field "$record" 4)"
        return
    fi
    if "$@"; then verdict=met; else verdict='**missed**'; fi
    printf '| %s | %s | %s |\n' "$label" "$shown" "$verdict"
}
get_rps_ok() { ge "$(field "$get_r" 4)" 5000 && (($(field "$get_r" 8) + $(field "$get_r" 9) == 0)); }
get_p99_ok() { le "$(field "$get_r" 7)" 10; }
list_rps_ok() { ge "$(field "$list_r" 4)" 2000 && (($(field "$list_r" 8) + $(field "$list_r" 9) == 0)); }
rss_ok() { [[ -n "$max_hwm" ]] && ((max_hwm <= 200)); }
one_off_16_r="$(record_of chat-one-off-c16)"
one_off_rps_ok() { ge "$(field "$one_off_16_r" 4)" 3000 && (($(field "$one_off_16_r" 8) + $(field "$one_off_16_r" 9) == 0)); }

latency_of() { # name -> record, or nothing
    local r
    for r in "${latencies[@]}"; do
        if [[ "${r%%|*}" == "$1" ]]; then
            printf '%s' "$r"
            return 0
        fi
    done
}
minus() { # a b -> a - b in ms, "?" when either is missing
    if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'
    else
        printf '?'
    fi
}
lat_direct="$(latency_of latency-direct)"
lat_api="$(latency_of latency-api)"
stream_direct="$(latency_of stream-direct)"
idle_direct="$(latency_of idle-direct)"
idle_api="$(latency_of idle-api)"
IDLE_ADDED_P50="$(minus "$(field "$idle_api" 6)" "$(field "$idle_direct" 6)")"
IDLE_ADDED_P99="$(minus "$(field "$idle_api" 8)" "$(field "$idle_direct" 8)")"
stream_api="$(latency_of stream-api)"
OVERHEAD_P50="$(minus "$(field "$lat_api" 6)" "$(field "$lat_direct" 6)")"
OVERHEAD_P99="$(minus "$(field "$lat_api" 8)" "$(field "$lat_direct" 8)")"
FIRST_DELTA_P50="$(minus "$(field "$stream_api" 3)" "$(field "$stream_direct" 3)")"
overhead_p50_ok() { [[ "$OVERHEAD_P50" != "?" ]] && le "$OVERHEAD_P50" 1; }
overhead_p99_ok() { [[ "$OVERHEAD_P99" != "?" ]] && le "$OVERHEAD_P99" 3; }
first_delta_ok() { [[ "$FIRST_DELTA_P50" != "?" ]] && le "$FIRST_DELTA_P50" 2; }
latency_target_row() { # label value-ms check
    if [[ "$2" == "?" ]]; then
        printf '| %s | not measured | **not measured** |\n' "$1"
    elif "$3"; then
        printf '| %s | %s ms | met |\n' "$1" "$2"
    else
        printf '| %s | %s ms | **missed** |\n' "$1" "$2"
    fi
}
chat_row() { # record label
    local r="$1"
    if ! measured "$r"; then
        printf '| %s | | not measured: %s | | | | | | | | | | | | |\n' "$2" "$(field "$r" 4)"
        return
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$2" "$(field "$r" 20)" "$(fmt_int "$(field "$r" 4)")" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 7)" \
        "$(fmt_int "$(field "$r" 3)")" "$(fmt_int "$(field "$r" 8)")" "$(field "$r" 9)" \
        "$(with_pct "$(field "$r" 14)")" "$(with_pct "$(field "$r" 15)")" "$(with_pct "$(field "$r" 19)")" "$(with_pct "$(field "$r" 16)")" "$(with_pct "$(field "$r" 17)")" \
        "$(with_pct "$(field "$r" 21)")"
}
# name|count|errors|first p50|first p90|first p99|total p50|total p90|total p99|header p50|header p99|stolen%
latency_row() { # record label
    local r="$1"
    if [[ -z "$r" ]]; then
        printf '| %s | not measured | | | | | | | |\n' "$2"
        return
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(fmt_int "$(field "$r" 1)")" "$(field "$r" 2)" \
        "$(field "$r" 6)" "$(field "$r" 7)" "$(field "$r" 8)" "$(field "$r" 9)" "$(field "$r" 10)" "$(with_pct "$(field "$r" 11)")"
}
stream_row() { # record label
    local r="$1"
    if [[ -z "$r" ]]; then
        printf '| %s | not measured | | | | | | | |\n' "$2"
        return
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(fmt_int "$(field "$r" 1)")" "$(field "$r" 2)" \
        "$(field "$r" 3)" "$(field "$r" 4)" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 8)" "$(with_pct "$(field "$r" 11)")"
}

scenario_row() { # record label
    local r="$1"
    if ! measured "$r"; then
        printf '| %s | not measured: %s | | | | | | | | | |\n' "$2" "$(field "$r" 4)"
        return
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$2" "$(fmt_int "$(field "$r" 4)")" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 7)" \
        "$(fmt_int "$(field "$r" 3)")" "$(fmt_int "$(field "$r" 8)")" "$(field "$r" 9)" \
        "$(field "$r" 10)" "$(field "$r" 11)" "$(field "$r" 12)"
}
with_pct() { if [[ "$1" == "?" ]]; then printf '?'; else printf '%s%%' "$1"; fi; }
cpu_row() { # record label
    local r="$1"
    measured "$r" || return 0
    printf '| %s | %s | %s | %s | %s | %s | %s%% of %s%% | %s | %s |\n' \
        "$2" "$(with_pct "$(field "$r" 14)")" "$(with_pct "$(field "$r" 15)")" "$(with_pct "$(field "$r" 16)")" "$(with_pct "$(field "$r" 17)")" \
        "$(with_pct "$(field "$r" 21)")" "$(field "$r" 18)" "$((NPROC * 100))" \
        "$(us_per_request "$(field "$r" 14)" "$(field "$r" 4)")" "$(us_per_request "$(field "$r" 15)" "$(field "$r" 4)")"
}

CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM_TOTAL="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
DOTNET_SDK="$(dotnet --version)"
DOTNET_RUNTIME="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
ASPNET_RUNTIME="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')"
WRK_VERSION="$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)"
KERNEL="$(uname -r)"
NOW="$(date -u '+%Y-%m-%d %H:%M UTC')"
DIRTY_NOTE=""
if [[ -n "$GIT_REF" ]]; then
    DIRTY_NOTE=", published with --ref $GIT_REF"
else
    GIT_REV="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    GIT_DIRTY="$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null | wc -l)"
    if ((GIT_DIRTY > 0)); then
        DIRTY_NOTE=" with $GIT_DIRTY uncommitted change(s) under src/"
    fi
fi

analysis='<!-- analysis:begin -->
_No analysis written yet: read the figures above and write here what limits the throughput. build/bench.sh keeps this block when it rewrites the file._
<!-- analysis:end -->'
if [[ -f "$OUTPUT" ]] && grep -q '<!-- analysis:begin -->' "$OUTPUT" && grep -q '<!-- analysis:end -->' "$OUTPUT"; then
    analysis="$(sed -n '/<!-- analysis:begin -->/,/<!-- analysis:end -->/p' "$OUTPUT")"
fi

mkdir -p "$(dirname "$OUTPUT")"
{
    cat <<EOF
# Performance

Measured by \`build/bench.sh\` on $NOW (commit $GIT_REV$DIRTY_NOTE).
Rerun it with \`build/bench.sh [--duration N] [--connections N] [--warmup N] [--ref REV]\`; it rewrites this
file except the hand-written analysis at the end.

## Machine

| | |
|---|---|
| CPU | $CPU_MODEL, $NPROC cores (\`nproc\`) |
| Memory | $MEM_TOTAL |
| Kernel | Linux $KERNEL |
| .NET | SDK $DOTNET_SDK; runtimes Microsoft.NETCore.App $DOTNET_RUNTIME, Microsoft.AspNetCore.App $ASPNET_RUNTIME |
| PostgreSQL | $PG_VERSION; private cluster \`$PG_CLUSTER\` of build/lib/postgres.sh: shared_buffers 128MB, fsync on) |
| wrk | ${WRK_VERSION:-unknown} (Debian's package) |
| Load average before the runs | $LOAD_BEFORE |

## Method

- **What runs where.** Everything on this one machine, sharing its $NPROC cores, nothing pinned: PostgreSQL on
  127.0.0.1:$PG_PORT (a fresh database \`$DB_NAME\` each run, migrated by \`Almyty.Api.dll migrate\` before the API
  starts, as a deployment step); the API, \`dotnet publish -c Release\` run as \`dotnet Almyty.Api.dll\` on $BASE_URL with
  \`ASPNETCORE_ENVIRONMENT=Production\`, \`Database__MigrateOnStart=false\`, \`Logging__LogLevel__Default=Warning\`,
  workstation GC (the Api project's setting), \`DOTNET_GCgen0size=0x800000\` and \`MALLOC_MMAP_THRESHOLD_=65536\` (as build/run.sh and the image set them),
  \`RateLimiting__PermitsPerWindow=2000000000\` (counted, never reached) and throwaway secrets; and the load generator wrk.
- **Data.** $SEED_COUNT providers of one organization, seeded through POST /llm-providers, with no usage counted yet.
  Every request but /health/live carries an owner token (HS256) minted by \`Almyty.Api.dll token\`.
  One provider is $GET_BYTES bytes of JSON; a page of 20 is $LIST_BYTES bytes.
- **Load.** wrk with $THREADS threads and $CONNECTIONS keep-alive connections, closed loop (each connection sends its
  next request when the answer has arrived), \`--latency\`. Each scenario first gets a ${WARMUP} s warm-up run
  (discarded: JIT tiering, connection pools), then ${DURATION} s measured (the two floors ${FLOOR_DURATION} s).
  GET by id cycles through the $SEED_COUNT ids.
- **Sampling.** The API's VmRSS every 0.5 s during each run and 2 s after it; its VmHWM (peak since start)
  after it. CPU time of the API process, of the PostgreSQL cluster (postmaster and backends) and of wrk from
  \`/proc/<pid>/stat\`, and of the whole machine from \`/proc/stat\`, over each run less its first and last second,
  in % of one core (the machine has $((NPROC * 100))%). "Stolen" is the time this virtual machine had work for a
  core and the hypervisor ran something else (\`steal\` in \`/proc/stat\`): its cores are shared with other
  machines. "Other" is the rest of the machine's busy time: other programs, and kernel work not charged to
  these processes.

## Results

| Scenario | Requests/s | p50 ms | p90 ms | p99 ms | Requests | Non-2xx | Socket errors | API RSS peak during, MB | API RSS after, MB | API VmHWM, MB |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
    scenario_row "$get_r" 'GET /llm-providers/{id}'
    scenario_row "$list_r" 'GET /llm-providers?limit=20'
    scenario_row "$live_r" 'floor: GET /health/live (no token, no database)'
    scenario_row "$auth_r" 'floor: GET /llm-providers/not-a-uuid (token validated, 400 before the database)'
    cat <<EOF

The second floor answers 400 by design: its non-2xx count is its answers, not errors. The API's resident
memory after start-up and seeding was $START_RSS MB.

## Chat

- **Upstream.** \`build/bench/Almyty.Bench upstream\` on $UPSTREAM_URL: a Kestrel server that answers
  \`POST /v1/chat/completions\` with a fixed OpenAI chat completion written from pre-built bytes (model
  \`gpt-4o-mini\`, usage 12 input and 9 output tokens), or, with \`"stream": true\`, $STREAM_CHUNKS content deltas
  $STREAM_CHUNK_DELAY_MS ms apart (the first at once), a usage chunk and \`[DONE]\`.
- **Through the API.** A \`custom\` provider with \`baseUrl\` $UPSTREAM_URL/v1 (allowed by
  \`Egress__AllowedHosts__0=127.0.0.1\`). Every chat goes the whole way: token, provider lookup, key
  decryption, the resilience pipeline and the egress-checked connection, the upstream call, pricing, one usage
  record and the sharded counters in PostgreSQL (usage recording and cost accounting on). One-off:
  \`{"message": "$CHAT_MESSAGE"}\`. Session: the same message with one of $SESSION_COUNT session ids in turn,
  so each call also locks its session row, replays its history (soon at the 50-turn bound: 100 messages sent
  upstream) and appends two message rows.
- **Directly.** The same upstream, sent by wrk the request body the API sends it for a one-off message.
- **Load.** wrk with min(2, connections) threads, the same warm-up and duration as above. CPU in % of one core,
  over the middle of each run.

| Scenario | Connections | Requests/s | p50 ms | p90 ms | p99 ms | Requests | Non-2xx | Socket errors | API CPU | PostgreSQL CPU | Upstream CPU | wrk CPU | Other CPU | Stolen |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
    for c in "${CHAT_CONNECTIONS[@]}"; do
        chat_row "$(record_of "chat-direct-c$c")" "upstream directly"
        chat_row "$(record_of "chat-one-off-c$c")" "chat through the API, one-off"
        chat_row "$(record_of "chat-session-c$c")" "chat through the API, session"
    done
    cat <<EOF

### What the API adds to one chat

One request at a time on one kept-alive connection each (\`Almyty.Bench latency\`, a warm-up of at least
$LATENCY_WARMUP requests and $LATENCY_WARMUP_SECONDS s, then $LATENCY_COUNT measured): the upstream directly and a one-off chat
through the API in turn (one direct call, one chat, one direct call, ...), so that both see the same moments of
this shared machine and their difference is the time the service adds rather than the difference between two
stretches of time. (Runs before 2026-11-28 measured the upstream first and the API after it.) The warm-up is
also timed because the probe is a .NET program: while its own tiered JIT is still compiling in the background it
takes CPU from the processes it measures (with 300 requests alone, about 0.3 s, a probe measured a p99 of 7.3 ms
through the API where the same API gave 2.4 ms after 3 s). \`X-Almyty-Overhead-Ms\` is the service's own account
of the time it adds, on each response (its time less the upstream call). "CPU stolen" is the hypervisor's share
(see Sampling) while the probe measured, in % of one core; where the rest of the CPU went is in the last table
of this section.

| Path | Requests | Errors | p50 ms | p90 ms | p99 ms | X-Almyty-Overhead-Ms p50 | X-Almyty-Overhead-Ms p99 | CPU stolen |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
    latency_row "$lat_direct" 'upstream directly'
    latency_row "$lat_api" 'one-off chat through the API'
    printf '| **added by the API** | | | **%s** | | **%s** | | | |\n' "$OVERHEAD_P50" "$OVERHEAD_P99"
    cat <<EOF

The targets are set for requests that follow each other at once, as above. A caller who chats now and then meets
processes whose threads have gone idle, and waits longer, directly as through the API: the same pair of requests,
each sent $IDLE_PAUSE_MS ms after the answer before it (a warm-up of $IDLE_WARMUP pairs, then $IDLE_COUNT measured). Not a target;
measured so that the figures above are not read as what every request costs.

| Path, each request $IDLE_PAUSE_MS ms after the last answer | Requests | Errors | p50 ms | p90 ms | p99 ms | X-Almyty-Overhead-Ms p50 | X-Almyty-Overhead-Ms p99 | CPU stolen |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
    latency_row "$idle_direct" 'upstream directly'
    latency_row "$idle_api" 'one-off chat through the API'
    printf '| **added by the API** | | | **%s** | | **%s** | | | |\n' "$IDLE_ADDED_P50" "$IDLE_ADDED_P99"
    cat <<EOF

### Streaming: time to the first delta

The same, with \`"stream": true\`: the time from sending the request until the first content delta has
arrived (directly: the first \`data:\` chunk with content; through the API: the first \`event: delta\`), and
until the whole stream has (a warm-up of at least $STREAM_WARMUP streams and $LATENCY_WARMUP_SECONDS s, then $STREAM_COUNT measured).
Each stream through the API starts when the direct one before it has ended, tens of milliseconds later, so it
meets the API idle, as the requests of the second table above do: its first delta is to be read beside those
figures rather than beside a whole chat sent at once.

EOF
    if [[ -n "$STREAM_WHY" ]]; then
        printf 'Not measured: %s.\n' "$STREAM_WHY"
    else
        printf '| Path | Streams | Errors | First delta p50 ms | First delta p90 ms | First delta p99 ms | Whole stream p50 ms | Whole stream p99 ms | CPU stolen |\n'
        printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
        stream_row "$stream_direct" 'upstream directly'
        stream_row "$stream_api" 'streamed chat through the API'
        printf '| **added by the API** | | | **%s** | | | | | |\n' "$FIRST_DELTA_P50"
    fi
    cat <<EOF

### The machine while the probes measured

CPU time from \`/proc\` over each probe's measured part (its warm-up excluded), in % of one core (the machine has
$((NPROC * 100))%): PostgreSQL's backends serving the API's connections apart from the rest of the cluster (its
background processes, and the autovacuum workers that ended meanwhile); "other" is the rest of the machine, the
probe itself included. "Autovacuum" names the tables whose vacuum or analyze finished during the probe
(\`pg_stat_user_tables\`) and what autovacuum's workers were doing at either end (\`pg_stat_activity\`).

| Probe | CPU stolen | API | PostgreSQL backends | PostgreSQL other | Upstream | Other | Autovacuum |
|---|---:|---:|---:|---:|---:|---:|---|
EOF
    for r in "${probe_machine[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(field "$r" 0)" "$(with_pct "$(field "$r" 1)")" "$(with_pct "$(field "$r" 2)")" \
            "$(with_pct "$(field "$r" 3)")" "$(with_pct "$(field "$r" 4)")" "$(with_pct "$(field "$r" 5)")" "$(with_pct "$(field "$r" 6)")" "$(field "$r" 7)"
    done
    ((${#probe_machine[@]} > 0)) || printf '| not measured | | | | | | | |\n'
    cat <<EOF

## Against the targets

| Target | Measured | Verdict |
|---|---|---|
EOF
    target_row "GET by id at $CONNECTIONS connections: ≥ 5,000 req/s" "$get_r" "$(rate_shown "$get_r")" get_rps_ok
    target_row "GET by id at $CONNECTIONS connections: p99 ≤ 10 ms" "$get_r" "$(field "$get_r" 7) ms" get_p99_ok
    target_row "List of 20: ≥ 2,000 req/s" "$list_r" "$(rate_shown "$list_r")" list_rps_ok
    latency_target_row "Chat overhead at 1 connection: p50 ≤ 1 ms" "$OVERHEAD_P50" overhead_p50_ok
    latency_target_row "Chat overhead at 1 connection: p99 ≤ 3 ms" "$OVERHEAD_P99" overhead_p99_ok
    target_row "One-off chat at 16 connections: ≥ 3,000 req/s" "$one_off_16_r" "$(rate_shown "$one_off_16_r")" one_off_rps_ok
    latency_target_row "Streamed chat: first delta ≤ 2 ms added at p50" "$FIRST_DELTA_P50" first_delta_ok
    target_row "API resident memory ≤ 200 MB" - "peak ${max_hwm:-?} MB (VmHWM, all runs)" rss_ok
    cat <<EOF

## What limits it

CPU during each measured run, in % of one core, and the CPU time that one request costs:

| Scenario | API | PostgreSQL | wrk | Other | Stolen | Machine busy | API µs/request | PostgreSQL µs/request |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
    cpu_row "$get_r" 'GET /llm-providers/{id}'
    cpu_row "$list_r" 'GET /llm-providers?limit=20'
    cpu_row "$live_r" 'floor: /health/live'
    cpu_row "$auth_r" 'floor: token, no database'
    cpu_row "$(record_of chat-one-off-c16)" 'chat one-off, 16 connections'
    cpu_row "$(record_of chat-session-c16)" 'chat session, 16 connections'
    printf '\n'
    if ((max_other > 25)); then
        printf '**The machine was not quiet:** up to %s%% of a core went to other programs during a run, so the\nthroughput above is lower than this machine gives the API alone. Rerun when it is idle.\n\n' "$max_other"
    fi
    cat <<EOF
When "Machine busy" is close to $((NPROC * 100))%, the machine is saturated and the API, PostgreSQL and wrk
compete for its cores: a cheaper request then shows as fewer µs of CPU per request and more requests per
second, not as idle cores.

$analysis
EOF
} >"$OUTPUT.tmp.$$"
mv -f "$OUTPUT.tmp.$$" "$OUTPUT"

say "wrote ${OUTPUT#"$REPO_ROOT"/}"
for r in "${results[@]}"; do
    if measured "$r"; then
        printf '  %-12s %7s req/s  p50 %6s ms  p90 %6s ms  p99 %6s ms  non-2xx %s  RSS peak %s MB  CPU api %s%% pg %s%% wrk %s%% other %s%%\n' \
            "$(field "$r" 0)" "$(field "$r" 4)" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 7)" \
            "$(field "$r" 8)" "$(field "$r" 10)" "$(field "$r" 14)" "$(field "$r" 15)" "$(field "$r" 16)" "$(field "$r" 17)"
    else
        printf '  %-12s not measured: %s\n' "$(field "$r" 0)" "$(field "$r" 4)"
    fi
done
if ((SKIPPED > 0)); then
    die "$SKIPPED scenario(s) could not be measured (see above); ${OUTPUT#"$REPO_ROOT"/} says which"
fi
