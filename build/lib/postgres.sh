#!/usr/bin/env bash
# build/lib/postgres.sh: private PostgreSQL clusters for development and tests.
#
# Source it and call
#   almyty_ensure_postgres NAME PORT [--fsync-off]
#       Finds (or installs, from Debian's packages) the PostgreSQL server,
#       initialises the cluster NAME once, starts it on 127.0.0.1:PORT if it is
#       not running, waits until it accepts connections, creates the database
#       `almyty` and exports
#         ALMYTY_PG_CONNECTION   Host=127.0.0.1;Port=PORT;Username=almyty;Password=...;Database=almyty
#         ALMYTY_PG_CLUSTER_DIR  the cluster directory (data/, postgres.log, the unix socket)
#         ALMYTY_PG_SOCKET_DIR   the directory of the unix socket
#         ALMYTY_PG_BIN          the directory of the PostgreSQL programs used
#       --fsync-off trades durability for speed (fsync, synchronous_commit and
#       full_page_writes off): for throwaway test clusters only.
#   almyty_stop_postgres NAME
#       Stops the cluster NAME if it runs (a fast shutdown).
# or run it:
#   build/lib/postgres.sh ensure NAME PORT [--fsync-off]   (prints the variables above)
#   build/lib/postgres.sh stop NAME
#   build/lib/postgres.sh status NAME
#
# Where the cluster lives: $REPO/.local/postgres/NAME (.local/ is gitignored);
# the superuser `almyty` has a password generated once into
# $REPO/.local/postgres/NAME.password (mode 600). PostgreSQL refuses to run as
# root, so when this runs as root the server runs as the `postgres` user
# (created if missing); if that user cannot reach the repository (a checkout
# under /root, say), the cluster goes to /var/tmp/almyty-postgres/<sha of the
# repository path>/NAME instead and a message says so.
#
# Connections: TCP on 127.0.0.1 only, with scram-sha-256 passwords; the unix
# socket lives in the cluster directory (mode 700, so only the cluster's owner
# and root can reach it) and authenticates its owner by peer as `almyty`.
#
# The work runs in a separate `bash` process with `set -euo pipefail`, so
# sourcing this file changes no shell option of the caller.

if [[ -n "${BASH_SOURCE[0]:-}" ]]; then
    _ALMYTY_PG_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")"
fi

# ---------------------------------------------------------------------------
# Public functions (safe to call from a sourcing shell).
# ---------------------------------------------------------------------------

almyty_ensure_postgres() {
    local output line key value
    output="$(bash "$_ALMYTY_PG_LIB" ensure "$@")" || return 1
    while IFS= read -r line; do
        [[ -n "$line" ]] || continue
        key="${line%%=*}"
        value="${line#*=}"
        case "$key" in
            ALMYTY_PG_CONNECTION | ALMYTY_PG_CLUSTER_DIR | ALMYTY_PG_SOCKET_DIR | ALMYTY_PG_BIN)
                printf -v "$key" '%s' "$value"
                export "${key?}"
                ;;
        esac
    done <<<"$output"
    [[ -n "${ALMYTY_PG_CONNECTION:-}" ]]
}

almyty_stop_postgres() {
    bash "$_ALMYTY_PG_LIB" stop "$@"
}

# ---------------------------------------------------------------------------
# Implementation (runs in the child process started above).
# ---------------------------------------------------------------------------

_pg_log() { printf 'postgres: %s\n' "$*" >&2; }
_pg_die() {
    printf 'postgres: error: %s\n' "$*" >&2
    exit 1
}

_pg_repo_root() {
    (cd "$(dirname "$_ALMYTY_PG_LIB")/../.." && pwd -P)
}

# Prints the path of a system program, also looking in the sbin folders that a
# non-login PATH may lack.
_pg_which() {
    local dir
    if command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
        return 0
    fi
    for dir in /usr/sbin /sbin /usr/bin /bin; do
        if [[ -x "$dir/$1" ]]; then
            printf '%s\n' "$dir/$1"
            return 0
        fi
    done
    return 1
}

# "pg_ctl (PostgreSQL) 15.18 (Debian ...)" -> "15.18"
_pg_bin_version() {
    "$1/pg_ctl" --version 2>/dev/null | awk '{ print $3; exit }'
}

# Prints the directory of the newest PostgreSQL server programs (initdb, pg_ctl,
# postgres) found in /usr/lib/postgresql/*/bin or on PATH; with an argument,
# only a directory of that major version. Returns 1 when there is none.
_pg_find_bin() {
    local want_major="${1:-}" dir pg_ctl_path version major best_dir="" best_version=""
    local -a candidates=()
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/pg_ctl" && -x "$dir/initdb" && -x "$dir/postgres" ]] && candidates+=("$dir")
    done
    if pg_ctl_path="$(command -v pg_ctl 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$pg_ctl_path")")"
        [[ -x "$dir/initdb" && -x "$dir/postgres" ]] && candidates+=("$dir")
    fi
    for dir in "${candidates[@]}"; do
        version="$(_pg_bin_version "$dir")"
        [[ -n "$version" ]] || continue
        major="${version%%.*}"
        if [[ -n "$want_major" && "$major" != "$want_major" ]]; then
            continue
        fi
        if [[ -z "$best_version" ]] ||
            [[ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -n 1)" == "$version" && "$version" != "$best_version" ]]; then
            best_dir="$dir"
            best_version="$version"
        fi
    done
    [[ -n "$best_dir" ]] || return 1
    printf '%s\n' "$best_dir"
}

_pg_install() {
    local -a sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            _pg_die "no PostgreSQL server found (initdb/pg_ctl); install it, e.g. 'sudo apt-get install postgresql', and run this again"
        fi
    fi
    command -v apt-get >/dev/null 2>&1 ||
        _pg_die "no PostgreSQL server found (initdb/pg_ctl) and no apt-get to install one; install PostgreSQL and run this again"
    _pg_log "no PostgreSQL server found; installing Debian's postgresql package (apt-get update && apt-get install -y postgresql)"
    # 9>&-: the lock of _pg_ensure_impl must not leak into a server that the
    # package's postinst may start.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 9>&- ||
        _pg_die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql </dev/null >&2 9>&- ||
        _pg_die "apt-get install postgresql failed"
}

# The OS user that owns and runs the cluster.
_pg_owner() {
    if ((EUID == 0)); then
        printf 'postgres\n'
    else
        id -un
    fi
}

_pg_ensure_postgres_user() {
    ((EUID == 0)) || return 0
    id postgres >/dev/null 2>&1 && return 0
    local useradd adduser
    _pg_log "creating the system user 'postgres' to run the server (PostgreSQL refuses to run as root)"
    if useradd="$(_pg_which useradd)"; then
        "$useradd" --system --user-group --home-dir /var/lib/postgresql --no-create-home \
            --shell /bin/bash postgres >&2
    elif adduser="$(_pg_which adduser)"; then
        "$adduser" --system --group --home /var/lib/postgresql --no-create-home \
            --shell /bin/bash postgres >&2
    else
        _pg_die "cannot create the 'postgres' user: neither useradd nor adduser found"
    fi
}

# Runs a command as the cluster's owner, from / (the caller's directory may be
# closed to that user).
_pg_as_owner() {
    if ((EUID != 0)); then
        (cd / && "$@")
        return
    fi
    local runuser
    if runuser="$(_pg_which runuser)"; then
        (cd / && "$runuser" -u postgres -- "$@")
    else
        local quoted
        quoted="$(printf '%q ' "$@")"
        (cd / && su -s /bin/bash postgres -c "$quoted")
    fi
}

# True when the cluster's owner can reach DIR (every parent is searchable).
_pg_owner_can_reach() {
    if ((EUID != 0)); then
        [[ -x "$1" ]]
    else
        _pg_as_owner test -x "$1" 2>/dev/null
    fi
}

_pg_sha() {
    printf '%s' "$1" | sha256sum | cut -c1-16
}

# Sets: pg_repo pg_state_dir pg_cluster_dir pg_data pg_log_file pg_owner
_pg_locate() {
    local name="$1" base
    pg_repo="$(_pg_repo_root)"
    pg_state_dir="$pg_repo/.local/postgres"
    pg_owner="$(_pg_owner)"
    mkdir -p "$pg_repo/.local"
    if [[ ! -d "$pg_state_dir" ]]; then
        mkdir -m 755 "$pg_state_dir"
    fi
    base="$pg_state_dir"
    if ! _pg_owner_can_reach "$pg_state_dir"; then
        base="/var/tmp/almyty-postgres/$(_pg_sha "$pg_repo")"
        mkdir -p /var/tmp/almyty-postgres "$base"
        chmod 755 /var/tmp/almyty-postgres "$base"
        pg_fallback_note="the '$pg_owner' user cannot reach $pg_state_dir (a parent directory such as /root is closed to it), so cluster '$name' lives in $base/$name instead"
    fi
    pg_cluster_dir="$base/$name"
    pg_data="$pg_cluster_dir/data"
    pg_log_file="$pg_cluster_dir/postgres.log"
}

_pg_socket_dir() {
    local port="$1" dir="$pg_cluster_dir"
    # sun_path holds 107 bytes: fall back to a short directory for deep checkouts.
    if ((${#dir} + ${#port} + 11 > 107)); then
        dir="/var/tmp/almyty-postgres/sock-$(_pg_sha "$pg_cluster_dir")"
    fi
    printf '%s\n' "$dir"
}

_pg_own() {
    if ((EUID == 0)); then
        chown "$pg_owner:" "$@"
    fi
}

# Removes postmaster.pid / socket lock files left by a server that was killed
# when their PID now belongs to another process (PostgreSQL would refuse to
# start). A PID whose process is a postgres is left alone.
_pg_clear_stale_locks() {
    local file pid comm
    for file in "$@"; do
        [[ -f "$file" ]] || continue
        pid="$(head -n 1 "$file" 2>/dev/null | tr -dc '0-9')"
        [[ -n "$pid" ]] || continue
        comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
        if [[ "$comm" != postgres* ]]; then
            _pg_log "removing stale lock file $file (process $pid is not a running postgres)"
            rm -f "$file"
        fi
    done
}

_pg_running() {
    _pg_as_owner "$pg_bin/pg_ctl" status -D "$pg_data" >/dev/null 2>&1
}

# Line 4 of postmaster.pid is the port the running server listens on.
_pg_running_port() {
    sed -n '4p' "$pg_data/postmaster.pid" 2>/dev/null | tr -dc '0-9'
}

_pg_port_in_use() {
    local port="$1"
    # shellcheck disable=SC2016 # $1 expands in the inner bash
    if command -v timeout >/dev/null 2>&1; then
        timeout 3 bash -c 'exec 8<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null
    else
        bash -c 'exec 8<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null
    fi
}

_pg_port_user() {
    local port="$1"
    if command -v ss >/dev/null 2>&1; then
        ss -Hltnp "sport = :$port" 2>/dev/null | awk '{ print $4, $6 }' | head -n 3 || true
    fi
}

_pg_port_taken() {
    local name="$1" port="$2" who
    who="$(_pg_port_user "$port")"
    _pg_die "port $port on 127.0.0.1 is already taken by another program, not by cluster '$name' ($pg_cluster_dir)${who:+ [listening: $who]}. Stop that program or free the port, then run this again."
}

_pg_conf_text() {
    local port="$1" socket_dir="$2" fsync="$3" quoted_socket_dir
    quoted_socket_dir="${socket_dir//\'/\'\'}"
    cat <<EOF
# Written by build/lib/postgres.sh on every start: edit that script, not this file.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$quoted_socket_dir'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
max_connections = 200
shared_buffers = 128MB
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
logging_collector = off
log_min_messages = warning
EOF
}

_pg_write_hba() {
    cat >"$pg_data/pg_hba.conf" <<'EOF'
# Written by build/lib/postgres.sh.
# TYPE  DATABASE  USER  ADDRESS        METHOD
# The socket directory is private to the cluster's OS owner, who logs in as almyty.
local   all       all                  peer map=almyty
# Everything else connects over TCP on 127.0.0.1 with the generated password.
host    all       all   127.0.0.1/32   scram-sha-256
EOF
    printf '# Written by build/lib/postgres.sh.\n# MAPNAME  SYSTEM-USER  PG-USER\nalmyty  %s  almyty\n' \
        "$pg_owner" >"$pg_data/pg_ident.conf"
    _pg_own "$pg_data/pg_hba.conf" "$pg_data/pg_ident.conf"
    chmod 600 "$pg_data/pg_hba.conf" "$pg_data/pg_ident.conf"
}

_pg_random_hex() {
    if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex "$1"
    else
        head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'
        printf '\n'
    fi
}

_pg_psql_tcp() {
    PGPASSWORD="$pg_password" PGCONNECT_TIMEOUT=5 "$pg_psql" -X -q -w -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$pg_port" -U almyty "$@"
}

_pg_psql_socket() {
    _pg_as_owner env PGCONNECT_TIMEOUT=5 "$pg_psql" -X -q -w -v ON_ERROR_STOP=1 \
        -h "$pg_socket_dir" -p "$pg_port" -U almyty "$@"
}

_pg_cmd_ensure() {
    # stdout carries only the result variables: the work writes to stderr. (A
    # redirection, not `exec 3>&1`: bash keeps the saved stdout close-on-exec,
    # so the server started below cannot hold the caller's $(...) pipe open.)
    _pg_ensure_impl "$@" >&2
    printf 'ALMYTY_PG_CONNECTION=Host=127.0.0.1;Port=%s;Username=almyty;Password=%s;Database=almyty\n' "$pg_port" "$pg_password"
    printf 'ALMYTY_PG_CLUSTER_DIR=%s\n' "$pg_cluster_dir"
    printf 'ALMYTY_PG_SOCKET_DIR=%s\n' "$pg_socket_dir"
    printf 'ALMYTY_PG_BIN=%s\n' "$pg_bin"
}

_pg_ensure_impl() {
    local name="${1:-}" port="${2:-}" fsync=on arg
    [[ $# -ge 2 ]] || _pg_die "usage: almyty_ensure_postgres NAME PORT [--fsync-off]"
    shift 2
    for arg in "$@"; do
        case "$arg" in
            --fsync-off | fsync=off) fsync=off ;;
            --fsync-on | fsync=on) fsync=on ;;
            *) _pg_die "unknown option '$arg' (expected --fsync-off)" ;;
        esac
    done
    [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || _pg_die "bad cluster name '$name' (letters, digits, _ and - only)"
    if ! [[ "$port" =~ ^[1-9][0-9]*$ ]] || ((port < 1024 || port > 65535)); then
        _pg_die "bad port '$port' (1024-65535)"
    fi
    pg_port="$port"
    pg_fallback_note=""
    _pg_locate "$name"

    # One ensure at a time per cluster.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$pg_state_dir/$name.lock"
        flock -w 300 9 || _pg_die "timed out waiting for another run to finish with cluster '$name' ($pg_state_dir/$name.lock)"
    fi

    # The server programs: the version that made an existing cluster, or the newest.
    local cluster_major=""
    if [[ -f "$pg_data/PG_VERSION" ]]; then
        cluster_major="$(tr -dc '0-9.' <"$pg_data/PG_VERSION")"
    fi
    if ! pg_bin="$(_pg_find_bin "$cluster_major")"; then
        if [[ -n "$cluster_major" ]] && _pg_find_bin >/dev/null; then
            _pg_die "cluster '$name' at $pg_cluster_dir was made by PostgreSQL $cluster_major, which is no longer installed (found $(_pg_bin_version "$(_pg_find_bin)")); delete $pg_cluster_dir to start afresh, or install postgresql-$cluster_major"
        fi
        _pg_install
        pg_bin="$(_pg_find_bin "$cluster_major")" || _pg_die "PostgreSQL was installed but no initdb/pg_ctl was found in /usr/lib/postgresql/*/bin or on PATH"
    fi
    if [[ -x "$pg_bin/psql" ]]; then
        pg_psql="$pg_bin/psql"
    else
        pg_psql="$(command -v psql)" || _pg_die "psql not found next to $pg_bin/pg_ctl nor on PATH"
    fi
    _pg_ensure_postgres_user

    if [[ -n "$pg_fallback_note" ]]; then
        _pg_log "note: $pg_fallback_note"
    fi

    # The password: generated once, kept in the repository's .local/.
    local password_file="$pg_state_dir/$name.password"
    if [[ -s "$password_file" ]]; then
        pg_password="$(head -n 1 "$password_file")"
    else
        pg_password="$(_pg_random_hex 24)"
        (
            umask 077
            printf '%s\n' "$pg_password" >"$password_file.tmp.$$"
        )
        mv -f "$password_file.tmp.$$" "$password_file"
    fi
    chmod 600 "$password_file"
    [[ "$pg_password" =~ ^[A-Za-z0-9._~+/=-]+$ ]] ||
        _pg_die "$password_file must hold one password of letters, digits and ._~+/=- (delete it to generate a new one)"

    pg_socket_dir="$(_pg_socket_dir "$port")"

    # Initialise once.
    if [[ ! -f "$pg_data/PG_VERSION" ]]; then
        if [[ -d "$pg_data" ]] && [[ -n "$(ls -A "$pg_data")" ]]; then
            _pg_die "$pg_data exists but holds no PostgreSQL cluster; delete it and run this again"
        fi
        _pg_log "initialising cluster '$name' in $pg_cluster_dir (PostgreSQL $(_pg_bin_version "$pg_bin"), owner $pg_owner)"
        mkdir -p "$pg_cluster_dir"
        chmod 700 "$pg_cluster_dir"
        _pg_own "$pg_cluster_dir"
        local pwfile="$pg_cluster_dir/.initdb-password"
        (
            umask 077
            printf '%s\n' "$pg_password" >"$pwfile"
        )
        _pg_own "$pwfile"
        if ! _pg_as_owner "$pg_bin/initdb" -D "$pg_data" -U almyty --pwfile="$pwfile" \
            --auth=scram-sha-256 --encoding=UTF8 --no-locale >"$pg_cluster_dir/initdb.log" 2>&1; then
            rm -f "$pwfile"
            cat "$pg_cluster_dir/initdb.log" >&2
            _pg_die "initdb failed for cluster '$name' (log above, also in $pg_cluster_dir/initdb.log)"
        fi
        rm -f "$pwfile"
        printf "\n# Settings of build/lib/postgres.sh\ninclude_if_exists = 'almyty.conf'\n" >>"$pg_data/postgresql.conf"
        _pg_write_hba
    fi

    # The socket directory, when it is not the cluster directory itself.
    if [[ "$pg_socket_dir" != "$pg_cluster_dir" ]]; then
        mkdir -p "$pg_socket_dir"
        chmod 700 "$pg_socket_dir"
        _pg_own "$pg_socket_dir"
    fi

    # Settings: rewritten when they change; a running server is then restarted.
    local desired_conf current_conf="" restart=0
    desired_conf="$(_pg_conf_text "$port" "$pg_socket_dir" "$fsync")"
    if [[ -f "$pg_data/almyty.conf" ]]; then
        current_conf="$(cat "$pg_data/almyty.conf")"
    fi
    if [[ "$desired_conf" != "$current_conf" ]]; then
        printf '%s\n' "$desired_conf" >"$pg_data/almyty.conf"
        _pg_own "$pg_data/almyty.conf"
        chmod 600 "$pg_data/almyty.conf"
        restart=1
    fi

    local running=0
    if _pg_running; then
        running=1
    else
        _pg_clear_stale_locks "$pg_data/postmaster.pid" "$pg_socket_dir/.s.PGSQL.$port.lock"
    fi

    if ((running)) && { ((restart)) || [[ "$(_pg_running_port)" != "$port" ]]; }; then
        if [[ "$(_pg_running_port)" != "$port" ]] && _pg_port_in_use "$port"; then
            _pg_port_taken "$name" "$port"
        fi
        _pg_log "restarting cluster '$name' to apply its settings (port $port, fsync=$fsync)"
        _pg_as_owner "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 60 -s ||
            _pg_die "could not stop cluster '$name' to apply its settings"
        running=0
    fi

    if ((!running)); then
        if _pg_port_in_use "$port"; then
            _pg_port_taken "$name" "$port"
        fi
        _pg_log "starting cluster '$name' on 127.0.0.1:$port (log: $pg_log_file)"
        if [[ ! -e "$pg_log_file" ]]; then
            : >"$pg_log_file"
            _pg_own "$pg_log_file"
        fi
        # 9>&-: the server must not inherit (and hold forever) the flock.
        if ! _pg_as_owner "$pg_bin/pg_ctl" start -D "$pg_data" -l "$pg_log_file" -w -t 60 -s </dev/null 9>&-; then
            tail -n 30 "$pg_log_file" >&2 || true
            _pg_die "cluster '$name' did not start (the end of $pg_log_file is above)"
        fi
    fi

    # Wait until it accepts connections on the TCP port.
    local tries=0
    until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1; do
        tries=$((tries + 1))
        if ((tries >= 60)); then
            tail -n 30 "$pg_log_file" >&2 || true
            _pg_die "cluster '$name' is running but does not accept connections on 127.0.0.1:$port"
        fi
        sleep 0.5
    done

    # The password in .local/ must open it (a new checkout at the same path gets
    # a new password file while a cluster in /var/tmp stays): reset it over the
    # owner's socket when it does not.
    local has_db_sql="select count(*) from pg_database where datname = 'almyty'" has_db
    if ! has_db="$(_pg_psql_tcp -d postgres -tAc "$has_db_sql" 2>/dev/null)"; then
        _pg_log "the password in $password_file does not open cluster '$name'; setting it over the local socket"
        _pg_psql_socket -d postgres -c "alter role almyty with password '$pg_password'" >/dev/null ||
            _pg_die "could not reset the password of cluster '$name'; delete $pg_cluster_dir to start afresh"
        has_db="$(_pg_psql_tcp -d postgres -tAc "$has_db_sql")" ||
            _pg_die "cannot connect to cluster '$name' on 127.0.0.1:$port as almyty"
    fi

    if [[ "$has_db" != 1 ]]; then
        _pg_log "creating database 'almyty' in cluster '$name'"
        _pg_psql_tcp -d postgres -c 'create database almyty' >/dev/null
    fi

    _pg_log "cluster '$name' ready on 127.0.0.1:$port ($pg_cluster_dir)"
}

_pg_cmd_stop() {
    local name="${1:-}"
    [[ $# -eq 1 ]] || _pg_die "usage: almyty_stop_postgres NAME"
    [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || _pg_die "bad cluster name '$name'"
    exec 1>&2
    pg_fallback_note=""
    _pg_locate "$name"
    if [[ ! -f "$pg_data/PG_VERSION" ]]; then
        _pg_log "cluster '$name' does not exist ($pg_cluster_dir)"
        return 0
    fi
    if ! pg_bin="$(_pg_find_bin "$(tr -dc '0-9.' <"$pg_data/PG_VERSION")")"; then
        _pg_log "no PostgreSQL programs for cluster '$name' are installed, so it is not running"
        return 0
    fi
    if _pg_running; then
        _pg_log "stopping cluster '$name' ($pg_cluster_dir)"
        _pg_as_owner "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 60 -s ||
            _pg_die "could not stop cluster '$name'"
    else
        _pg_log "cluster '$name' is not running ($pg_cluster_dir)"
    fi
}

_pg_cmd_status() {
    local name="${1:-}"
    [[ $# -eq 1 ]] || _pg_die "usage: postgres.sh status NAME"
    [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || _pg_die "bad cluster name '$name'"
    pg_fallback_note=""
    _pg_locate "$name"
    if [[ ! -f "$pg_data/PG_VERSION" ]]; then
        printf "cluster '%s': not initialised (%s)\n" "$name" "$pg_cluster_dir"
        return 3
    fi
    if pg_bin="$(_pg_find_bin "$(tr -dc '0-9.' <"$pg_data/PG_VERSION")")" && _pg_running; then
        printf "cluster '%s': running on 127.0.0.1:%s (%s)\n" "$name" "$(_pg_running_port)" "$pg_cluster_dir"
    else
        printf "cluster '%s': stopped (%s)\n" "$name" "$pg_cluster_dir"
        return 3
    fi
}

# Run as a program: build/lib/postgres.sh ensure|stop|status ...
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    umask 022
    command="${1:-}"
    if [[ $# -gt 0 ]]; then
        shift
    fi
    case "$command" in
        ensure) _pg_cmd_ensure "$@" ;;
        stop) _pg_cmd_stop "$@" ;;
        status) _pg_cmd_status "$@" ;;
        *)
            printf 'usage: %s ensure NAME PORT [--fsync-off] | stop NAME | status NAME\n' "$0" >&2
            exit 2
            ;;
    esac
fi
