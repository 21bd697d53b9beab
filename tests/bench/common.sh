# Shared by the benchmark scripts (sourced): time one command with GNU time
# and print one row of a table.
#
#   bench_header TITLE1 TITLE2     column titles of the two ratio columns
#   bench_run LABEL BYTES RECS CMD...
#
# The two ratio columns are the command's throughput relative to the
# commands labelled $REF1 and $REF2 (their seconds / this one's: 0.80 = 80%
# of its speed, 0.20 = five times slower).  Each reference is taken from
# the first run with its label.  Each command runs BENCH_REPEAT times
# (default 3; once when a run takes a minute or more): the row shows the
# median time and the largest peak memory.  BENCH_LAST_S and
# BENCH_LAST_KB hold the last run's wall seconds and peak RSS.
#   bench_time CMD...   run CMD once (output to /dev/null) and print its
#                       wall seconds, or "failed"
#   bench_contacts STYLE [ROWS]   the path of a generated contacts file
#                                 (made once, seed 42, kept in $DIR; made
#                                 again when cov-gen's data changes)
#   BENCH_WARM=FILE     read FILE to /dev/null before every timed run, of
#                       every command alike (bench_warm)
#
# So every run starts with its input in the page cache: some machines drop
# the pages of a file nobody is reading within seconds (here a quarter of
# a 1.8 GB file in 30 s), and without this a command timed right after a
# 30-second one reads part of its input from disk while the other does not.
#
# The caller sets BIN (the tools) and ROOT (the checkout) first.
ROWS=${BENCH_ROWS:-10000000}
DIR=${BENCH_DIR:-$ROOT/bench-data}
SLOW=${BENCH_SLOW:-1}
REPEAT=${BENCH_REPEAT:-3}
mkdir -p "$DIR"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed: make deps-bench" >&2; exit 3; }
BENCH_OUT=$(mktemp)
trap 'rm -f "$BENCH_OUT" "$BENCH_OUT.err"' EXIT
REF1_S="" REF2_S=""

bench_warm() {
	if [ -n "${BENCH_WARM:-}" ]; then
		cat "$BENCH_WARM" >/dev/null
	fi
}

bench_header() {
	REF1_S="" REF2_S=""
	printf '%-40s %9s %10s %12s %9s %9s %9s %5s\n' command seconds "MB/s" "rows/s" "peak MB" "$1" "$2" runs
}

bench_run() {
	label=$1 bytes=$2 recs=$3
	shift 3
	runs=""
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		i=$((i + 1))
		bench_warm
		if ! $TIME -f '%e %M' -o "$BENCH_OUT" "$@" >/dev/null 2>"$BENCH_OUT.err"; then
			why=$(grep -v '^Command\|^	' "$BENCH_OUT.err" | tail -n 1)
			[ "$1" = timeout ] && grep -q 'status 124' "$BENCH_OUT" &&
				why="did not finish in $2 s"
			printf '%-40s failed: %s\n' "$label" "${why:-exit status $(tail -n 1 "$BENCH_OUT")}"
			BENCH_LAST_S="" BENCH_LAST_KB=""
			return 0
		fi
		runs="$runs$(tail -n 1 "$BENCH_OUT")
"
		# one run of a command that takes minutes is enough
		[ "$(tail -n 1 "$BENCH_OUT" | cut -d' ' -f1 | cut -d. -f1)" -ge 60 ] && break
	done
	# the median time of the runs, and the largest peak
	set -- $(printf '%s' "$runs" | sort -n | awk '{ s[NR] = $1; if ($2 > kb) kb = $2 }
		END { print s[int((NR + 1) / 2)], kb, NR }')
	BENCH_LAST_S=$1 BENCH_LAST_KB=$2
	[ "$label" = "${REF1:-}" ] && [ -z "$REF1_S" ] && REF1_S=$1
	[ "$label" = "${REF2:-}" ] && [ -z "$REF2_S" ] && REF2_S=$1
	awk -v l="$label" -v s="$1" -v kb="$2" -v b="$bytes" -v r="$recs" \
		-v r1="${REF1_S:-0}" -v r2="${REF2_S:-0}" -v n="$3" 'BEGIN {
		if (s <= 0) s = 0.001
		c1 = (r1 > 0) ? sprintf("%.2f", r1 / s) : "-"
		c2 = (r2 > 0) ? sprintf("%.2f", r2 / s) : "-"
		printf "%-40s %9.2f %10.1f %12.0f %9.1f %9s %9s %5d\n", l, s, b / s / 1e6, r / s, kb / 1024, c1, c2, n
	}'
}

bench_time() {
	bench_warm
	if $TIME -f '%e' -o "$BENCH_OUT" "$@" >/dev/null 2>"$BENCH_OUT.err"; then
		tail -n 1 "$BENCH_OUT"
	else
		echo failed
	fi
}

bench_contacts() {
	# named by a checksum of the generator's first 20,000 rows, so that a
	# file from a generator that writes other data is made again
	v=$("$BIN/cov-gen" contacts --rows 20000 --seed 42 --style "$1" | cksum | cut -d' ' -f1)
	f="$DIR/contacts-$1-${2:-$ROWS}-$v.csv"
	if [ ! -s "$f" ]; then
		echo "bench: generating ${2:-$ROWS} contacts into $f" >&2
		"$BIN/cov-gen" contacts --rows "${2:-$ROWS}" --seed 42 --style "$1" -o "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
