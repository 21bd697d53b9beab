#!/bin/sh
# Wide records with few fields set (an NDJSON input that has brought
# hundreds of keys, each line holding a handful) keep the list of their
# fields set, so that reading, clearing, writing, spooling and merging one
# cost what it holds (record.h): that changes nothing but speed.  Each case
# runs with the list (-) and without it (COV_SPARSE=0, every field gone
# through); stdout, stderr, the exit status and every file written must be
# byte-identical.  The input: generated contacts as NDJSON after 700 lines
# that each bring a new key, with keys of those scattered over later lines
# (text, empty, blank, null, numbers, nested values, a key twice in one
# line), malformed lines among them, and every tool and dedupe policy.
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per check.
set -u
. "$(dirname "$0")/lib/ways.sh"
ways_setup sparse

cov-gen contacts --rows 6000 --seed 11 --dup-rate 0.3 --format ndjson \
	-o "$T/c.ndjson" || exit 1
awk 'BEGIN { for (i = 0; i < 700; i++) printf "{\"k%d\":\"v%d\"}\n", i, i }
     {
	n = NR % 7
	if (n == 0) { print; next }
	sub(/}$/, "")
	printf "%s", $0
	printf ",\"k%d\":\"x%d\"", (NR * 37) % 700, NR
	if (n == 2) printf ",\"k%d\":\"\",\"k%d\":\" \"", (NR * 11) % 700, (NR * 13) % 700
	if (n == 3) printf ",\"k%d\":null,\"k%d\":42", (NR * 17) % 700, (NR * 19) % 700
	if (n == 4) printf ",\"k%d\":{\"a\":[1,2]},\"k5\":\"again\",\"k5\":\"twice\"", (NR * 23) % 700
	if (n == 5) printf ",\"k%d\":\"a,b \\\"q\\\"\"", (NR * 29) % 700
	if (n == 6) printf ",\"dated\":\"2024-%02d-%02d\"", NR % 12 + 1, NR % 27 + 1
	print "}"
     }
     NR == 2500 { print "{\"k1\":\"open" }
     NR == 4000 { print "{\"brand_new\":1,,}" }' "$T/c.ndjson" >"$T/wide.ndjson"
printf 'account_id,company,domain\nA1,Acme,acme.com\n' >"$T/acc.csv"

WAYS="- COV_SPARSE=0"
WHAT="with and without the list of fields set"
run() { ways "$@"; }
W="$T/wide.ndjson"
R="--rejects rej.ndjson"
run cat cov-cat $R "$W"
run normalize cov-normalize $R "$W"
run normalize-map cov-normalize $R --map 'k7=title,k9=notes' "$W"
run validate cov-validate $R "$W"
run match cov-match $R --accounts "$T/acc.csv" --unmatched um.ndjson "$W"
for policy in first last most-complete newest:dated; do
	run "dedupe-$policy" cov-dedupe $R --keep "$policy" --dupes d.ndjson "$W"
	run "dedupe-$policy-merge" cov-dedupe $R --keep "$policy" --merge "$W"
done
run dedupe-key cov-dedupe $R -k k5,last_name --merge --dupes d.ndjson "$W"
run dedupe-memory cov-dedupe $R --memory 64K --merge "$W"
run dedupe-partition cov-dedupe $R --partition 3 --prefix part "$W"
run pipeline sh -c "cov-normalize --rejects rej.ndjson '$W' | cov-validate | cov-dedupe --merge --dupes d.ndjson"
exit $fail
