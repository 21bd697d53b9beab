#!/bin/sh
# match.sh: cov-match throughput and memory beside cov-cat and the nearest
# peer (a Miller join on the e-mail domain; DuckDB too when installed).
#
#   COV_BIN=build/bin sh tests/bench/match.sh
#
#   BENCH_ROWS      contacts to generate (default 10000000)
#   BENCH_ACCOUNTS  accounts (default 1000000)
#   BENCH_DIR       where generated files live (default bench-data/, not in
#                   git); generated once with cov-gen seed 42, style
#                   salesforce, and kept
#
# The contacts are normalised once; each command then runs once on files
# already in the page cache.  Wall time and peak RSS come from GNU time;
# MB/s and rows/s are over the normalised contacts; ratios are against
# cov-cat on the same file.  The peers are not the same job: the Miller
# join matches on the e-mail domain only (no registrable-domain reduction,
# no free-mail rule, no name or fuzzy step), so it is a floor for what an
# engineer would otherwise script, not an equal.
set -eu
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${BENCH_ROWS:-10000000}
ACCTS=${BENCH_ACCOUNTS:-1000000}
DIR=${BENCH_DIR:-$ROOT/bench-data}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed: make deps-bench" >&2; exit 3; }
mkdir -p "$DIR"
A="$DIR/accounts-$ACCTS.csv"
C="$DIR/contacts-$ROWS-of-$ACCTS.csv"
N="$DIR/contacts-normalized-$ROWS-of-$ACCTS.csv"
if [ ! -s "$A" ]; then
	echo "bench: generating $ACCTS accounts into $A"
	"$BIN/cov-gen" accounts --accounts "$ACCTS" --seed 42 --style salesforce -o "$A.tmp"
	mv "$A.tmp" "$A"
fi
if [ ! -s "$N" ]; then
	if [ ! -s "$C" ]; then
		echo "bench: generating $ROWS contacts into $C"
		"$BIN/cov-gen" contacts --rows "$ROWS" --accounts "$ACCTS" \
			--seed 42 --style salesforce -o "$C.tmp"
		mv "$C.tmp" "$C"
	fi
	echo "bench: normalising into $N"
	"$BIN/cov-normalize" "$C" -o "$N.tmp"
	mv "$N.tmp" "$N"
fi
ABYTES=$(wc -c <"$A")
NBYTES=$(wc -c <"$N")
OUT=$(mktemp)
T=$(mktemp -d)
trap 'rm -rf "$OUT" "$OUT.err" "$T"' EXIT
echo "accounts: $A ($ABYTES bytes, $ACCTS accounts)"
echo "contacts: $N ($NBYTES bytes, $ROWS rows)"
printf '%-34s %9s %9s %12s %9s %9s %9s\n' command seconds "MB/s" "rows/s" "peak MB" "/cov-cat" "RSS/accts"
CAT_S=""

# run LABEL CMD...: time one command, print a row (its inputs read
# first, to have them in the page cache: see common.sh)
run() {
	label=$1
	shift
	cat "$A" "$N" >/dev/null
	if ! $TIME -f '%e %M' -o "$OUT" "$@" >/dev/null 2>"$OUT.err"; then
		printf '%-34s failed: %s\n' "$label" "$(tail -n 1 "$OUT.err")"
		return 0
	fi
	set -- $(tail -n 1 "$OUT")
	[ "$label" = "cov-cat csv->csv" ] && CAT_S=$1
	awk -v l="$label" -v s="$1" -v kb="$2" -v b="$NBYTES" -v r="$ROWS" \
		-v cs="${CAT_S:-0}" -v ab="$ABYTES" 'BEGIN {
		if (s <= 0) s = 0.001
		rc = (cs > 0) ? sprintf("%.2f", cs / s) : "-"
		printf "%-34s %9.2f %9.1f %12.0f %9.1f %9s %9.2f\n", l, s, b / s / 1e6,
			r / s, kb / 1024, rc, kb * 1024 / ab
	}'
}

run "cov-cat csv->csv" "$BIN/cov-cat" "$N"
run "cov-match" "$BIN/cov-match" --accounts "$A" "$N"
run "cov-match --with tier,owner_id" "$BIN/cov-match" --accounts "$A" \
	--with tier,owner_id "$N"
# the load alone: accounts into tables, no contacts
head -n 1 "$N" >"$T/header.csv"
run "cov-match (accounts load only)" "$BIN/cov-match" --accounts "$A" "$T/header.csv"
if command -v mlr >/dev/null; then
	# the peer, as one would script it: the website's host on the accounts
	# side (first account per domain, no empty domain), the e-mail's
	# domain on the contacts side, an unpaired-left join (every contact
	# kept) and the account column filled in streaming
	mlr --csv put '$domain = sub(sub(sub(tolower($Website), "^https?://", ""), "^www\.", ""), "/.*$", "")' \
		then filter '$domain != ""' then head -n 1 -g domain \
		then cut -o -f 'domain,Account ID' then rename 'Account ID,acct' \
		"$A" >"$T/acc-domains.csv"
	run "mlr join on email domain" mlr --csv put \
		'$domain = sub(tolower($email), "^.*@", "")' \
		then join --ul -j domain -f "$T/acc-domains.csv" \
		then unsparsify -f acct "$N"
else
	echo "mlr: not installed (make deps-bench)"
fi
if command -v duckdb >/dev/null; then
	run "duckdb join on email domain" duckdb -c "
		COPY (SELECT c.*, a.\"Account ID\" AS acct
		FROM read_csv_auto('$N', all_varchar=true) c
		LEFT JOIN read_csv_auto('$A', all_varchar=true) a
		ON regexp_replace(lower(a.Website), '^(https?://)?(www\\.)?([^/]*).*$', '\\3')
		   = split_part(lower(c.email), '@', 2)) TO '/dev/stdout' (HEADER)"
else
	echo "duckdb: not installed, skipped"
fi
