#!/usr/bin/env bash
# Run every test: unit (Criterion), integration (the real server on SQLite
# and PostgreSQL) and browser tests, then the unit and integration tests
# again on the AddressSanitizer + UBSan build. `make test` builds what this
# needs first. Prints one count line per stage and, last, the total:
#
#   N passed, N failed, N skipped
#
# and exits 1 when anything failed. A stage that exits non-zero without
# counts it can be read from (a crash, a sanitizer report) counts as one
# failure.
#
# Environment:
#   KH_TEST_BUILD        folder of the normal build (default build)
#   KH_TEST_ASAN_BUILD   folder of the sanitizer build (default build/asan)
#   KH_TEST_JOBS         test files run at once by node (default 2)
#   KH_STAGE_TIMEOUT     seconds one stage may take (default 1200)
#   KH_TEST_NO_PG=1      run without PostgreSQL
#   KH_TEST_NO_ASAN=1    skip the sanitizer stages
set -eu -o pipefail
cd "$(dirname "$0")/.."

# shellcheck source=tests/pg.sh
. tests/pg.sh

BUILD=${KH_TEST_BUILD:-build}
ASAN_BUILD=${KH_TEST_ASAN_BUILD:-build/asan}
JOBS=${KH_TEST_JOBS:-2}
STAGE_TIMEOUT=${KH_STAGE_TIMEOUT:-1200}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/khuyenhoc-test.XXXXXX")
STAGE_PID=
TAIL_PID=

# shellcheck disable=SC2317
cleanup() {
	# An interrupted stage: stop it (timeout passes the signal on to the
	# whole process group: node, the test files, the servers).
	if [ -n "$STAGE_PID" ]; then
		kill -TERM "$STAGE_PID" 2>/dev/null || true
		wait "$STAGE_PID" 2>/dev/null || true
	fi
	if [ -n "$TAIL_PID" ]; then
		kill "$TAIL_PID" 2>/dev/null || true
		wait "$TAIL_PID" 2>/dev/null || true
	fi
	pg_stop || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Test files of the template database cache, shared by the test processes.
export KH_TEST_CACHE="$WORK/cache"
mkdir -p "$KH_TEST_CACHE"

TOTAL_PASS=0
TOTAL_FAIL=0
TOTAL_SKIP=0
REPORT=()

# record NAME PASSED FAILED SKIPPED SECONDS [NOTE]
record() {
	TOTAL_PASS=$((TOTAL_PASS + $2))
	TOTAL_FAIL=$((TOTAL_FAIL + $3))
	TOTAL_SKIP=$((TOTAL_SKIP + $4))
	REPORT+=("$(printf '  %-22s passed %4d   failed %3d   skipped %3d   %4ds%s' \
	    "$1" "$2" "$3" "$4" "$5" "${6:+   ($6)}")")
}

banner() {
	printf '\n==== %s ====\n' "$*"
}

# run_stage LOG COMMAND...: run with a time limit, its output shown as it
# comes and kept in LOG. Sets STAGE_RC and STAGE_SECS.
run_stage() {
	local log=$1
	shift
	local start=$SECONDS
	: >"$log"
	# Started in the background so that a signal reaches our trap at once.
	timeout -k 15 "$STAGE_TIMEOUT" "$@" </dev/null >"$log" 2>&1 &
	STAGE_PID=$!
	tail -n +1 -s 0.2 -f --pid="$STAGE_PID" "$log" &
	TAIL_PID=$!
	STAGE_RC=0
	wait "$STAGE_PID" || STAGE_RC=$?
	STAGE_PID=
	wait "$TAIL_PID" || true
	TAIL_PID=
	STAGE_SECS=$((SECONDS - start))
	if [ "$STAGE_RC" = 124 ] || [ "$STAGE_RC" = 137 ]; then
		echo "!! stopped after ${STAGE_TIMEOUT} s (KH_STAGE_TIMEOUT)"
	fi
}

# Counts of a stage whose exit status disagrees with them: a non-zero exit
# with no failed test counted is one failure.
# settle NAME PASSED FAILED SKIPPED
settle() {
	local note=
	local failed=$3
	if [ "$STAGE_RC" != 0 ] && [ "$failed" = 0 ]; then
		failed=1
		note="exited $STAGE_RC with no failing test counted: see its output"
		echo "!! $1: $note"
	fi
	record "$1" "$2" "$failed" "$4" "$STAGE_SECS" "$note"
}

# A stage that printed no counts it can be read from: one failure.
no_counts() {
	local note="exited $STAGE_RC without counts (crash?): counted as 1 failure"
	[ "$STAGE_RC" != 0 ] || note="printed no counts: counted as 1 failure"
	echo "!! $1: $note"
	record "$1" 0 1 0 "$STAGE_SECS" "$note"
}

# unit NAME BINARY: a Criterion binary. Counts come from its JSON report
# (passed, failed including crashes, skipped), else its Synthesis line.
unit() {
	local name=$1 bin=$2
	local log="$WORK/$name.log" json="$WORK/$name.json"
	banner "$name: $bin"
	if [ ! -x "$bin" ]; then
		echo "!! $bin is missing"
		STAGE_RC=127 STAGE_SECS=0
		no_counts "$name"
		return
	fi
	rm -f "$json"
	run_stage "$log" "$bin" --timeout 120 --json="$json"
	local p f s line
	# A test whose body passed but whose process then failed (a leak found
	# at exit, a crash in teardown) is a failure, not a pass.
	local late
	late=$(grep -a -c 'crashed during its setup or teardown' "$log" || true)
	if [ -s "$json" ] && p=$(json_count "$json" passed) &&
	    f=$(json_count "$json" failed) && s=$(json_count "$json" skipped); then
		late_failures "$name" "$p" "$f" "$s" "${late:-0}"
		return
	fi
	line=$(grep -a 'Synthesis: Tested:' "$log" | tail -n 1 || true)
	if [ -n "$line" ]; then
		p=$(sed -n 's/.*Passing: *\([0-9][0-9]*\).*/\1/p' <<<"$line")
		f=$(sed -n 's/.*Failing: *\([0-9][0-9]*\).*/\1/p' <<<"$line")
		late_failures "$name" "${p:-0}" "${f:-0}" 0 "${late:-0}"
		return
	fi
	no_counts "$name"
}

# late_failures NAME PASSED FAILED SKIPPED LATE
late_failures() {
	local p=$2 f=$3 late=$5
	[ "$late" -le "$p" ] || late=$p
	settle "$1" $((p - late)) $((f + late)) "$4"
}

# The top-level "passed": N of Criterion's JSON report (the first one).
json_count() {
	local n
	n=$(grep -m 1 -E "^  \"$2\": *[0-9]+" "$1" | grep -oE '[0-9]+' || true)
	[ -n "$n" ] || return 1
	printf '%s\n' "$n"
}

# Node 18 (Debian 12's) has no --test-timeout and, before 18.19, no
# --test-concurrency: use each only when this node knows it.
NODE_TEST_FLAGS=()
for flag in --test-concurrency="$JOBS" --test-timeout=300000; do
	if node "$flag" -e 0 >/dev/null 2>&1; then
		NODE_TEST_FLAGS+=("$flag")
	fi
done

# node_tests NAME FILES...: node's test runner with the TAP reporter.
# Passed: "# pass"; failed: "# fail" + "# cancelled"; skipped: "# skipped"
# + "# todo".
node_tests() {
	local name=$1
	shift
	local log="$WORK/$name.log"
	banner "$name: $*"
	run_stage "$log" node --test --test-reporter=tap "${NODE_TEST_FLAGS[@]}" "$@"
	local p f c s t
	p=$(tap_count "$log" pass)
	f=$(tap_count "$log" fail)
	c=$(tap_count "$log" cancelled)
	s=$(tap_count "$log" skipped)
	t=$(tap_count "$log" todo)
	if [ -z "$p" ] || [ -z "$f" ]; then
		no_counts "$name"
		return
	fi
	settle "$name" "$p" $((f + ${c:-0})) $((${s:-0} + ${t:-0}))
}

tap_count() {
	grep -a -E "^# $2 [0-9]+\$" "$1" | tail -n 1 | grep -oE '[0-9]+$' || true
}

shopt -s nullglob
INTEGRATION=(tests/integration/*.test.mjs)
E2E=(tests/e2e/*.test.mjs)
shopt -u nullglob

# --- PostgreSQL ---------------------------------------------------------
if [ "${KH_TEST_NO_PG:-}" = 1 ]; then
	echo "PostgreSQL: skipped (KH_TEST_NO_PG=1)"
else
	banner "PostgreSQL"
	pg_start_at=$SECONDS
	if pg_start; then
		echo "PostgreSQL on 127.0.0.1:$KH_PG_PORT ($((SECONDS - pg_start_at)) s)"
	else
		echo "!! PostgreSQL did not start: running on SQLite only"
		record "postgresql" 0 1 0 $((SECONDS - pg_start_at)) \
		    "could not start the test cluster"
		pg_stop || true
	fi
fi

# --- the stages ---------------------------------------------------------
# Whatever the tests leave in the temporary folder goes at exit.
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"

# Each unit run gets its own empty PostgreSQL database.
unit_pg() {
	[ -n "${KH_PG_DIR:-}" ] || return 0
	local url
	if url=$(pg_create_db "$1"); then
		export KHUYENHOC_TEST_PG="$url"
	else
		echo "!! could not create the database $1"
	fi
}

unit_pg kh_unit
unit "unit" "$BUILD/unit-tests"

if [ ${#INTEGRATION[@]} -gt 0 ]; then
	export KH_BIN="$BUILD/khuyenhoc"
	node_tests "integration" "${INTEGRATION[@]}"
else
	echo "integration: no test files"
fi

if [ ${#E2E[@]} -gt 0 ]; then
	export KH_BIN="$BUILD/khuyenhoc"
	node_tests "browser" "${E2E[@]}"
else
	echo "browser: no test files"
fi

if [ "${KH_TEST_NO_ASAN:-}" = 1 ]; then
	echo "sanitizer stages: skipped (KH_TEST_NO_ASAN=1)"
else
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
	unit_pg kh_unit_asan
	unit "unit-asan" "$ASAN_BUILD/unit-tests"
	if [ ${#INTEGRATION[@]} -gt 0 ]; then
		export KH_BIN="$ASAN_BUILD/khuyenhoc"
		node_tests "integration-asan" "${INTEGRATION[@]}"
	fi
	unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
fi

# --- summary ------------------------------------------------------------
banner "summary"
printf '%s\n' "${REPORT[@]}"
echo
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
if [ "$TOTAL_FAIL" = 0 ]; then
	exit 0
fi
exit 1
