#!/bin/sh
# cov-dedupe's chunked scan (lib/csvscan) changes nothing but speed: each
# case runs the record path (COV_FASTSCAN=0), the scan with its threads,
# the scan in one thread (COV_PREFETCH=0), with 16-byte blocks where the
# processor has 64-byte ones (COV_AVX2=0), with AVX2 where it has AVX-512
# (COV_AVX512=0), without VBMI2 where it has that (COV_VBMI2=0) and
# mapping a file where it would read it (COV_MMAP=1);
# stdout, stderr, the exit status, --rejects and --stats must be
# byte-identical.  The inputs span several chunks (512 KiB read, 2 MiB
# mapped) and hold what the scan must leave to the reader: malformed
# records (bad quotes, wrong width, invalid UTF-8, an unterminated quote),
# quoted line breaks and CRs, quotes the writer would not write, blank and
# CRLF lines, a record longer than a chunk, a last line without a line
# end; read as one file, two files, a pipe, stdin (from its start, and
# from a later line), gzip'd, with a small --memory (the table fills
# during the scan).
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per check.
set -u
. "$(dirname "$0")/lib/ways.sh"
ways_setup fastscan

cov-gen contacts --rows 40000 --seed 5 -o "$T/clean.csv" || exit 1
cov-gen contacts --rows 30000 --seed 6 --style salesforce --crlf \
	-o "$T/sf.csv" || exit 1
cov-gen contacts --rows 30000 --seed 7 --style hubspot -o "$T/hs.csv" || exit 1
# odd but well-formed records: quoted line breaks, a quoted CR, quotes the
# writer drops ("Ann", ""), a doubled quote in the key, blank lines (LF,
# CRLF), a quote inside an unquoted field; far into the file too
awk -F, 'NR == 3 { print "c1,,\"Ann\",Lee,\"ann@x.org\",t,\"A \"\"B\"\" Co\",,,,,,,,"; print "" }
     NR == 500 { print "c2,,Bo,\"Li\nLa\",bo@x.org,\"VP,\nSales\",Co,,,,,,,,"; printf "\r\n" }
     NR == 14000 { print "c3,,Cy,\"Q\rR\",cy@x.org,,\"\",,,,,,,,"; print "c4,,Di,a\"b,di@x.org,,Co,,,,,,,," }
     NR == 14001 { print "c5,,Ed,Fu,\"ed@x.org\",,\"Fu \"\"Big\"\" Ltd\",,,,,,,,"; print "c5,,Ed,Fu,ED@X.ORG,,x,,,,,,,," }
     { print }' "$T/clean.csv" >"$T/odd.csv"
# malformed records at the start, around chunk edges and at the end
awk 'NR == 2 { print "\"a\"b,x" }
     NR == 11500 { print "only,three,fields" }
     NR == 11501 { print "\"bad\"quote,1" }
     NR == 23000 { printf "\377\376,broken\n" }
     NR == 34000 { print "short" }
     { print }
     END { print "\"never closed,x" }' "$T/clean.csv" >"$T/dirty.csv"
awk 'NR == 30000 { print "short" } { print }' "$T/clean.csv" >"$T/late.csv"
head -n 20001 "$T/odd.csv" >"$T/a.csv"
{ head -n 1 "$T/odd.csv"; tail -n +20002 "$T/odd.csv"; } >"$T/b.csv"
gzip -c "$T/odd.csv" >"$T/odd.csv.gz"
# a 3 MiB record, longer than a chunk, in the middle
{
	head -n 9000 "$T/clean.csv"
	printf 'big,,A,B,a@big.org,"'
	head -c 3145728 /dev/zero | tr '\0' 'x'
	printf '",,,,,,,,,\n'
	tail -n +9001 "$T/clean.csv"
} >"$T/big.csv"
# no line end after the last record
head -c -1 "$T/hs.csv" >"$T/noeol.csv"

# each case seven ways (lib/ways.sh)
WAYS="COV_FASTSCAN=0 - COV_PREFETCH=0 COV_AVX2=0 COV_AVX512=0 COV_VBMI2=0 COV_MMAP=1"
WHAT="between the record path and the scan"
run() { ways "$@"; }

S="--stats stats.json"
run clean cov-dedupe $S "$T/clean.csv"
run exact cov-dedupe -k email --exact $S "$T/clean.csv"
run fields cov-dedupe -k company,last_name $S "$T/odd.csv"
run odd cov-dedupe $S "$T/odd.csv"
run odd-exact cov-dedupe -k first_name,company --exact $S "$T/odd.csv"
run salesforce-crlf cov-dedupe $S "$T/sf.csv"
run hubspot cov-dedupe -o out.csv.gz $S "$T/hs.csv"
run dirty cov-dedupe --rejects rej.csv $S "$T/dirty.csv"
# a run that fails writes no named output at all (and how much of it had
# reached a pipe by then depends on buffering): -o
run dirty-stop cov-dedupe -o out.csv $S "$T/dirty.csv"
run late-stop cov-dedupe -o out.csv $S "$T/late.csv"
run two cov-dedupe $S "$T/a.csv" "$T/b.csv"
run gz cov-dedupe $S "$T/odd.csv.gz"
run pipe sh -c "cat '$T/odd.csv' | cov-dedupe --stats stats.json"
run stdin sh -c "cov-dedupe --stats stats.json <'$T/odd.csv'"
# stdin a file whose first lines another program read: the scan maps from
# the header after them
{ printf 'note %s\n' 1 2 3 4 5; cat "$T/clean.csv"; } >"$T/pre.csv"
run offset sh -c "{ head -n 5 >/dev/null; cov-dedupe --stats stats.json; } <'$T/pre.csv'"
run big cov-dedupe $S "$T/big.csv"
run noeol cov-dedupe $S "$T/noeol.csv"
run memory cov-dedupe --memory 256K $S "$T/clean.csv"
run excel cov-dedupe --excel-safe $S "$T/odd.csv"
# on a pipe, what a failed run wrote is whole records
cov-dedupe "$T/late.csv" 2>/dev/null | tail -c 1 | od -An -c | grep -q '\\n' &&
	echo "  ok: late-stop on a pipe ends with a whole record" ||
	{ echo "  FAIL: late-stop on a pipe ends mid-record"; fail=1; }
exit $fail
