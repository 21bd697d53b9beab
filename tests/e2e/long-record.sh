#!/bin/sh
# A record over the 64 MiB limit stops the run with exit status 1 and
# "cov-TOOL: FILE:LINE: ..." naming the record's first line: blank lines
# (LF and CRLF) and quoted line breaks before it counted, whether it is
# the first record or comes after thousands; CSV, TSV and NDJSON; a file,
# stdin, gzip.  One line too long says "line longer than 64 MiB"; only a
# CSV record of several lines (a quote left open) gets the quote hint.
# The CSV cases run every way the records can be read: the reading thread
# and cov-dedupe's chunked scan on and off.  The inputs are made here (65
# MiB each, one at a time) and removed at exit.
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per check.
set -u
. "$(dirname "$0")/lib/ways.sh"
ways_setup long-record
cd "$T" || exit 1
LINE='line longer than 64 MiB'
RECORD='record longer than 64 MiB (unterminated quote?)'
ALL="cov-cat cov-dedupe cov-normalize cov-validate"
EVERY="- COV_FASTSCAN=0 COV_PREFETCH=0"

# x: 65 MiB of x, no line end
head -c 68157440 /dev/zero | tr '\0' x >x || exit 1

# run1 LINE MSG WAY TOOL [-]: TOOL (options after a +) with WAY (an
# environment assignment, or - for none) on in.data (or, given -, on
# stdin) must exit 1 saying exactly "TOOL: FILE:LINE: MSG"; bad=1 if not
run1() {
	cmd=$(echo "$4" | tr + ' ') way=$3 file=${5:-in.data}
	[ "$way" = - ] && way=
	if [ "$file" = - ]; then
		env $way $cmd <in.data >/dev/null 2>err
	else
		env $way $cmd "$file" >/dev/null 2>err
	fi
	rc=$?
	want="${4%%+*}: $file:$1: $2"
	[ $rc -eq 1 ] && [ "$(cat err)" = "$want" ] && return
	echo "  FAIL: $name: $cmd ($3): exit $rc"
	echo "    got:  $(head -c 300 err)"
	echo "    want: $want"
	bad=1 fail=1
}

# expect NAME LINE MSG TOOLS WAYS [-]: run1 for each tool and way
expect() {
	name=$1 bad=0
	for tool in $4; do
		for way in $5; do
			run1 "$2" "$3" "$way" "$tool" ${6:-}
		done
	done
	[ $bad = 1 ] || echo "  ok: $name"
}

# some NAME LINE MSG [-]: cov-dedupe every way (the scan, the record path
# with the reading thread, the scan in one thread), cov-cat as it comes
some() {
	name=$1 bad=0
	for way in $EVERY; do
		run1 "$2" "$3" "$way" cov-dedupe ${4:-}
	done
	run1 "$2" "$3" - cov-cat ${4:-}
	[ $bad = 1 ] || echo "  ok: $name"
}

# CSV: the first record, after the header
{ printf 'email,name\n"'; cat x; printf '",y\nb@x.com,z\n'; } >in.data
expect csv-first 2 "$LINE" "$ALL" "$EVERY"
some csv-first-stdin 2 "$LINE" -

# CSV: after 2000 records, blank lines (LF and CRLF) and quoted line
# breaks, read past many of the scan's chunks
cov-gen contacts --rows 2000 --seed 9 -o gen.csv || exit 1
awk 'NR % 100 == 7 { print "" } NR % 300 == 8 { printf "\r\n" }
     NR == 9 { print "c0,,Al,\"Two\nLines\",al@x.org,,\"Co\r\n, Inc\",,,,,,,," }
     { print }' gen.csv >pre.csv
n=$(($(wc -l <pre.csv) + 1))
{ cat pre.csv; printf '\n\r\n'; cat x; printf ',,,,,,,,,,,,,,\n'; } >in.data
expect csv-after-blank-lines $((n + 2)) "$LINE" "$ALL" "$EVERY"
gzip -1 -c in.data >in.gz && mv in.gz in.data
some csv-after-blank-lines-gzip $((n + 2)) "$LINE"
expect csv-after-blank-lines-gzip-stdin $((n + 2)) "$LINE" cov-cat - -

# CSV, CRLF lines
{ printf 'email,name\r\na@x.com,1\r\n\r\n'; cat x; printf ',y\r\n'; } >in.data
some csv-crlf 4 "$LINE"

# CSV: a quote left open, the record runs over many lines
{
	printf 'email,name\n\na@x.com,1\n\nq@x.com,"open\n'
	fold -w 1000 x
} >in.data
some csv-open-quote 5 "$RECORD"

# CSV: the header itself, after blank lines (seen when the format is
# detected, or by the reader with --from csv)
{ printf '\n\r\n'; cat x; printf ',name\na,b\n'; } >in.data
expect csv-header 3 "$LINE" cov-cat -
expect csv-header-from-csv 3 "$LINE" cov-cat+--from+csv -

# TSV
{ printf 'email\tname\n\na@x.com\t1\n'; cat x; printf '\ty\n'; } >in.data
some tsv 4 "$LINE"

# NDJSON: the first line, and after blank ones
{ printf '{"email":"'; cat x; printf '"}\n{"email":"b@x.com"}\n'; } >in.data
expect ndjson-first 1 "$LINE" "$ALL" -
expect ndjson-first-stdin 1 "$LINE" cov-cat - -
{ printf '{"email":"a@x.com"}\n\n \r\n{"email":"b"}\r\n{"email":"'; cat x; printf '"}\n'; } >in.data
expect ndjson-after-blank-lines 5 "$LINE" "cov-cat cov-dedupe" -
gzip -1 -c in.data >in.gz && mv in.gz in.data
expect ndjson-after-blank-lines-gzip 5 "$LINE" cov-cat -
exit $fail
