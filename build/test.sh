#!/usr/bin/env bash
# build/test.sh: build the solution and run every test, on a fresh machine.
#
#   build/test.sh [dotnet test arguments...]     e.g. build/test.sh --filter-class "*SecretTests"
#
# 1. starts the private PostgreSQL cluster 'test' on 127.0.0.1:55432 (fsync off;
#    installed with apt-get when missing) and exports ALMYTY_TEST_POSTGRES, the
#    connection string with which the tests create and drop their own databases;
# 2. dotnet restore, dotnet build -c Release, dotnet test -c Release with TRX
#    results in .local/test-results/;
# 3. sums the TRX files of all test projects and prints, as the last line,
#      Tests: N passed, N failed[, N skipped]
#    The exit status is non-zero when the build or dotnet test failed, or when
#    no test ran. The cluster keeps running afterwards, for fast reruns.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SOLUTION="Almyty.sln"
RESULTS_DIR="$REPO_ROOT/.local/test-results"

case "${1:-}" in
    -h | --help)
        sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
        exit 0
        ;;
esac

cd "$REPO_ROOT"
# shellcheck source-path=SCRIPTDIR source=lib/postgres.sh
source "$REPO_ROOT/build/lib/postgres.sh"

summary_printed=0
print_summary() {
    local line="Tests: $1 passed, $2 failed"
    if (($3 > 0)); then
        line+=", $3 skipped"
    fi
    printf '%s\n' "$line"
    summary_printed=1
}
# Whatever stops the run early, the last line keeps its form.
# shellcheck disable=SC2317 # run by the EXIT trap
on_exit() {
    local status=$?
    if ((!summary_printed)); then
        print_summary 0 0 0
    fi
    exit "$status"
}
trap on_exit EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() {
    printf 'test.sh: error: %s\n' "$*" >&2
    exit 1
}

command -v dotnet >/dev/null 2>&1 || fail "dotnet not found: install the .NET 10 SDK"
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

step "PostgreSQL for the tests"
almyty_ensure_postgres test 55432 --fsync-off
export ALMYTY_TEST_POSTGRES="$ALMYTY_PG_CONNECTION"

step "dotnet restore $SOLUTION"
dotnet restore "$SOLUTION" || fail "dotnet restore failed"

step "dotnet build $SOLUTION -c Release"
dotnet build "$SOLUTION" -c Release --no-restore || fail "the build failed"

# dotnet test runs in one of two modes, and their options differ:
# - Microsoft.Testing.Platform (MTP), when global.json opts in with
#   "test": { "runner": "Microsoft.Testing.Platform" } (needed by xunit.v3 4.x
#   with its default MTP v2 runner: the .NET 10 SDK refuses to run those
#   through VSTest). TRX comes from xunit's own --report-xunit-trx, one file per
#   test project. Each project runs on its own, into a folder of its own: run
#   together (--solution), two projects that start in the same instant write
#   the same <user>_<machine>_<time>.trx and the later one replaces the other
#   (seen: the architecture tests' results lost, their 20 tests missing from
#   the count below).
# - VSTest otherwise (e.g. xunit.v3.mtp-off with xunit.runner.visualstudio).
#   LogFilePrefix, not LogFileName: with a solution every test project would
#   write the same LogFileName, each overwriting the one before (vstest#3026);
#   the prefix gives one almyty_<framework>_<time>.trx per project.
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"
test_args=(-c Release --no-build --results-directory "$RESULTS_DIR")
if [[ -f global.json ]] &&
    tr -d ' \t\r\n' <global.json | grep -q '"runner":"Microsoft.Testing.Platform"'; then
    test_mode="Microsoft.Testing.Platform"
    test_args=(-c Release --no-build --report-xunit-trx)
    if (($# > 0)); then
        # A filter may leave a test project with nothing to run (exit code 8);
        # that no test at all ran is still caught below.
        test_args+=(--ignore-exit-code 8)
    fi
else
    test_mode="VSTest"
    test_args=("$SOLUTION" "${test_args[@]}" --logger "trx;LogFilePrefix=almyty")
fi
test_status=0
if [[ "$test_mode" == "Microsoft.Testing.Platform" ]]; then
    mapfile -t test_projects < <(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
    ((${#test_projects[@]} > 0)) || fail "no test project under tests/"
    for project in "${test_projects[@]}"; do
        name="$(basename "$project" .csproj)"
        step "dotnet test --project $project -c Release $* ($test_mode)"
        project_status=0
        dotnet test --project "$project" "${test_args[@]}" --results-directory "$RESULTS_DIR/$name" "$@" || project_status=$?
        if ((project_status != 0 && test_status == 0)); then
            test_status=$project_status
        fi
    done
else
    step "dotnet test $SOLUTION -c Release $* ($test_mode)"
    dotnet test "${test_args[@]}" "$@" || test_status=$?
fi

# In CI, end the build servers (MSBuild nodes, the compiler server) that
# would otherwise outlive this script; a developer keeps them for fast rebuilds.
if [[ "${CI:-}" == true ]]; then
    dotnet build-server shutdown >/dev/null 2>&1 || true
fi

# Sum the <Counters .../> of every TRX file: prints "file total executed passed
# failed", failed counting error, timeout and aborted too.
count_with_python() {
    python3 - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET

for path in sys.argv[1:]:
    counters = next((e for e in ET.parse(path).iter() if e.tag.rsplit("}", 1)[-1] == "Counters"), None)
    get = lambda name: int(counters.get(name, "0")) if counters is not None else 0
    failed = get("failed") + get("error") + get("timeout") + get("aborted")
    print(path, get("total"), get("executed"), get("passed"), failed)
PY
}

count_with_sed() {
    local file counters name
    local -A value
    for file in "$@"; do
        counters="$(tr -d '\r\n' <"$file" | grep -o '<Counters [^>]*>' | head -n 1 || true)"
        for name in total executed passed failed error timeout aborted; do
            value[$name]="$(printf '%s' "$counters" | sed -n "s/.*[[:space:]]$name=\"\([0-9]*\)\".*/\1/p")"
            value[$name]="${value[$name]:-0}"
        done
        printf '%s %s %s %s %s\n' "$file" "${value[total]}" "${value[executed]}" "${value[passed]}" \
            "$((value[failed] + value[error] + value[timeout] + value[aborted]))"
    done
}

# Names the failed tests with the first lines of their messages, last, where a truncated log still shows them.
list_failures() {
    python3 - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET

local = lambda element: element.tag.rsplit("}", 1)[-1]
for path in sys.argv[1:]:
    for result in ET.parse(path).iter():
        if local(result) != "UnitTestResult" or result.get("outcome") in ("Passed", "NotExecuted"):
            continue
        print(f"FAILED {result.get('testName')} ({result.get('outcome')}, {result.get('duration')})")
        texts = [e.text or "" for e in result.iter() if local(e) in ("Message", "StackTrace")]
        lines = [line for text in texts for line in text.strip().splitlines()]
        for line in lines[:12]:
            print(f"    {line}")
PY
}

mapfile -t trx_files < <(find "$RESULTS_DIR" -type f -name '*.trx' | sort)
total=0 executed=0 passed=0 failed=0
if ((${#trx_files[@]} > 0)); then
    if command -v python3 >/dev/null 2>&1 && python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1; then
        counts="$(count_with_python "${trx_files[@]}")" || counts="$(count_with_sed "${trx_files[@]}")"
    else
        counts="$(count_with_sed "${trx_files[@]}")"
    fi
    printf '\nResults (%s):\n' "${RESULTS_DIR#"$REPO_ROOT"/}"
    while read -r file t e p f; do
        printf '  %-72s %5s passed %5s failed %5s skipped\n' "${file#"$RESULTS_DIR"/}" "$p" "$f" "$((t - e))"
        total=$((total + t))
        executed=$((executed + e))
        passed=$((passed + p))
        failed=$((failed + f))
    done <<<"$counts"
fi
skipped=$((total - executed))

status=0
if ((test_status != 0)); then
    printf 'test.sh: dotnet test exited with status %s\n' "$test_status" >&2
    status=$test_status
elif ((${#trx_files[@]} == 0)); then
    printf 'test.sh: no TRX results were written to %s\n' "$RESULTS_DIR" >&2
    status=1
fi
if ((passed + failed == 0)); then
    printf 'test.sh: no test ran\n' >&2
    ((status != 0)) || status=1
elif ((failed > 0 && status == 0)); then
    status=1
fi

if ((failed > 0)) && command -v python3 >/dev/null 2>&1; then
    printf '\n'
    list_failures "${trx_files[@]}" || true
fi
print_summary "$passed" "$failed" "$skipped"
exit "$status"
