#!/usr/bin/env bash
# make bench: figures printed as ratios against a reference measured in the
# same run, never as pass/fail timings.
#   1. subtree counts under a province and the whole country (SQLite, and
#      PostgreSQL when a test cluster can be started), against a full count;
#   2. the people import of a generated list (CSV, then .xlsx) against a
#      raw prepared-insert loop, a page of 50 people in name order;
#   3. the registered-vs-recognised roll-up of a province (1,000,000
#      citizens' and 300,000 households' registrations) against a plain
#      GROUP BY count over the same rows;
#   4. the consolidated yearly report of the whole country under both
#      structures against a plain SELECT sum() over the same rows;
#   5. requests/s of a unit page for a logged-in officer against /healthz of
#      the same server, and the server's peak resident memory under that load;
#   6. the indicators dashboard of the province (20 yearly indicators: the
#      shipped ones and generated ones up to 20) for its administrator, under
#      the structure after 1 July 2025: requests/s against /healthz in the
#      same run, and the server time of one request.
# KH_BENCH_HTTP_ONLY=1 runs sections 5 and 6 alone.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KH_BIN:-build/khuyenhoc}
tmp=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	[ -n "${PG_STARTED:-}" ] && tests/pg.sh stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ -z "${KH_BENCH_HTTP_ONLY:-}" ]; then
echo "== Subtree counts (SQLite)"
build/bench-core "sqlite:$tmp/bench.db" 20

if [ -x tests/pg.sh ] && [ -z "${KH_BENCH_NO_PG:-}" ]; then
	echo "== Subtree counts (PostgreSQL)"
	eval "$(tests/pg.sh start)"
	PG_STARTED=1
	build/bench-core "$KHUYENHOC_TEST_PG" 20
fi

echo "== People import vs raw inserts (SQLite, ${KH_BENCH_PEOPLE:-1000000} rows)"
build/bench-core people "sqlite:$tmp/people.db" "${KH_BENCH_PEOPLE:-1000000}" "$tmp"
if [ -n "${PG_STARTED:-}" ]; then
	echo "== People import vs raw inserts (PostgreSQL, ${KH_BENCH_PEOPLE_PG:-50000} rows)"
	PGOPTIONS=--client-min-messages=warning "${KH_PSQL:-psql}" -q "$KHUYENHOC_TEST_PG" \
	    -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
	build/bench-core people "$KHUYENHOC_TEST_PG" "${KH_BENCH_PEOPLE_PG:-50000}" "$tmp"
fi

echo "== Learning-models roll-up of a province (SQLite)"
build/bench-core models "sqlite:$tmp/models.db" "${KH_BENCH_CITIZENS:-1000000}" "${KH_BENCH_HOUSEHOLDS:-300000}"
rm -f "$tmp/models.db"*
if [ -n "${PG_STARTED:-}" ]; then
	echo "== Learning-models roll-up of a province (PostgreSQL)"
	PGOPTIONS=--client-min-messages=warning "${KH_PSQL:-psql}" -q "$KHUYENHOC_TEST_PG" \
	    -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
	build/bench-core models "$KHUYENHOC_TEST_PG" "${KH_BENCH_CITIZENS:-1000000}" "${KH_BENCH_HOUSEHOLDS:-300000}"
fi

echo "== Consolidated yearly report of the whole country (SQLite, ${KH_BENCH_REPORT_YEARS:-10} years)"
build/bench-core reports "sqlite:$tmp/reports.db" "${KH_BENCH_REPORT_YEARS:-10}"
if [ -n "${PG_STARTED:-}" ]; then
	echo "== Consolidated yearly report of the whole country (PostgreSQL, ${KH_BENCH_REPORT_YEARS_PG:-10} years)"
	PGOPTIONS=--client-min-messages=warning "${KH_PSQL:-psql}" -q "$KHUYENHOC_TEST_PG" \
	    -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
	build/bench-core reports "$KHUYENHOC_TEST_PG" "${KH_BENCH_REPORT_YEARS_PG:-10}"
fi

fi

echo "== HTTP: unit page for a logged-in officer vs /healthz"
db="sqlite:$tmp/http.db"
"$BIN" demo --db "$db" >/dev/null
# The dashboard is measured with 20 yearly indicators: the shipped ones, and
# generated ones over the yearly form's fields up to 20.
mkdir -p "$tmp/indicators"
shipped=$(grep -l '"form": "yearly"' data/indicators/*.json | wc -l)
fields=(members rec.family rec.clan rec.community rec.unit cdht_rec.g1 cdht_rec.g2
	cdht_rec.g3 cdht_rec.g4 boards boards_new clcs clc_classes clc_participants
	trained scholarships chapters units_bkh fund_raised fund_spent)
for i in $(seq 1 $((20 - shipped))); do
	f=${fields[$(((i - 1) % ${#fields[@]}))]}
	printf '{"code": "bench-%02d", "title_vi": "Chỉ tiêu đo %02d", "title_en": "Bench %02d",
 "form": "yearly", "numerator": "%s", "denominator": "population", "factor": 1000,
 "unit": "‰", "targets": [{"period": "2025", "op": ">=", "value": %d, "verified": true},
 {"unit_kind": "commune", "period": "2025", "op": ">=", "value": %d}]}\n' \
	    "$i" "$i" "$i" "$f" "$i" "$((i + 1))" >"$tmp/indicators/bench-$i.json"
done
"$BIN" indicator load --dir "$tmp/indicators" --db "$db" >/dev/null
KHUYENHOC_QUIET=1 "$BIN" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
	grep -q 'listening on' "$tmp/serve.out" 2>/dev/null && break
	sleep 0.1
done
url=$(grep -o 'http://[^ ]*' "$tmp/serve.out" | head -n 1)
url=${url%/}
curl -s -c "$tmp/jar" "$url/login" >"$tmp/login.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$tmp/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')
curl -s -b "$tmp/jar" -c "$tmp/jar" -o /dev/null \
	--data-urlencode "login=canbo.lechan" --data-urlencode "password=khuyenhoc-demo" \
	--data-urlencode "_csrf=$csrf" "$url/login"
session=$(awk '$6 == "kh_session" { print $7 }' "$tmp/jar")
[ -n "$session" ] || { echo "bench: could not log in" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: kh_session=$session" "$url/units/11383")
[ "$status" = 200 ] || { echo "bench: unit page answered $status" >&2; exit 1; }

rps() {
	wrk -t2 -c16 -d"${KH_BENCH_SECONDS:-5}"s "$@" | awk '/Requests\/sec/ { print $2 }'
}
health=$(rps "$url/healthz")
page=$(rps -H "Cookie: kh_session=$session" "$url/units/11383")
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
echo "reference: /healthz ${health} requests/s"
echo "unit page (officer, Phường Lê Chân): ${page} requests/s"
awk -v p="$page" -v h="$health" 'BEGIN { printf "ratio unit page / healthz: %.3f\n", p / h }'
echo "server peak RSS under load: $((hwm / 1024)) MiB"

echo "== HTTP: indicators dashboard of the province (20 indicators) vs /healthz"
curl -s -c "$tmp/jar2" "$url/login" >"$tmp/login2.html"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$tmp/login2.html" | head -n 1 | sed 's/.*value="//; s/"$//')
curl -s -b "$tmp/jar2" -c "$tmp/jar2" -o /dev/null \
	--data-urlencode "login=hkh.haiphong" --data-urlencode "password=khuyenhoc-demo" \
	--data-urlencode "_csrf=$csrf" "$url/login"
admin=$(awk '$6 == "kh_session" { print $7 }' "$tmp/jar2")
[ -n "$admin" ] || { echo "bench: could not log in" >&2; exit 1; }
dash="$url/units/31/dashboard?period=2025&structure=new"
curl -s -o "$tmp/dash.html" -H "Cookie: kh_session=$admin" "$dash"
# Every indicator is named on the page: in its overview row (one indicator
# is shown in detail), or in its own section (the page before the overview).
n_ind=$(grep -o 'data-indicator="[^"]*"' "$tmp/dash.html" | sort -u | wc -l)
[ "$n_ind" -ge 20 ] || { echo "bench: the dashboard shows $n_ind indicators" >&2; exit 1; }
# The server keeps consolidations only once the newest change of a unit is
# two seconds old (src/reports/cache.c); the demo's units were just written.
sleep 2
# Server time of one request: the mean of 20 requests made one after another
# (curl's time to the first byte of the answer, on the same machine).
ms=$(for _ in $(seq 1 20); do
	curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Cookie: kh_session=$admin" "$dash"
done | awk '{ s += $1 } END { printf "%.1f", s / NR * 1000 }')
health=$(rps "$url/healthz")
dpage=$(rps -H "Cookie: kh_session=$admin" "$dash")
echo "reference: /healthz ${health} requests/s"
echo "dashboard (administrator, Hải Phòng, 2025, ${n_ind} indicators, $(wc -c <"$tmp/dash.html") bytes): ${dpage} requests/s, ${ms} ms per request"
awk -v p="$dpage" -v h="$health" 'BEGIN { printf "ratio dashboard / healthz: %.4f\n", p / h }'
