#!/bin/sh
# cov-dedupe beside sort -u, awk, Miller, csvkit and DuckDB on the same
# generated file (10M contacts, about 10% duplicate people), in one run.
#
#   BENCH_ROWS  contacts (default 10000000)
#   BENCH_DIR   where generated files live (default bench-data/, not in git)
#   BENCH_SLOW  0 skips csvkit (with 1 it gets BENCH_SLOW_LIMIT seconds)
#   BENCH_PAIRS rounds of cov-dedupe and Miller timed in turn (default 5)
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
BENCH_WARM=$F

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
# The rows above run each command BENCH_REPEAT times in a row, so the
# Miller row is timed minutes after the cov-dedupe rows, and this
# machine's speed can drift that much.  Here the two are timed in turn,
# round by round (BENCH_PAIRS rounds, default 5): each round's ratio is
# taken at one moment; the median of them is the figure to quote.
PAIRS=${BENCH_PAIRS:-5}
if command -v mlr >/dev/null && [ "$PAIRS" -gt 0 ]; then
	echo "cov-dedupe and mlr in turn ($PAIRS rounds): seconds, and mlr's time over cov-dedupe's"
	i=0 rows=""
	while [ "$i" -lt "$PAIRS" ]; do
		i=$((i + 1))
		d=$(bench_time "$BIN/cov-dedupe" "$F")
		x=$(bench_time "$BIN/cov-dedupe" -k email --exact "$F")
		m=$(bench_time mlr --csv head -n 1 -g email "$F")
		rows="$rows$d $x $m
"
	done
	printf '%s' "$rows" | awk '
		$1 == "failed" || $2 == "failed" || $3 == "failed" { print "round " NR ": a run failed"; bad = 1; next }
		{ d[NR] = $3 / $1; x[NR] = $3 / $2
		  printf "round %d: default key %.2f s, -k email --exact %.2f s, mlr %.2f s: %.1fx, %.1fx\n", NR, $1, $2, $3, d[NR], x[NR] }
		function median(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return a[int((n + 1) / 2)]
		}
		END { if (!bad && NR) printf "median ratio to mlr: default key %.1fx, -k email --exact %.1fx (target 20x)\n", median(d, NR), median(x, NR) }'
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
