#!/bin/sh
# make bench: throughput and peak memory of cov beside the tools an engineer
# would otherwise use, on the same generated file in the same run.
#
#   BENCH_ROWS   contacts to generate (default 10000000, about 1.5 GB)
#   BENCH_DIR    where generated files live (default bench-data/, not in git)
#   BENCH_SLOW   set to 0 to skip csvkit (it takes minutes on the full file)
#   BENCH_PARTS  the tools' own benchmarks to run after (default: dedupe
#                match; tests/bench/TOOL.sh)
#
# Each command runs BENCH_REPEAT times (default 3; see common.sh) on a file
# already in the page cache and the median is shown; wall time and
# peak RSS come from GNU time.  The tools that read in a second thread are
# also run with COV_PREFETCH=0 (one thread), for the figure on one core.
# Ratios are against the bare libcsv parse loop (the ceiling for a
# libcsv-based reader) and against cov-cat.
set -eu
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/bench/common.sh"
F=$(bench_contacts salesforce)
[ -s "$F.gz" ] || gzip -c "$F" >"$F.gz"
Q="$DIR/contacts-quoted-1000000.csv"
if [ ! -s "$Q" ] && command -v mlr >/dev/null; then
	head -n 1000001 "$F" | mlr --csv --quote-all cat >"$Q"
fi
BYTES=$(wc -c <"$F")
RECS=$(($("$BIN/libcsv-parse" <"$F" | cut -d' ' -f1) - 1))
BENCH_WARM=$F

REF1="libcsv parse loop" REF2="cov-cat csv->csv"
bench_header "/libcsv" "/cov-cat"
echo "file: $F ($BYTES bytes, $RECS records)"
bench_run "cat (raw read)" "$BYTES" "$RECS" cat "$F"
bench_run "libcsv parse loop" "$BYTES" "$RECS" sh -c "\"$BIN/libcsv-parse\" < \"$F\""
bench_run "cov-cat csv->csv" "$BYTES" "$RECS" "$BIN/cov-cat" "$F"
bench_run "cov-cat csv->ndjson" "$BYTES" "$RECS" "$BIN/cov-cat" --to ndjson "$F"
BENCH_WARM=$F.gz
bench_run "cov-cat csv.gz->csv" "$BYTES" "$RECS" "$BIN/cov-cat" "$F.gz"
BENCH_WARM=$F
bench_run "cov-normalize" "$BYTES" "$RECS" "$BIN/cov-normalize" "$F"
bench_run "cov-normalize, one thread" "$BYTES" "$RECS" env COV_PREFETCH=0 "$BIN/cov-normalize" "$F"
if command -v mlr >/dev/null; then
	bench_run "mlr --csv cat" "$BYTES" "$RECS" mlr --csv cat "$F"
else
	echo "mlr: not installed (make deps-bench)"
fi
if [ "$SLOW" = 1 ] && command -v csvformat >/dev/null; then
	bench_run "csvformat (csvkit)" "$BYTES" "$RECS" csvformat "$F"
else
	echo "csvformat: skipped (BENCH_SLOW=0 or csvkit not installed)"
fi
# cov-validate reads what cov-normalize writes: the same records, more
# bytes.  cov-cat on that file is the limit to compare it with (MB/s).
N="$DIR/contacts-normalized-$ROWS.csv"
if [ ! -s "$N" ]; then
	"$BIN/cov-normalize" "$F" -o "$N.tmp"
	mv "$N.tmp" "$N"
fi
NB=$(wc -c <"$N")
BENCH_WARM=$N
echo "file: $N ($NB bytes, the same records normalized)"
REF2="cov-cat normalized csv->csv"
bench_header "/libcsv" "/cov-cat"
bench_run "cov-cat normalized csv->csv" "$NB" "$RECS" "$BIN/cov-cat" "$N"
bench_run "cov-validate" "$NB" "$RECS" "$BIN/cov-validate" "$N"
bench_run "cov-validate, one thread" "$NB" "$RECS" env COV_PREFETCH=0 "$BIN/cov-validate" "$N"
if command -v mlr >/dev/null; then
	bench_run "mlr filter email regex" "$NB" "$RECS" mlr --csv filter \
		'$email =~ "^[^@ ]+@[^@ ]+\.[^@ ]+$"' "$N"
fi
if [ -s "$Q" ]; then
	QB=$(wc -c <"$Q")
	BENCH_WARM=$Q
	echo "file: $Q ($QB bytes, every field quoted: the libcsv path)"
	bench_header "/libcsv" "/cov-cat"
	bench_run "libcsv parse loop" "$QB" 1000000 sh -c "\"$BIN/libcsv-parse\" < \"$Q\""
	bench_run "cov-cat csv->csv" "$QB" 1000000 "$BIN/cov-cat" "$Q"
	bench_run "cov-normalize" "$QB" 1000000 "$BIN/cov-normalize" "$Q"
fi
for part in ${BENCH_PARTS-dedupe match}; do
	[ -f "$ROOT/tests/bench/$part.sh" ] && sh "$ROOT/tests/bench/$part.sh"
done
exit 0
