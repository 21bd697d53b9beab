#!/bin/sh
# cov-dedupe beside sort -u, awk, Miller, csvkit and DuckDB on the same
# generated file (10M contacts, about 10% duplicate people), in one run.
#
#   BENCH_ROWS  contacts (default 10000000)
#   BENCH_DIR   where generated files live (default bench-data/, not in git)
#   BENCH_SLOW  0 skips csvkit (with 1 it gets BENCH_SLOW_LIMIT seconds)
#
# The peers dedupe on the email column as text, which is what they can do:
# cov-dedupe -k email --exact is the like-for-like run; the default run
# also canonicalises emails (Gmail dots and +tags, case) and falls back to
# name + company.
set -eu
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/bench/common.sh"
LIMIT=${BENCH_SLOW_LIMIT:-300}
F=$(bench_contacts canonical)
BYTES=$(wc -c <"$F")
RECS=$(($("$BIN/libcsv-parse" <"$F" | cut -d' ' -f1) - 1))
COL=$(head -n 1 "$F" | tr ',' '\n' | grep -n -x email | cut -d: -f1)
cat "$F" >/dev/null

echo
echo "== cov-dedupe: $F ($BYTES bytes, $RECS records; email is column $COL)"
REF1="cov-cat csv->csv" REF2="cov-dedupe (default key)"
bench_header "/cov-cat" "/dedupe"
bench_run "cov-cat csv->csv" "$BYTES" "$RECS" "$BIN/cov-cat" "$F"
STATS=$(mktemp)
bench_run "cov-dedupe (default key)" "$BYTES" "$RECS" "$BIN/cov-dedupe" --stats "$STATS" "$F"
KB=$BENCH_LAST_KB
bench_run "cov-dedupe -k email --exact" "$BYTES" "$RECS" "$BIN/cov-dedupe" -k email --exact "$F"
bench_run "cov-dedupe, one thread" "$BYTES" "$RECS" env COV_PREFETCH=0 "$BIN/cov-dedupe" "$F"
bench_run "cov-dedupe, record by record" "$BYTES" "$RECS" env COV_FASTSCAN=0 "$BIN/cov-dedupe" "$F"
bench_run "cov-dedupe --keep last" "$BYTES" "$RECS" "$BIN/cov-dedupe" --keep last "$F"
bench_run "sort -t, -k email -u" "$BYTES" "$RECS" sh -c "LC_ALL=C sort -t, -k$COL,$COL -u \"$F\""
bench_run "awk '!seen[\$email]++'" "$BYTES" "$RECS" awk -F, "!seen[\$$COL]++" "$F"
if command -v mlr >/dev/null; then
	bench_run "mlr head -n 1 -g email" "$BYTES" "$RECS" mlr --csv head -n 1 -g email "$F"
else
	echo "mlr: not installed (make deps-bench)"
fi
if [ "$SLOW" = 1 ] && command -v csvsql >/dev/null; then
	bench_run "csvsql GROUP BY email (${LIMIT}s limit)" "$BYTES" "$RECS" timeout "$LIMIT" \
		csvsql --query "SELECT * FROM c GROUP BY email" --tables c "$F"
else
	echo "csvkit: skipped (BENCH_SLOW=0 or csvkit not installed)"
fi
if command -v duckdb >/dev/null; then
	bench_run "duckdb DISTINCT ON (email)" "$BYTES" "$RECS" duckdb -c \
		"COPY (SELECT DISTINCT ON (email) * FROM read_csv_auto('$F')) TO '/dev/stdout' (HEADER)"
else
	echo "duckdb: not installed (no Debian package); skipped"
fi
# memory per distinct key of the default run
jq -r --arg kb "$KB" '(.rows_out - (.reasons.key_empty // 0)) as $k | ($kb | tonumber) as $kb |
	"distinct keys: \($k); peak RSS \($kb / 1024 | floor) MB: \($kb * 1024 / $k | floor) bytes a key in all; target <= 48 bytes a key + 32 MB = \((48 * $k + 33554432) / 1048576 | floor) MB"' "$STATS"
rm -f "$STATS"
