#!/bin/sh
# gen.sh: end-to-end checks of the test-data generator cov-gen.
#
#   COV_BIN=build/bin sh tests/e2e/gen.sh
#
# Determinism (same seed and options: the same bytes; another seed: other
# bytes), row counts, agreement between kinds generated separately and
# together, the ground truth, header styles, NDJSON shape, CRLF, usage and
# write errors.  Records are counted without a CSV library: through the
# truth file (one line per contact, nothing quoted), through NDJSON (one line
# per record, newlines escaped), and with cov-cat when it has been built.
# Prints "gen: N passed, N failed"; exits 1 when anything failed.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding cov-gen}
GEN="$BIN/cov-gen"
[ -x "$GEN" ] || { echo "gen: $GEN not found" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }
check() { # DESCRIPTION COMMAND...: passes when COMMAND succeeds
	what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
lines() { wc -l <"$1" | tr -d ' '; }
# records in a CSV file with a header, counted by cov-cat through NDJSON
records() { "$BIN/cov-cat" --to ndjson "$1" | wc -l | tr -d ' '; }

# ---- determinism -------------------------------------------------------------
"$GEN" contacts --seed 42 --rows 3000 --accounts 200 -o "$T/a.csv" --truth "$T/a.truth" || bad "contacts run"
"$GEN" contacts --seed 42 --rows 3000 --accounts 200 -o "$T/b.csv" --truth "$T/b.truth" || bad "contacts rerun"
"$GEN" contacts --seed 43 --rows 3000 --accounts 200 -o "$T/c.csv" || bad "contacts other seed"
check "same seed, same contacts bytes" cmp -s "$T/a.csv" "$T/b.csv"
check "same seed, same truth bytes" cmp -s "$T/a.truth" "$T/b.truth"
check "other seed, other bytes" sh -c '! cmp -s "$1" "$2"' - "$T/a.csv" "$T/c.csv"
"$GEN" contacts --seed 42 --rows 3000 --accounts 200 >"$T/stdout.csv"
check "stdout and -o give the same bytes" cmp -s "$T/a.csv" "$T/stdout.csv"
for kind in accounts reps assets activities; do
	"$GEN" $kind --seed 9 --accounts 150 --contacts 500 >"$T/k1" &&
		"$GEN" $kind --seed 9 --accounts 150 --contacts 500 >"$T/k2" &&
		"$GEN" $kind --seed 10 --accounts 150 --contacts 500 >"$T/k3"
	check "$kind: same seed same bytes" cmp -s "$T/k1" "$T/k2"
	check "$kind: other seed other bytes" sh -c '! cmp -s "$1" "$2"' - "$T/k1" "$T/k3"
done

# ---- row counts ----------------------------------------------------------------
check "truth has one line per contact plus a header" test "$(lines "$T/a.truth")" -eq 3001
check "truth header" test "$(head -n 1 "$T/a.truth")" = "contact_id,true_account_id,dup_of,person_id"
"$GEN" contacts --seed 42 --rows 3000 --accounts 200 --format ndjson -o "$T/a.ndjson"
check "ndjson: one line per contact" test "$(lines "$T/a.ndjson")" -eq 3000
check "ndjson: every line an object" sh -c '! grep -qv "^{.*}\$" "$1"' - "$T/a.ndjson"
check "ndjson: no header line" sh -c '! grep -q "^contact_id" "$1"' - "$T/a.ndjson"
if command -v jq >/dev/null 2>&1; then
	check "ndjson: valid JSON with 15 fields" sh -c \
		'test "$(jq -c "keys|length" "$1" | sort -u)" = 15' - "$T/a.ndjson"
else
	echo "gen: skipped: jq not found (NDJSON validity)"
fi
for n in 0 1 7 100; do
	"$GEN" assets --rows $n --format ndjson >"$T/n.ndjson"
	check "assets --rows $n" test "$(lines "$T/n.ndjson")" -eq $n
done
"$GEN" accounts --accounts 120 --format ndjson >"$T/acc.ndjson"
check "accounts: --accounts rows" test "$(lines "$T/acc.ndjson")" -eq 120
"$GEN" reps --reps 9 --format ndjson >"$T/reps.ndjson"
check "reps: --reps rows" test "$(lines "$T/reps.ndjson")" -eq 9
"$GEN" reps --accounts 400 --format ndjson >"$T/reps.ndjson"
check "reps: one per 40 accounts by default" test "$(lines "$T/reps.ndjson")" -eq 10
"$GEN" activities --rows 777 --contacts 50 --accounts 20 --format ndjson >"$T/act.ndjson"
check "activities --rows" test "$(lines "$T/act.ndjson")" -eq 777
"$GEN" contacts --seed 5 --rows 2000 --style hubspot --crlf >"$T/crlf.csv"
if [ -x "$BIN/cov-cat" ]; then
	check "cov-cat counts every contact record" test "$(records "$T/a.csv")" -eq 3000
	check "cov-cat counts CRLF records" test "$(records "$T/crlf.csv")" -eq 2000
else
	echo "gen: skipped: $BIN/cov-cat not built (CSV record counts)"
fi

# ---- duplicates and the ground truth --------------------------------------------
dups=$(awk -F, 'NR > 1 && $3 != "" { n++ } END { print n + 0 }' "$T/a.truth")
check "about 10% duplicates by default ($dups of 3000)" test "$dups" -ge 200 -a "$dups" -le 400
"$GEN" contacts --rows 3000 --dup-rate 0 --truth "$T/nodup.truth" >/dev/null
check "--dup-rate 0: no duplicates" awk -F, 'NR > 1 && $3 != "" { exit 1 }' "$T/nodup.truth"
"$GEN" contacts --rows 3000 --dup-rate 0.5 --truth "$T/half.truth" >/dev/null
dups=$(awk -F, 'NR > 1 && $3 != "" { n++ } END { print n + 0 }' "$T/half.truth")
check "--dup-rate 0.5 ($dups of 3000)" test "$dups" -ge 1350 -a "$dups" -le 1650
check "dup_of names an earlier original row of the same person" awk -F, '
	NR == 1 { next }
	{ if ($3 == "") { person[$1] = $4 } else if (!($3 in person) || person[$3] != $4) exit 1 }' "$T/half.truth"
check "a person keeps one true account" awk -F, '
	NR == 1 { next }
	{ if ($4 in acc && acc[$4] != $2) exit 1; acc[$4] = $2 }' "$T/half.truth"

# ---- kinds agree ---------------------------------------------------------------
"$GEN" accounts --seed 42 --accounts 200 >"$T/accounts.csv"
grep -o '^001[0-9A-Za-z]\{15\}' "$T/accounts.csv" | sort -u >"$T/acc.ids"
check "accounts: 200 distinct ids" test "$(lines "$T/acc.ids")" -eq 200
awk -F, 'NR > 1 && $2 != "" { print $2 }' "$T/a.truth" | sort -u >"$T/true.ids"
check "some contacts have a true account" test -s "$T/true.ids"
check "every true_account_id is an account" sh -c '[ -z "$(comm -23 "$1" "$2")" ]' - "$T/true.ids" "$T/acc.ids"
awk -F, 'NR > 1 && $2 == "" { n++ } END { exit !(n > 0) }' "$T/a.truth"
check "some contacts have no company (free-mail only)" test $? -eq 0
"$GEN" activities --seed 42 --rows 2000 --contacts 3000 --accounts 200 >"$T/act.csv"
awk -F, 'NR > 1 { print $2 }' "$T/act.csv" | sort -u >"$T/act.contacts"
awk -F, 'NR > 1 { print $1 }' "$T/a.truth" | sort -u >"$T/contact.ids"
check "activities name contacts that exist" sh -c '[ -z "$(comm -23 "$1" "$2")" ]' - "$T/act.contacts" "$T/contact.ids"
awk -F, 'NR > 1 && $3 != "" { print $3 }' "$T/act.csv" | sort -u >"$T/act.accounts"
check "activities name accounts that exist" sh -c '[ -z "$(comm -23 "$1" "$2")" ]' - "$T/act.accounts" "$T/acc.ids"
check "some accounts are never touched" sh -c '[ -n "$(comm -13 "$1" "$2")" ]' - "$T/act.accounts" "$T/acc.ids"
"$GEN" reps --seed 42 --accounts 200 | awk -F, 'NR > 1 { print $1 }' | sort -u >"$T/rep.ids"
awk -F, 'NR > 1 && $6 != "" { print $6 }' "$T/act.csv" | sort -u >"$T/act.owners"
check "activity owners are reps" sh -c '[ -z "$(comm -23 "$1" "$2")" ]' - "$T/act.owners" "$T/rep.ids"

# all writes the same bytes as the kinds one by one
"$GEN" all --seed 42 --rows 3000 --accounts 200 --activities 2000 --dir "$T/all" || bad "all run"
check "all: contacts" cmp -s "$T/all/contacts.csv" "$T/a.csv"
check "all: truth" cmp -s "$T/all/truth.csv" "$T/a.truth"
check "all: accounts" cmp -s "$T/all/accounts.csv" "$T/accounts.csv"
check "all: activities" cmp -s "$T/all/activities.csv" "$T/act.csv"
"$GEN" reps --seed 42 --accounts 200 >"$T/reps.csv"
check "all: reps" cmp -s "$T/all/reps.csv" "$T/reps.csv"
"$GEN" assets --seed 42 >"$T/assets.csv"
check "all: assets" cmp -s "$T/all/assets.csv" "$T/assets.csv"

# ---- styles, formats -------------------------------------------------------------
check "canonical header" test "$(head -n 1 "$T/a.csv" | cut -d, -f1-5)" = "contact_id,account_id,first_name,last_name,email"
"$GEN" contacts --rows 50 --style salesforce >"$T/sf.csv"
check "salesforce header" test "$(head -n 1 "$T/sf.csv" | cut -d, -f1-4)" = "Contact ID,First Name,Last Name,Title"
check "salesforce ids" grep -q '^003[0-9A-Za-z]\{15\},' "$T/sf.csv"
"$GEN" contacts --rows 50 --style hubspot >"$T/hs.csv"
check "hubspot header" test "$(head -n 1 "$T/hs.csv" | cut -d, -f1-4)" = "Record ID,First Name,Last Name,Email"
check "hubspot numeric ids" grep -q '^[0-9]\{11\},' "$T/hs.csv"
"$GEN" accounts --accounts 30 --style hubspot >"$T/hsacc.csv"
check "hubspot accounts header" test "$(head -n 1 "$T/hsacc.csv" | cut -d, -f1-2)" = "Record ID,Company name"
check "--crlf ends the header with CR LF" sh -c 'head -n 1 "$1" | od -c | grep -q "\\\\r  *\\\\n"' - "$T/crlf.csv"
check "LF by default" sh -c '! head -n 1 "$1" | od -c | grep -q "\\\\r"' - "$T/a.csv"
check "quoted fields with doubled quotes appear" grep -q '""' "$T/a.csv"
check "as-of moves dates" sh -c '! cmp -s "$1" "$2"' - "$T/act.csv" "$(
	"$GEN" activities --seed 42 --rows 2000 --contacts 3000 --accounts 200 --as-of 2025-06-30 >"$T/act2.csv"; echo "$T/act2.csv")"
check "activities before --as-of" awk -F, 'NR > 1 && substr($5, 1, 10) >= "2026-11-01" { exit 1 }' "$T/act.csv"

# ---- errors ------------------------------------------------------------------------
usage_rc() { "$GEN" "$@" >/dev/null 2>&1; test $? -eq 2; }
check "no KIND: exit 2" usage_rc
check "unknown KIND: exit 2" usage_rc nonsense
check "bad --rows: exit 2" usage_rc contacts --rows -3
check "bad --style: exit 2" usage_rc contacts --style excel
check "bad --dup-rate: exit 2" usage_rc contacts --dup-rate 1.5
check "bad --as-of: exit 2" usage_rc contacts --as-of 2026-02-30
check "--truth with accounts: exit 2" usage_rc accounts --truth x
check "all without --dir: exit 2" usage_rc all
check "--help: exit 0" sh -c '"$1" --help | grep -q Example' - "$GEN"
if [ -w /dev/full ]; then
	"$GEN" contacts --rows 100000 -o /dev/full 2>/dev/null
	check "write error: exit 3" test $? -eq 3
else
	echo "gen: skipped: no /dev/full (write errors)"
fi
"$GEN" contacts -o "$T/no/such/dir/x.csv" 2>/dev/null
check "cannot create: exit 3" test $? -eq 3

echo "gen: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
