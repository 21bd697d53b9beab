#!/bin/sh
# make bench: throughput and peak memory of cov beside the tools an engineer
# would otherwise use, on the same generated file in the same run.
#
#   BENCH_ROWS   contacts to generate (default 10000000, about 1.5 GB)
#   BENCH_DIR    where generated files live (default bench-data/, not in git)
#   BENCH_SLOW   set to 0 to skip csvkit (it takes minutes on the full file)
#
# Each command runs once on a file already in the page cache; wall time and
# peak RSS come from GNU time.  Ratios are against the bare libcsv parse
# loop (the ceiling for a libcsv-based reader) and against cov-cat.
set -eu
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${BENCH_ROWS:-10000000}
DIR=${BENCH_DIR:-$ROOT/bench-data}
SLOW=${BENCH_SLOW:-1}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed: make deps-bench" >&2; exit 3; }
mkdir -p "$DIR"
F="$DIR/contacts-$ROWS.csv"
if [ ! -s "$F" ]; then
	echo "bench: generating $ROWS contacts into $F"
	"$BIN/cov-gen" contacts --rows "$ROWS" --seed 42 --style salesforce -o "$F.tmp"
	mv "$F.tmp" "$F"
fi
[ -s "$F.gz" ] || gzip -c "$F" >"$F.gz"
Q="$DIR/contacts-quoted-1000000.csv"
if [ ! -s "$Q" ] && command -v mlr >/dev/null; then
	head -n 1000001 "$F" | mlr --csv --quote-all cat >"$Q"
fi
BYTES=$(wc -c <"$F")
RECS=$(($("$BIN/libcsv-parse" <"$F" | cut -d' ' -f1) - 1))
cat "$F" >/dev/null

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
printf '%-38s %9s %10s %12s %9s %8s %8s\n' command seconds "MB/s" "rows/s" "peak MB" "/libcsv" "/cov-cat"
LIBCSV_S="" CAT_S=""

# run LABEL BYTES RECS CMD...: time one command, print a row
run() {
	label=$1 bytes=$2 recs=$3
	shift 3
	if ! $TIME -f '%e %M' -o "$OUT" "$@" >/dev/null 2>"$OUT.err"; then
		printf '%-38s failed: %s\n' "$label" "$(tail -n 1 "$OUT.err")"
		return 0
	fi
	set -- $(tail -n 1 "$OUT")
	secs=$1 kb=$2
	[ "$label" = "libcsv parse loop" ] && LIBCSV_S=$secs
	[ "$label" = "cov-cat csv->csv" ] && CAT_S=$secs
	awk -v l="$label" -v s="$secs" -v kb="$kb" -v b="$bytes" -v r="$recs" \
		-v ls="${LIBCSV_S:-0}" -v cs="${CAT_S:-0}" 'BEGIN {
		if (s <= 0) s = 0.001
		rl = (ls > 0) ? sprintf("%.2f", ls / s) : "-"
		rc = (cs > 0) ? sprintf("%.2f", cs / s) : "-"
		printf "%-38s %9.2f %10.1f %12.0f %9.1f %8s %8s\n", l, s, b / s / 1e6, r / s, kb / 1024, rl, rc
	}'
}

echo "file: $F ($BYTES bytes, $RECS records)"
run "cat (raw read)" "$BYTES" "$RECS" cat "$F"
run "libcsv parse loop" "$BYTES" "$RECS" sh -c "\"$BIN/libcsv-parse\" < \"$F\""
run "cov-cat csv->csv" "$BYTES" "$RECS" "$BIN/cov-cat" "$F"
run "cov-cat csv->ndjson" "$BYTES" "$RECS" "$BIN/cov-cat" --to ndjson "$F"
run "cov-cat csv.gz->csv" "$BYTES" "$RECS" "$BIN/cov-cat" "$F.gz"
run "cov-normalize" "$BYTES" "$RECS" "$BIN/cov-normalize" "$F"
# cov-validate reads what cov-normalize writes: the same records, more
# bytes.  cov-cat on that file is the limit to compare it with (MB/s).
N="$DIR/contacts-normalized-$ROWS.csv"
if [ ! -s "$N" ]; then
	"$BIN/cov-normalize" "$F" -o "$N.tmp"
	mv "$N.tmp" "$N"
fi
NB=$(wc -c <"$N")
run "cov-cat normalized csv->csv" "$NB" "$RECS" "$BIN/cov-cat" "$N"
run "cov-validate" "$NB" "$RECS" "$BIN/cov-validate" "$N"
if command -v mlr >/dev/null; then
	run "mlr filter email regex" "$NB" "$RECS" mlr --csv filter \
		'$email =~ "^[^@ ]+@[^@ ]+\.[^@ ]+$"' "$N"
fi
if command -v mlr >/dev/null; then
	run "mlr --csv cat" "$BYTES" "$RECS" mlr --csv cat "$F"
else
	echo "mlr: not installed (make deps-bench)"
fi
if [ "$SLOW" = 1 ] && command -v csvformat >/dev/null; then
	run "csvformat (csvkit)" "$BYTES" "$RECS" csvformat "$F"
else
	echo "csvformat: skipped (BENCH_SLOW=0 or csvkit not installed)"
fi
if [ -s "$Q" ]; then
	QB=$(wc -c <"$Q")
	echo "file: $Q ($QB bytes, every field quoted: the libcsv path)"
	LIBCSV_S="" CAT_S=""
	run "libcsv parse loop" "$QB" 1000000 sh -c "\"$BIN/libcsv-parse\" < \"$Q\""
	run "cov-cat csv->csv" "$QB" 1000000 "$BIN/cov-cat" "$Q"
	run "cov-normalize" "$QB" 1000000 "$BIN/cov-normalize" "$Q"
fi
