#!/bin/sh
# The reading thread (STREAM_PREFETCH) changes nothing but speed: every
# tool that uses it is run with it and without it (COV_PREFETCH=0) on the
# same inputs, and stdout, stderr, the exit status, --rejects, --dupes and
# --stats must be byte-identical.  The inputs are generated contacts (more
# records than a few of the thread's batches) with malformed records put
# at and around batch edges, read as one file, as two files, from a pipe,
# gzip'd and as TSV; and the same without --rejects, where the first
# malformed record ends the run.
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per check.
set -u
. "$(dirname "$0")/lib/ways.sh"
ways_setup prefetch

cov-gen contacts --rows 3000 --seed 3 --style salesforce -o "$T/clean.csv" || exit 1
cov-gen accounts --accounts 300 --seed 3 --style salesforce -o "$T/acc.csv" || exit 1
# malformed records: a bad quote, too few fields, invalid UTF-8, an
# unterminated quote at the very end; at lines 2, 256-258, 1025, 2999
awk 'NR == 2 { print "\"a\"b,x" }
     NR == 256 { print "only,three,fields" }
     NR == 257 { print "\"bad\"quote,1" }
     NR == 258 { printf "\377\376,broken\n" }
     NR == 1025 { print "short" }
     { print }
     END { print "\"never closed,x" }' "$T/clean.csv" >"$T/dirty.csv"
head -n 1501 "$T/dirty.csv" >"$T/a.csv"
{ head -n 1 "$T/dirty.csv"; tail -n +1502 "$T/dirty.csv"; } >"$T/b.csv"
gzip -c "$T/dirty.csv" >"$T/dirty.csv.gz"
# one malformed record, late: the runs without --rejects stop there
awk 'NR == 1025 { print "short" } { print }' "$T/clean.csv" >"$T/late.csv"
cov-normalize "$T/clean.csv" -o "$T/norm.csv" || exit 1
# TSV: the same records, with rows of the wrong width at batch edges
cov-cat --to tsv "$T/clean.csv" |
	awk 'NR == 256 || NR == 1100 { print "a\tb" } { print }' >"$T/dirty.tsv"
awk 'NR == 700 { print "\"x\"y" } { print }' "$T/norm.csv" >"$T/norm-dirty.csv"

# each case once without the thread and once with it (lib/ways.sh)
WAYS="COV_PREFETCH=0 COV_PREFETCH=1"
WHAT="with and without the reading thread"
run() { ways "$@"; }

D=$T/dirty.csv
run cat-rejects cov-cat --rejects rej.csv --stats stats.json "$D"
run normalize-rejects cov-normalize --rejects rej.csv --stats stats.json "$D"
run normalize-two cov-normalize --rejects rej.csv --stats stats.json "$T/a.csv" "$T/b.csv"
run normalize-gz cov-normalize --rejects rej.csv "$T/dirty.csv.gz"
run normalize-stop cov-normalize "$T/late.csv"
run normalize-tsv cov-normalize --rejects rej.csv --stats stats.json "$T/dirty.tsv"
run dedupe-tsv cov-dedupe --rejects rej.csv --stats stats.json "$T/dirty.tsv"
run validate-filter sh -c "cov-validate --filter --rejects rej.csv --stats stats.json <'$T/norm-dirty.csv'"
run validate-raw cov-validate --rejects rej.csv --stats stats.json "$D"
run validate-stop cov-validate "$T/norm-dirty.csv"
run dedupe cov-dedupe --rejects rej.csv --dupes dupes.csv --stats stats.json "$D"
run dedupe-last cov-dedupe --keep last --merge --rejects rej.csv --dupes dupes.csv "$T/a.csv" "$T/b.csv"
run dedupe-stop cov-dedupe "$T/late.csv"
run match cov-match --accounts "$T/acc.csv" --rejects rej.csv --stats stats.json "$T/norm-dirty.csv"
run match-ndjson sh -c "cov-cat --to ndjson '$T/norm.csv' | cov-match --accounts '$T/acc.csv' --stats stats.json"
run match-stop cov-match --accounts "$T/acc.csv" "$T/late.csv"
exit $fail
