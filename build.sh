#!/usr/bin/env bash
# Build, test and run Platform on one machine. Everything generated goes under .run/ (git-ignored).
# See usage() below, or run ./build.sh without arguments.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CALLER_DIR="$PWD"  # paths the user gives (rootfs DIR) are relative to where they ran the script
cd "$ROOT"
RUN="${PLATFORM_RUN_DIR:-$ROOT/.run}"  # PLATFORM_RUN_DIR puts it elsewhere (tests run the identities step so)
[[ "$RUN" == /* ]] || RUN="$CALLER_DIR/$RUN"
LOGS="$RUN/logs"
PID_FILE="$RUN/platformd.pid"
DAEMON_LOG="$LOGS/platformd.log"
# platformd runs from a copy of its build output, so a rebuild (./build.sh test) never rewrites the
# assemblies of the running daemon under its feet.
DAEMON_BIN="$ROOT/services/Platform.Daemon/bin/Release/net10.0"
DAEMON_COPY="$RUN/platformd-bin"
BENCH_DLL="$ROOT/tools/Platform.Bench/bin/Release/net10.0/platform-bench.dll"

RABBITMQ_DEADLINE="${RABBITMQ_DEADLINE:-120}"  # seconds for the broker to come up
DAEMON_DEADLINE="${DAEMON_DEADLINE:-90}"       # seconds for platformd to be ready
EVENTS_DEADLINE="${EVENTS_DEADLINE:-30}"       # seconds for the demo's events to arrive

# Debian packages the platform needs: the broker, the OCI runtime and its monitor, a static busybox for
# test bundles, docker-compose (1.29) which validates docker-compose.yml offline, and a registry with skopeo
# (tests pull from and push to a registry on 127.0.0.1 that skopeo seeds), the default seccomp profile
# (/usr/share/containers/seccomp.json, which the task runner applies to specs that bring none), pika for
# the README's Python example of calling the services without MassTransit (a test runs it), and openssl (the
# transport tests make their CA and certificates with it), and containerd (the bench's gRPC client is tested against it).
PACKAGES=(rabbitmq-server runc crun conmon busybox-static docker-compose docker-registry skopeo golang-github-containers-common python3-pika openssl containerd)

export PATH="$PATH:/usr/sbin:/sbin"  # rabbitmqctl and friends live in /usr/sbin
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
    cat <<'EOF'
Usage: ./build.sh COMMAND [ARGS]

Commands:
  test          install what is missing, start RabbitMQ, build (Release) and run every test project;
                the last line is "N passed, N failed[, N skipped]"
  up            build and start platformd (all services in one process) in the background;
                PLATFORM_DATA_ROOT defaults to .run/data; log .run/logs/platformd.log
  down [--all]  stop platformd; --all also stops RabbitMQ
  demo          up, then with ./platformctl while watching events: import a busybox root filesystem
                as a snapshot under a lease, create a container on a child of it, see why it is kept
                (gc explain), delete the container and watch both snapshots get collected; run a
                container (platformctl run --rm ... -- sh -c 'echo hi; exit 3') and see it exit 3,
                its task events and its snapshot collected; then walk a container through create,
                label, list, update and delete
  bench [ARGS]  build and run the benchmark (tools/Platform.Bench) with ARGS: --only metadata|gc|tasks|images
                runs one part (default all); images compares a ~200 MB OCI archive's load, unpack and
                pull and run --rm with containerd 1.6 (ctr), skopeo and a registry on 127.0.0.1, installing
                containerd when missing (--image-mb N, --image-rounds N, --run-rounds N);
                --vs containerd runs Platform beside containerd instead, rounds alternating (--only
                metadata|tasks|cli, --rounds N, --vs-task-runs N, --cli-runs N, --cli "dotnet PATH/platformctl.dll")
  chaos [--seeds N] [--kills N]
                process faults: SIGKILL platformd at random points of a create/delete storm, N kill points
                (default 10) for each of seeds 1..N (default 3), and check that no acknowledged change or event
                is lost; prints "seed S, kills K: operations acknowledged: ..., lost: 0, ..." per seed
  rootfs DIR    write a busybox root filesystem (Debian's busybox-static, a link per applet) into DIR
  identities    up's first step on its own (RabbitMQ must run): make sure the broker users platform-services
                and platform-admin exist with the passwords in .run/services.bus and .run/admin.bus (0600; new
                ones when either is missing or no longer works), and delete guest

Environment: PLATFORM_BUS / Bus__Uri (broker), MONGODB_URI / Store__MongoUri (MongoDB instead of
SQLite), PLATFORM_DATA_ROOT / Store__DataRoot (on-disk state), CI=true (missing servers fail tests),
PLATFORM_RUN_DIR (instead of .run, for everything generated). For up and identities: PLATFORM_BROKER_VHOST
(default /), PLATFORM_SERVICES_USER (platform-services), PLATFORM_ADMIN_USER (platform-admin),
PLATFORM_DEFAULT_USER (the user deleted, guest).
EOF
}

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root to run: $*"
    fi
}

# ---------------------------------------------------------------------------------------------------
# Dependencies and RabbitMQ

ensure_deps() {
    command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
    command -v python3 >/dev/null 2>&1 || die "python3 is needed to read test results"
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    mkdir -p "$LOGS"
    say "Installing ${missing[*]} (log: .run/logs/apt.log)"
    if ! { as_root apt-get update && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y \
            --no-install-recommends "${missing[@]}"; } >"$LOGS/apt.log" 2>&1; then
        tail -n 30 "$LOGS/apt.log" >&2
        die "apt-get could not install ${missing[*]}"
    fi
}

# crun (1.8) refuses a hybrid cgroup host (v1 hierarchies, plus cgroup2 at /sys/fs/cgroup/unified) where a controller
# is still attached to the v2 hierarchy: "cgroups in hybrid mode not supported, drop all controllers from cgroupv2".
# On such a host (Debian's kernel leaves hugetlb there when systemd mounts no v1 hierarchy for it), each such
# controller gets a v1 hierarchy of its own, as the others have; runc is content either way. Nothing changes on a
# pure v1 or pure v2 host, or when not root. Undo: umount /sys/fs/cgroup/NAME.
ensure_cgroups_for_crun() {
    local unified=/sys/fs/cgroup/unified controllers c
    [[ $EUID -eq 0 && -r "$unified/cgroup.controllers" ]] || return 0
    controllers="$(cat "$unified/cgroup.controllers")"
    [[ -n "$controllers" ]] || return 0
    for c in $controllers; do
        [[ "$c" =~ ^[a-z_]+$ ]] || continue
        mkdir -p "/sys/fs/cgroup/$c" &&
            mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" &&
            say "cgroup controller $c moved from the v2 hierarchy to /sys/fs/cgroup/$c (crun refuses hybrid hosts otherwise)" ||
            say "warning: could not give cgroup controller $c a v1 hierarchy: crun will refuse to run here"
    done
}

rabbitmq_running() { rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

# The node's newest log file (the file name follows the node name).
rabbitmq_log_file() {
    local base="${RABBITMQ_LOG_BASE:-/var/log/rabbitmq}" f log=""
    for f in "$base"/*.log; do
        [[ -f "$f" && "$f" != *_upgrade.log ]] || continue
        if [[ -z "$log" || "$f" -nt "$log" ]]; then log="$f"; fi
    done
    printf '%s' "$log"
}

RABBITMQ_LOG_MARK=0  # lines the node's log had before this start, so a report shows only this start's lines

# The start-up output, and what the node logged during this start, for a broker that did not come up.
report_rabbitmq_failure() {
    if [[ -s "$LOGS/rabbitmq-start.log" ]]; then
        echo "--- .run/logs/rabbitmq-start.log" >&2
        tail -n 20 "$LOGS/rabbitmq-start.log" >&2
    fi
    local log
    log="$(rabbitmq_log_file)"
    if [[ -n "$log" ]]; then
        echo "--- $log since this start: errors and warnings (the first name the cause), then the last lines" >&2
        tail -n "+$((RABBITMQ_LOG_MARK + 1))" "$log" | grep -E '\[(error|critical|emergency|warning)\]' \
            | grep -v 'Mnesia is overloaded' | head -n 8 | cut -c1-400 >&2 || true
        echo "..." >&2
        tail -n "+$((RABBITMQ_LOG_MARK + 1))" "$log" | grep -v 'Mnesia is overloaded\|^[0-9: .+-]*\[warning\] <[0-9.]*> *$' \
            | tail -n 5 | cut -c1-400 >&2 || true
    fi
    echo "--- rabbitmq-diagnostics status" >&2
    rabbitmq-diagnostics -q status 2>&1 | head -n 3 >&2 || true
}

# State a broker keeps between runs (the durable queues of runs that ended without cleaning up) makes its next
# start slow and, in the thousands, keeps it from booting at all: it wants a file handle per queue and waits.
# A CI machine owns its broker, so under CI=true such state is set aside (moved to <data>.stale, replacing an
# older copy) before the start when it is large, and after a start that does not finish in time.
RABBITMQ_DATA="${RABBITMQ_MNESIA_BASE:-/var/lib/rabbitmq/mnesia}"
RABBITMQ_STALE_QUEUES="${RABBITMQ_STALE_QUEUES:-500}"  # queue folders above which CI sets the state aside

# How many queues the broker's persisted state holds folders for (queues that ever held messages).
rabbitmq_queue_folders() {
    find "$RABBITMQ_DATA" -mindepth 6 -maxdepth 6 -type d -path '*/msg_stores/vhosts/*/queues/*' 2>/dev/null | wc -l
}

stop_rabbitmq_node() {
    timeout 30 rabbitmqctl -q shutdown >/dev/null 2>&1 || true
    as_root pkill -9 -u rabbitmq beam.smp >/dev/null 2>&1 || true
    as_root pkill -9 -u rabbitmq epmd >/dev/null 2>&1 || true
    sleep 1
}

set_aside_rabbitmq_state() {
    local stale="$RABBITMQ_DATA.stale"
    say "Setting the broker's persisted state aside ($1): $RABBITMQ_DATA -> $stale"
    stop_rabbitmq_node
    as_root rm -rf "$stale"
    as_root mkdir -p "$stale"
    as_root find "$RABBITMQ_DATA" -mindepth 1 -maxdepth 1 -exec mv -t "$stale" {} +
}

start_rabbitmq_node() {
    local log
    log="$(rabbitmq_log_file)"
    RABBITMQ_LOG_MARK=0
    [[ -z "$log" ]] || RABBITMQ_LOG_MARK="$(wc -l <"$log")"
    # -detached returns 0 at once, even if it is going to fail: readiness is what counts.
    as_root rabbitmq-server -detached >>"$LOGS/rabbitmq-start.log" 2>&1 || true
    local deadline=$((SECONDS + RABBITMQ_DEADLINE))
    until rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 1
    done
}

ensure_rabbitmq() {
    if rabbitmq_running; then
        say "RabbitMQ is running"
        enable_management
        return 0
    fi
    mkdir -p "$LOGS"
    local queues
    queues="$(rabbitmq_queue_folders)"
    if [[ "${CI:-}" == true ]] && ((queues > RABBITMQ_STALE_QUEUES)); then
        set_aside_rabbitmq_state "it holds $queues queues left by earlier runs"
    fi
    say "Starting RabbitMQ (up to ${RABBITMQ_DEADLINE} s)"
    if ! start_rabbitmq_node; then
        report_rabbitmq_failure
        [[ "${CI:-}" == true ]] || die "RabbitMQ did not start within ${RABBITMQ_DEADLINE} s (see the errors above)"
        set_aside_rabbitmq_state "the node did not start within ${RABBITMQ_DEADLINE} s"
        say "Starting RabbitMQ again on fresh state (up to ${RABBITMQ_DEADLINE} s)"
        start_rabbitmq_node || { report_rabbitmq_failure; die "RabbitMQ did not start on fresh state either (see the errors above)"; }
    fi
    say "RabbitMQ is ready"
    enable_management
}

# RabbitMQ's management API: how `platformctl admin users` makes broker users. Applies live, no restart.
# And the largest message the broker accepts (RabbitMQ's default is 128 MiB): Platform's own limits keep its
# messages under a few MiB (import chunks 512 KiB, list pages 4 MiB), so 16 MiB stops a runaway publisher early.
# Set live for new channels; PLATFORM_BROKER_MAX_MESSAGE (bytes) changes it.
BROKER_MAX_MESSAGE="${PLATFORM_BROKER_MAX_MESSAGE:-16777216}"
enable_management() {
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null 2>&1 \
        || echo "warning: could not enable rabbitmq_management ('admin users add' needs it)" >&2
    rabbitmqctl -q eval "application:set_env(rabbit, max_message_size, $BROKER_MAX_MESSAGE)." >/dev/null 2>&1 \
        || echo "warning: could not set the broker's max_message_size" >&2
}

# Each test run gets a virtual host of its own, deleted when the run ends: whatever a test leaves behind (the
# queues of a fixture that crashed, a test's events) goes with it, and runs sharing a broker can't see each
# other's events. Hosts of earlier runs whose build.sh is gone are deleted first. Skipped when PLATFORM_BUS
# names a broker of the caller's choosing.
TEST_VHOST=""
TEST_USER=""

open_test_vhost() {
    [[ -z "${PLATFORM_BUS:-}" ]] || { say "Testing against PLATFORM_BUS as given"; return 0; }
    local vhost owner user
    while read -r vhost; do
        [[ "$vhost" == platform-test-* ]] || continue
        owner="${vhost#platform-test-}"
        owner="${owner%%-*}"
        kill -0 "$owner" 2>/dev/null && continue
        rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    done < <(rabbitmqctl -q list_vhosts name --no-table-headers 2>/dev/null)
    while read -r user; do
        [[ "$user" == platform-test-* ]] || continue
        owner="${user#platform-test-}"
        kill -0 "$owner" 2>/dev/null && continue
        rabbitmqctl -q delete_user "$user" >/dev/null 2>&1 || true
    done < <(rabbitmqctl -q list_users --no-table-headers 2>/dev/null | awk '{print $1}')
    TEST_VHOST="platform-test-$$-$(date +%s)"
    rabbitmqctl -q add_vhost "$TEST_VHOST" >/dev/null
    # A broker user of the run's own (guest may be gone after './build.sh up'): the services and the tests'
    # clients act as it; the administrator tag lets the user-management tests use the management API.
    TEST_USER="platform-test-$$"
    local password
    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    rabbitmqctl -q delete_user "$TEST_USER" >/dev/null 2>&1 || true
    printf '%s\n' "$password" | rabbitmqctl -q add_user "$TEST_USER" >/dev/null
    rabbitmqctl -q set_user_tags "$TEST_USER" administrator >/dev/null
    rabbitmqctl -q set_permissions -p "$TEST_VHOST" "$TEST_USER" '.*' '.*' '.*' >/dev/null
    trap close_test_vhost EXIT
    export PLATFORM_BUS="amqp://$TEST_USER:$password@127.0.0.1:5672/$TEST_VHOST"
    say "Testing in virtual host $TEST_VHOST as broker user $TEST_USER (both deleted afterwards)"
}

close_test_vhost() {
    [[ -n "$TEST_VHOST" ]] || return 0
    rabbitmqctl -q delete_vhost "$TEST_VHOST" >/dev/null 2>&1 || true
    rabbitmqctl -q delete_user "$TEST_USER" >/dev/null 2>&1 || true
    TEST_VHOST=""
}

# ---------------------------------------------------------------------------------------------------
# Build

# Builds the solution (Release) into .run/logs/build.log. On failure prints the errors and returns 1.
build_solution() {
    mkdir -p "$LOGS"
    say "Building Platform.sln (Release)"
    local start=$SECONDS
    if dotnet build Platform.sln -c Release -nologo >"$LOGS/build.log" 2>&1; then
        say "Build succeeded in $((SECONDS - start)) s"
        return 0
    fi
    echo "Build failed (full log: .run/logs/build.log):" >&2
    if grep -qE ': (error|fatal error) ' "$LOGS/build.log"; then
        grep -E ': (error|fatal error) ' "$LOGS/build.log" | sed -E 's/ \[[^]]*\]$//' | sort -u >&2
    else
        tail -n 40 "$LOGS/build.log" >&2
    fi
    return 1
}

# ---------------------------------------------------------------------------------------------------
# test

test_projects() {
    local f
    for f in tests/*/*.csproj; do
        if grep -q 'Microsoft.NET.Test.Sdk' "$f"; then echo "$f"; fi
    done | sort
}

cmd_test() {
    ensure_deps
    ensure_cgroups_for_crun
    ensure_rabbitmq
    open_test_vhost
    if ! build_solution; then
        echo "0 passed, 1 failed"
        exit 1
    fi
    local results="$RUN/test-results" projects=() proj name dir rc start
    mapfile -t projects < <(test_projects)
    ((${#projects[@]} > 0)) || { echo "no test project under tests/"; echo "0 passed, 1 failed"; exit 1; }
    mkdir -p "$results"
    : >"$results/projects.tsv"
    # One project at a time: the machine has two cores and the tests share one broker.
    for proj in "${projects[@]}"; do
        name="$(basename "$proj" .csproj)"
        dir="$results/$name"
        rm -rf "$dir"
        mkdir -p "$dir"
        say "Testing $name"
        start=$SECONDS
        set +e
        timeout --kill-after=30s 20m dotnet test "$proj" -c Release --no-build \
            --logger "trx;LogFilePrefix=$name" --results-directory "$dir" \
            --blame-hang-timeout 5min --blame-hang-dump-type none \
            >"$LOGS/test-$name.log" 2>&1
        rc=$?
        set -e
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$dir" "$LOGS/test-$name.log" "$((SECONDS - start))" \
            >>"$results/projects.tsv"
    done
    summarize_tests "$results/projects.tsv"
}

# Reads the TRX files of every project listed in the TSV (name, exit code, results dir, log, seconds),
# prints a summary per project and, last, "N passed, N failed[, N skipped]". Exit 0 only if nothing
# failed and at least one test passed.
summarize_tests() {
    python3 - "$1" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
BAD = ("Failed", "Error", "Timeout", "Aborted")
total_passed = total_failed = total_skipped = 0
lines, details = [], []

for row in open(sys.argv[1], encoding="utf-8"):
    if not row.strip():
        continue
    name, rc, results, log, seconds = row.rstrip("\n").split("\t")
    rc = int(rc)
    passed = failed = skipped = 0
    notes = []
    trx_files = sorted(glob.glob(os.path.join(results, "**", "*.trx"), recursive=True))
    for path in trx_files:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            notes.append(f"unreadable TRX {os.path.basename(path)}: {e}")
            continue
        counters = root.find(f"{NS}ResultSummary/{NS}Counters")
        if counters is None:
            notes.append(f"no counters in {os.path.basename(path)}")
            continue
        n = lambda key: int(counters.get(key, "0") or 0)
        passed += n("passed")
        failed += n("failed") + n("error") + n("timeout") + n("aborted")
        skipped += max(0, n("total") - n("executed"))
        for result in root.iter(f"{NS}UnitTestResult"):
            if result.get("outcome") in BAD:
                message = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
                text = (message.text or "").strip().splitlines() if message is not None else []
                # Where it threw: CI keeps only this summary, so a failure must be diagnosable from it.
                trace = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}StackTrace")
                frames = [l.strip() for l in (trace.text or "").splitlines()] if trace is not None else []
                ours = [f for f in frames if f.startswith("at Platform.") or f.startswith("----")]
                shown = frames[:3] + [f for f in ours if f not in frames[:3]][:5]
                details.append(f"  FAILED {name}: {result.get('testName')}"
                               + "".join(f"\n         {t[:300]}" for t in text[:4])
                               + "".join(f"\n           {f[:300]}" for f in shown))
    if rc != 0 and failed == 0:
        # dotnet test failed but no test did: the test host crashed, hung or never started.
        failed = 1
        why = "exited %d with no failed test in its results (crash, hang or load failure)" % rc
        if rc == 124 or rc == 137:
            why = "timed out and was killed"
        notes.append(why)
        try:
            tail = open(log, encoding="utf-8", errors="replace").read().splitlines()[-15:]
        except OSError:
            tail = []
        details.append(f"  FAILED {name}: {why}; last lines of {os.path.relpath(log)}:\n" + "\n".join("    " + l for l in tail))
    if not trx_files and rc == 0:
        notes.append("no TRX file written")
    total_passed += passed
    total_failed += failed
    total_skipped += skipped
    summary = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    lines.append(f"  {name:<36} {summary:<34} {seconds:>4} s" + (f"  ({'; '.join(notes)})" if notes else ""))

print()
print("Test results (TRX files under .run/test-results/):")
for line in lines:
    print(line)
for d in details:
    print(d)
if total_passed == 0 and total_failed == 0:
    print("No test ran: that counts as a failure.")
    code = 1
else:
    code = 0 if total_failed == 0 else 1
print(f"{total_passed} passed, {total_failed} failed" + (f", {total_skipped} skipped" if total_skipped else ""))
sys.exit(code)
PY
}

# ---------------------------------------------------------------------------------------------------
# up / down

# Prints the pid of the platformd this script started, if it still runs.
daemon_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # A recycled pid is not ours: check that it really is platformd.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'platformd\.dll' || return 1
    echo "$pid"
}

create_consumers() {
    rabbitmqctl -q list_queues -p "$BROKER_VHOST" name consumers 2>/dev/null | awk '$1 == "create-container" { print $2; found = 1 } END { if (!found) print 0 }'
}

wait_daemon_ready() {
    local pid="$1" deadline=$((SECONDS + DAEMON_DEADLINE))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "--- last lines of .run/logs/platformd.log" >&2
            tail -n 30 "$DAEMON_LOG" >&2 || true
            rm -f "$PID_FILE"
            die "platformd (pid $pid) exited during start-up"
        fi
        if grep -q 'The metadata store is ready' "$DAEMON_LOG" 2>/dev/null && (($(create_consumers) >= 1)); then
            return 0
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$DAEMON_LOG" >&2 || true
            die "platformd (pid $pid) was not ready within ${DAEMON_DEADLINE} s: see .run/logs/platformd.log"
        fi
        sleep 1
    done
}

# ---------------------------------------------------------------------------------------------------
# identities (issue 9): the services and the administrator are broker users of their own, and guest is gone.
# Each address (with its password) lives in a 0600 file under .run/: platformd reads services.bus through
# PLATFORM_BUS_FILE and ./platformctl reads admin.bus, so no password appears in a process's arguments.
# The names and the vhost can be changed so a test can run this step on a broker others share (a vhost of its own,
# users of its own, and a stand-in for guest), without deleting the guest they use.
BROKER_VHOST="${PLATFORM_BROKER_VHOST:-/}"
SERVICES_USER="${PLATFORM_SERVICES_USER:-platform-services}"
ADMIN_USER="${PLATFORM_ADMIN_USER:-platform-admin}"
DEFAULT_USER="${PLATFORM_DEFAULT_USER:-guest}"

broker_user_exists() {
    rabbitmqctl -q list_users --no-table-headers 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

# The address of user $1 with password $2 on the vhost (the default vhost "/" as amqp://…:5672/, as before).
bus_uri() {
    local path=""
    if [[ "$BROKER_VHOST" != / ]]; then
        path="${BROKER_VHOST//%/%25}"
        path="${path//\//%2F}"
    fi
    printf 'amqp://%s:%s@127.0.0.1:5672/%s\n' "$1" "$2" "$path"
}

# broker_user NAME FILE [TAG]: makes sure broker user NAME exists with the password in FILE, which still works (a new
# random one, and a new FILE, when the user, the file or a working password is missing) and may do everything on the
# vhost. Run again, it changes nothing: the password in FILE stays the user's.
broker_user() {
    local name="$1" file="$2" tag="${3:-}" password
    if [[ -f "$file" ]] && broker_user_exists "$name"; then
        password="$(sed -nE 's|^amqp://[^:]*:([^@]*)@.*|\1|p' "$file")"
        if [[ -n "$password" ]] && printf '%s\n' "$password" | rabbitmqctl -q authenticate_user "$name" >/dev/null 2>&1; then
            return 0
        fi
    fi
    password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    if broker_user_exists "$name"; then
        printf '%s\n' "$password" | rabbitmqctl -q change_password "$name" >/dev/null
    else
        printf '%s\n' "$password" | rabbitmqctl -q add_user "$name" >/dev/null
    fi
    rabbitmqctl -q set_user_tags "$name" $tag >/dev/null
    rabbitmqctl -q set_permissions -p "$BROKER_VHOST" "$name" '.*' '.*' '.*' >/dev/null
    (umask 077 && bus_uri "$name" "$password" >"$file")
    chmod 600 "$file"
}

ensure_identities() {
    mkdir -p "$RUN"
    chmod 700 "$RUN"
    broker_user "$SERVICES_USER" "$RUN/services.bus"
    broker_user "$ADMIN_USER" "$RUN/admin.bus" administrator
    if broker_user_exists "$DEFAULT_USER"; then
        rabbitmqctl -q delete_user "$DEFAULT_USER" >/dev/null
        say "Broker user $DEFAULT_USER removed: platformd runs as $SERVICES_USER, ./platformctl as $ADMIN_USER (${RUN#"$ROOT"/}/admin.bus)"
    fi
}

cmd_identities() {
    rabbitmq_running || die "RabbitMQ is not running: './build.sh up' starts it"
    ensure_identities
    say "Broker users $SERVICES_USER (${RUN#"$ROOT"/}/services.bus) and $ADMIN_USER (${RUN#"$ROOT"/}/admin.bus) on vhost $BROKER_VHOST"
}

cmd_up() {
    ensure_deps
    ensure_cgroups_for_crun
    ensure_rabbitmq
    build_solution || exit 1
    local pid
    if pid="$(daemon_pid)"; then
        wait_daemon_ready "$pid"
        say "platformd already runs (pid $pid); './build.sh down && ./build.sh up' restarts it on the new build"
        return 0
    fi
    rm -f "$PID_FILE"
    [[ -f "$DAEMON_BIN/platformd.dll" ]] || die "no $DAEMON_BIN/platformd.dll after the build"
    local others
    others="$(create_consumers)"
    if ((others > 0)); then
        echo "warning: create-container already has $others consumer(s) not started by this script" >&2
    fi
    local data_root="${PLATFORM_DATA_ROOT:-$RUN/data}"
    mkdir -p "$LOGS" "$data_root"
    rm -rf "$DAEMON_COPY"
    cp -a "$DAEMON_BIN" "$DAEMON_COPY"
    if [[ -f "$DAEMON_LOG" ]]; then mv -f "$DAEMON_LOG" "$DAEMON_LOG.1"; fi
    say "Starting platformd (data root $data_root, log .run/logs/platformd.log)"
    # Its own session: it outlives this script and a Ctrl-C here. The content root is its build folder
    # so that its appsettings.json applies.
    local identity=()
    if [[ -z "${PLATFORM_BUS:-}" && -z "${PLATFORM_BUS_FILE:-}" ]]; then
        ensure_identities
        identity=(PLATFORM_BUS_FILE="$RUN/services.bus" Security__Admins__0="$ADMIN_USER")
    fi
    (cd "$DAEMON_COPY" && exec env PLATFORM_DATA_ROOT="$data_root" "${identity[@]}" setsid dotnet platformd.dll \
        </dev/null >>"$DAEMON_LOG" 2>&1) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    wait_daemon_ready "$pid"
    say "platformd is ready (pid $pid; create-container has $(create_consumers) consumer(s))"
}

cmd_down() {
    local all=0
    case "${1:-}" in
        "") ;;
        --all) all=1 ;;
        *) usage >&2; exit 2 ;;
    esac
    local pid
    if pid="$(daemon_pid)"; then
        say "Stopping platformd (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 15))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "platformd did not stop within 15 s: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "platformd stopped"
    else
        say "platformd is not running"
    fi
    rm -f "$PID_FILE"
    if ((all)); then
        if rabbitmq_running; then
            say "Stopping RabbitMQ"
            rabbitmqctl -q shutdown
        else
            say "RabbitMQ is not running"
        fi
    else
        say "RabbitMQ left running ('./build.sh down --all' stops it too)"
    fi
}

# ---------------------------------------------------------------------------------------------------
# demo

DEMO_NS=demo
DEMO_LEASE=demo-import
DEMO_CONTAINER=demo-busybox
GC_DEADLINE="${GC_DEADLINE:-30}"               # seconds for the demo's snapshots to be collected
EVENTS_PID=""

stop_events() {
    if [[ -n "$EVENTS_PID" ]] && kill -0 "$EVENTS_PID" 2>/dev/null; then
        kill -TERM "$EVENTS_PID" 2>/dev/null || true
        wait "$EVENTS_PID" 2>/dev/null || true
    fi
    EVENTS_PID=""
}

# Prints a step's command and output; stops the demo with a clear message if the command fails.
step() {
    local title="$1"
    shift
    echo
    say "$title"
    echo "\$ $*"
    local rc=0
    "$@" || rc=$?
    if ((rc != 0)); then
        stop_events
        die "demo step '$title' failed (exit $rc): $*"
    fi
}

count_lines() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# Lists which of the given snapshot keys `snapshots ls` still shows (none: prints nothing). Fails if ls does.
snapshots_left() {
    local listing
    listing="$("${ctl[@]}" snapshots ls "${snap[@]}")" || return 1
    awk -v keys="$*" 'BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
        NR > 1 && ($1 in want) { print $1 }' <<<"$listing"
}

# A root filesystem for the demo: Debian's static busybox and the applets the spec uses as links to it.
make_demo_rootfs() {
    local rootfs="$1" busybox
    busybox="$(command -v busybox || true)"
    [[ -n "$busybox" ]] || busybox=/bin/busybox
    [[ -x "$busybox" ]] || die "no busybox binary (the busybox-static package provides /bin/busybox)"
    rm -rf "$rootfs"
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    chmod 0755 "$rootfs/bin/busybox"
    local applet
    for applet in sh echo ls true; do ln -s busybox "$rootfs/bin/$applet"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\n' >"$rootfs/etc/group"
}

# Snapshots and leases end to end: import under a lease, a container on a child snapshot, gc explain, then
# deleting the container lets the collector remove the child and its parent without any further command.
demo_snapshots() {
    local spec="$1" events="$2" rootfs="$RUN/demo-rootfs"
    # A failed earlier run may have left these behind; the names are fixed so the walk reads the same each time.
    "${ctl[@]}" containers rm "$DEMO_CONTAINER" >/dev/null 2>&1 || true
    "${ctl[@]}" leases rm "$DEMO_LEASE" >/dev/null 2>&1 || true
    "${ctl[@]}" snapshots rm "${snap[@]}" demo-rootfs busybox >/dev/null 2>&1 || true

    echo
    say "Building a busybox root filesystem in .run/demo-rootfs"
    make_demo_rootfs "$rootfs"
    ls -l "$rootfs/bin"

    step "Create a lease, so nothing is collected while we set up" "${ctl[@]}" leases create --id "$DEMO_LEASE" --label purpose=demo
    step "Import the folder as committed snapshot busybox (progress on stderr)" \
        "${ctl[@]}" snapshots import busybox --from "$rootfs" --lease "$DEMO_LEASE" "${snap[@]}"
    step "Its disk usage" "${ctl[@]}" snapshots usage busybox "${snap[@]}"
    step "Prepare the container's root filesystem on top of it" \
        "${ctl[@]}" snapshots prepare demo-rootfs --parent busybox --lease "$DEMO_LEASE" "${snap[@]}"
    step "What the lease holds" "${ctl[@]}" leases resources "$DEMO_LEASE"
    step "Create container $DEMO_CONTAINER on that snapshot" "${ctl[@]}" containers create "$DEMO_CONTAINER" \
        --runtime io.containerd.runc.v2 --spec "$spec" --image busybox --snapshotter overlayfs --snapshot-key demo-rootfs
    step "The container holds its snapshot now: drop the lease" "${ctl[@]}" leases rm "$DEMO_LEASE"
    step "List the snapshots" "${ctl[@]}" snapshots ls "${snap[@]}"
    step "Why is busybox kept?" "${ctl[@]}" gc explain snapshot/overlayfs/busybox
    step "Delete the container" "${ctl[@]}" containers rm "$DEMO_CONTAINER"

    echo
    say "Waiting for the collector to remove demo-rootfs and then busybox (up to ${GC_DEADLINE} s)"
    local deadline=$((SECONDS + GC_DEADLINE)) left
    while :; do
        if left="$(snapshots_left demo-rootfs busybox)" && [[ -z "$left" ]]; then break; fi
        if ((SECONDS >= deadline)); then
            stop_events
            die "still listed after ${GC_DEADLINE} s: ${left:-?} (snapshots ls failed or the collector did not remove them)"
        fi
        sleep 0.5
    done
    say "demo-rootfs and busybox were collected: nothing referenced them once the container was gone"
    step "List the snapshots again" "${ctl[@]}" snapshots ls "${snap[@]}"

    echo
    say "Waiting for their SnapshotRemoved and GarbageCollected events (up to ${EVENTS_DEADLINE} s)"
    deadline=$((SECONDS + EVENTS_DEADLINE))
    local removed collected
    while :; do
        removed="$(grep -cE " SnapshotRemoved $DEMO_NS (demo-rootfs|busybox) " "$events" || true)"
        collected="$(grep -cE " GarbageCollected $DEMO_NS " "$events" || true)"
        ((removed >= 2 && collected >= 1)) && break
        if ((SECONDS >= deadline)) || ! kill -0 "$EVENTS_PID" 2>/dev/null; then
            echo "--- .run/demo-events.log" >&2
            cat "$events" >&2
            stop_events
            die "expected 2 SnapshotRemoved (demo-rootfs, busybox) and a GarbageCollected; saw $removed and $collected"
        fi
        sleep 0.5
    done
    say "Collection events so far (.run/demo-events.log):"
    grep -E " (SnapshotRemoved|GarbageCollected) $DEMO_NS " "$events"
}

# A container run end to end: `platformctl run --rm` on a child of the busybox snapshot prints and exits with
# the task's exit status; the task's events follow one another; --rm deletes the container and the collector
# removes its root filesystem, while busybox stays as long as the lease holds it.
demo_run() {
    local events="$1" rootfs="$RUN/demo-rootfs" id=demo-hello
    "${ctl[@]}" containers rm --force "$id" >/dev/null 2>&1 || true
    "${ctl[@]}" leases rm demo-run >/dev/null 2>&1 || true
    "${ctl[@]}" snapshots rm "${snap[@]}" "$id-rootfs" >/dev/null 2>&1 || true
    "${ctl[@]}" snapshots rm "${snap[@]}" busybox-run >/dev/null 2>&1 || true

    echo
    say "Running a container: busybox again, this time to run something in it"
    make_demo_rootfs "$rootfs"
    step "A lease keeps the image snapshot while we use it" "${ctl[@]}" leases create --id demo-run --label purpose=demo
    step "Import busybox-run" "${ctl[@]}" snapshots import busybox-run --from "$rootfs" --lease demo-run "${snap[@]}"

    echo
    say "Run $id: a snapshot prepared from busybox-run, a default OCI spec, a task; output streamed; --rm deletes it after"
    echo "\$ ${ctl[*]} run --rm ${snap[*]} --snapshot busybox-run $id -- sh -c 'echo hi; exit 3'"
    local rc=0
    "${ctl[@]}" run --rm "${snap[@]}" --snapshot busybox-run "$id" -- sh -c 'echo hi; exit 3' || rc=$?
    if ((rc != 3)); then
        stop_events
        die "expected 'platformctl run' to exit with the task's status 3, got $rc"
    fi
    say "platformctl run exited with $rc: the task's own exit status"

    echo
    say "Waiting for TaskCreated, TaskStarted, TaskExited, TaskDeleted and ContainerDeleted of $id (up to ${EVENTS_DEADLINE} s)"
    local deadline=$((SECONDS + EVENTS_DEADLINE)) seen
    while :; do
        seen="$(grep -cE " (TaskCreated|TaskStarted|TaskExited|TaskDeleted|ContainerDeleted) $DEMO_NS $id " "$events" || true)"
        ((seen >= 5)) && break
        if ((SECONDS >= deadline)) || ! kill -0 "$EVENTS_PID" 2>/dev/null; then
            echo "--- .run/demo-events.log" >&2
            cat "$events" >&2
            stop_events
            die "expected the 5 events of $id; saw $seen"
        fi
        sleep 0.5
    done
    grep -E " (ContainerCreated|Task[A-Za-z]+|ContainerDeleted) $DEMO_NS $id " "$events"

    say "Waiting for the collector to remove $id-rootfs (up to ${GC_DEADLINE} s)"
    deadline=$((SECONDS + GC_DEADLINE))
    local left
    while :; do
        if left="$(snapshots_left "$id-rootfs")" && [[ -z "$left" ]]; then break; fi
        if ((SECONDS >= deadline)); then
            stop_events
            die "$id-rootfs still listed after ${GC_DEADLINE} s"
        fi
        sleep 0.5
    done
    say "$id-rootfs was collected: neither the task nor the container references it any more"
    step "busybox-run is still there, held by the lease" "${ctl[@]}" snapshots ls "${snap[@]}"
    step "Drop the lease: busybox-run goes too" "${ctl[@]}" leases rm demo-run
}

cmd_demo() {
    cmd_up
    local ctl=(./platformctl --namespace "$DEMO_NS")
    # The container names overlayfs, so its snapshots are made there whatever the service's default is.
    # ctl and snap are seen by the demo helpers this function calls (bash locals are dynamically scoped).
    local snap=(--snapshotter overlayfs)
    local id spec="$RUN/demo-spec.json" events="$RUN/demo-events.log"
    id="web-$(date +%s)"
    cat >"$spec" <<'EOF'
{
  "ociVersion": "1.1.0",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": ["/bin/sh", "-c", "echo hello from the demo"],
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
    "cwd": "/"
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "demo",
  "linux": { "namespaces": [{ "type": "pid" }, { "type": "mount" }, { "type": "uts" }, { "type": "ipc" }] }
}
EOF
    echo
    say "Building the CLI (./platformctl)"
    ./platformctl --help >/dev/null 2>&1 || true  # builds it if needed; the steps below report errors

    trap stop_events EXIT
    : >"$events"
    local before
    before="$(rabbitmqctl -q list_consumers 2>/dev/null | wc -l)"
    echo
    # Only the demo's namespace: tests running meanwhile publish their events on the same broker.
    say "Watching events in the background: ${ctl[*]} events --filter namespace==$DEMO_NS > .run/demo-events.log"
    "${ctl[@]}" events --filter "namespace==$DEMO_NS" >"$events" 2>&1 &
    EVENTS_PID=$!
    # The stream is ready once its subscription has a consumer on the broker.
    local deadline=$((SECONDS + 20))
    while (($(rabbitmqctl -q list_consumers 2>/dev/null | wc -l) <= before)); do
        kill -0 "$EVENTS_PID" 2>/dev/null || { cat "$events" >&2; die "'platformctl events' exited at once (output above)"; }
        ((SECONDS < deadline)) || { echo "warning: no new consumer seen for the event stream after 20 s; going on" >&2; break; }
        sleep 0.5
    done

    demo_snapshots "$spec" "$events"
    demo_run "$events"

    step "Create container $id" "${ctl[@]}" containers create "$id" --runtime io.containerd.runc.v2 \
        --spec "$spec" --image docker.io/library/busybox:1.36 --label tier=front
    step "Label it" "${ctl[@]}" containers label "$id" owner=alice
    step "List by filter" "${ctl[@]}" containers ls --filter 'labels.tier==front' --filter 'labels.owner==alice'
    step "Update its image" "${ctl[@]}" containers update "$id" --image docker.io/library/busybox:1.37
    step "Get it as JSON" "${ctl[@]}" --output json containers get "$id"
    step "Delete it" "${ctl[@]}" containers rm "$id"

    echo
    say "Waiting for the events (ContainerCreated, ContainerUpdated x2, ContainerDeleted; up to ${EVENTS_DEADLINE} s)"
    deadline=$((SECONDS + EVENTS_DEADLINE))
    local created updated deleted
    while :; do
        created="$(count_lines ContainerCreated "$events")"
        updated="$(count_lines ContainerUpdated "$events")"
        deleted="$(count_lines ContainerDeleted "$events")"
        ((created >= 1 && updated >= 2 && deleted >= 1)) && break
        if ((SECONDS >= deadline)) || ! kill -0 "$EVENTS_PID" 2>/dev/null; then
            echo "--- .run/demo-events.log" >&2
            cat "$events" >&2
            stop_events
            die "expected 1 ContainerCreated, 2 ContainerUpdated and 1 ContainerDeleted; saw $created, $updated and $deleted"
        fi
        sleep 0.5
    done
    stop_events
    trap - EXIT
    echo
    say "Events observed (.run/demo-events.log):"
    cat "$events"
    echo
    say "Demo done. platformd keeps running; './build.sh down' stops it."
}

# ---------------------------------------------------------------------------------------------------
# bench

cmd_bench() {
    ensure_deps
    ensure_cgroups_for_crun
    ensure_rabbitmq
    build_solution || exit 1
    [[ -f "$BENCH_DLL" ]] || die "no $BENCH_DLL after the build"
    # The CLI figures time what ./platformctl runs (its Native AOT publish, else ReadyToRun), brought up to date here.
    "$ROOT/platformctl" --version >/dev/null || die "./platformctl could not be published"
    # After './build.sh up' guest is gone: the bench acts as the administrator unless told otherwise.
    if [[ -z "${PLATFORM_BUS:-}" && -z "${PLATFORM_BUS_FILE:-}" && -r "$RUN/admin.bus" ]]; then
        export PLATFORM_BUS_FILE="$RUN/admin.bus"
    fi
    exec dotnet "$BENCH_DLL" "$@"
}

# A root filesystem to import or run from: busybox-static and a symlink per applet, the folders runc mounts
# over, and a root user. Installs busybox-static when missing.
cmd_rootfs() {
    local dir="$1" busybox applet
    [[ "$dir" == /* ]] || dir="$CALLER_DIR/$dir"
    local PACKAGES=(busybox-static)  # ensure_deps reads this list (bash locals are dynamically scoped)
    ensure_deps
    busybox="$(command -v busybox)" || die "busybox is not installed"
    mkdir -p "$dir"/{bin,proc,dev,sys,tmp,etc,root}
    install -m 0755 "$busybox" "$dir/bin/busybox"
    for applet in $("$busybox" --list); do
        [[ -e "$dir/bin/$applet" ]] || ln -s busybox "$dir/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
    printf 'root:x:0:\n' >"$dir/etc/group"
    say "busybox root filesystem in $dir"
}

# Runs the process-fault test (tests/Platform.EndToEnd.Tests, When_platformd_is_killed_mid_storm) with more kill
# points and seeds than .ci/run gives it, and prints its figures.
cmd_chaos() {
    local seeds=3 kills=10 seed rc=0 log
    while (($#)); do
        case "$1" in
            --seeds) seeds="${2:?--seeds needs a number}"; shift 2 ;;
            --kills) kills="${2:?--kills needs a number}"; shift 2 ;;
            *) usage >&2; exit 2 ;;
        esac
    done
    ensure_deps
    ensure_rabbitmq
    open_test_vhost
    build_solution || exit 1
    mkdir -p "$LOGS"
    for ((seed = 1; seed <= seeds; seed++)); do
        log="$LOGS/chaos-seed-$seed.log"
        say "Seed $seed, $kills kills (log $log)"
        if ! PLATFORM_CHAOS_SEED="$seed" PLATFORM_CHAOS_KILLS="$kills" timeout --kill-after=30s 30m dotnet test tests/Platform.EndToEnd.Tests \
            -c Release --no-build --filter "FullyQualifiedName~When_platformd_is_killed_mid_storm" \
            --logger "console;verbosity=detailed" >"$log" 2>&1; then
            rc=1
        fi
        grep -m1 -o 'seed [0-9]*, kills [0-9]*: .*' "$log" || echo "seed $seed: no figures (see $log)"
        ((rc == 0)) || grep -E 'Error Message|created \(acknowledged\)|deleted \(acknowledged\)' -A1 "$log" | head -20
    done
    return "$rc"
}

# ---------------------------------------------------------------------------------------------------

main() {
    local cmd="${1:-}"
    (($#)) && shift
    case "$cmd" in
        test) (($# == 0)) || { usage >&2; exit 2; }; cmd_test ;;
        up) (($# == 0)) || { usage >&2; exit 2; }; cmd_up ;;
        down) cmd_down "$@" ;;
        demo) (($# == 0)) || { usage >&2; exit 2; }; cmd_demo ;;
        bench) cmd_bench "$@" ;;
        chaos) cmd_chaos "$@" ;;
        rootfs) (($# == 1)) || { usage >&2; exit 2; }; cmd_rootfs "$1" ;;
        identities) (($# == 0)) || { usage >&2; exit 2; }; cmd_identities ;;
        -h | --help | help) usage ;;
        *)
            [[ -n "$cmd" ]] && echo "unknown command: $cmd" >&2
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
