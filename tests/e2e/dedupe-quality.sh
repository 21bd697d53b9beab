#!/bin/sh
# dedupe-quality.sh: how often cov-dedupe's default key removes a row of the
# same person, against the ground truth of generated exports.
#
#   COV_BIN=build/bin sh tests/e2e/dedupe-quality.sh
#
# For each seed and header style: cov-gen writes contacts and the truth
# (contact_id,true_account_id,dup_of,person_id); cov-dedupe --dupes sets
# rows aside, each with the row number of the one it kept (dup_of).
#   precision  of the rows set aside, those whose kept row is the same
#              person (what a wrong merge costs: a real contact lost)
#   recall     of the rows that re-enter an earlier person, those set aside
#              next to a row of that person
# The misses are rows the key cannot join: another address for the same
# person, or an address on one row and none on the other.  The merges of
# different people are mostly a shared role address (info@), which the key
# treats as the mailbox it is.  Fails when precision is under 98% or recall
# under 75%.
#
#   DEDUPE_SEEDS, DEDUPE_STYLES, DEDUPE_ACCOUNTS, DEDUPE_ROWS override the
#   defaults below.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
SEEDS=${DEDUPE_SEEDS:-"5 17"}
STYLES=${DEDUPE_STYLES:-"salesforce hubspot"}
ACCOUNTS=${DEDUPE_ACCOUNTS:-4000}
ROWS=${DEDUPE_ROWS:-30000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# judge TRUTH ROWS DUPES: "same dup" per row set aside, then "truth_dups N"
# (TSV inputs from cov-cat; the contact id is the first column, dup_of the
# last column of DUPES)
judge() {
	awk -F'\t' '
	FILENAME == ARGV[1] {
		if (FNR > 1) {
			split($0, t, ",")
			person[t[1]] = t[4]
			if (t[3] != "") dups++
		}
		next
	}
	FILENAME == ARGV[2] { if (FNR > 1) id[FNR - 1] = $1; next }
	FNR > 1 { print (person[$1] == person[id[$NF]]) ? "same" : "other" }
	END { print "truth_dups", dups + 0 }' "$@"
}

fail=0
all_set=0 all_same=0 all_dups=0
for style in $STYLES; do
	for seed in $SEEDS; do
		d="$T/$style-$seed"
		mkdir -p "$d"
		"$BIN/cov-gen" contacts --seed "$seed" --accounts "$ACCOUNTS" \
			--rows "$ROWS" --style "$style" --truth "$d/truth.csv" \
			-o "$d/contacts.csv" || exit 1
		"$BIN/cov-dedupe" --dupes "$d/dupes.csv" "$d/contacts.csv" \
			>/dev/null || exit 1
		"$BIN/cov-cat" --to tsv "$d/contacts.csv" >"$d/rows.tsv" || exit 1
		"$BIN/cov-cat" --to tsv "$d/dupes.csv" >"$d/dupes.tsv" || exit 1
		judge "$d/truth.csv" "$d/rows.tsv" "$d/dupes.tsv" >"$d/judged"
		set -- $(awk '$1 == "same" { s++ } $1 == "other" { o++ }
			$1 == "truth_dups" { t = $2 }
			END { print s + o, s + 0, t + 0 }' "$d/judged")
		all_set=$((all_set + $1)) all_same=$((all_same + $2))
		all_dups=$((all_dups + $3))
		line=$(awk -v n="$1" -v s="$2" -v t="$3" 'BEGIN {
			p = n ? 100 * s / n : 100; r = t ? 100 * s / t : 100
			printf "%d set aside, %d the same person: precision %.2f%%, recall %.2f%% of %d re-entered rows", n, s, p, r, t
			exit (p < 98 || r < 75) }')
		rc=$?
		echo "$style seed $seed: $line"
		if [ $rc -ne 0 ]; then
			echo "  FAIL: precision must be >= 98%, recall >= 75%"
			fail=1
		fi
	done
done
awk -v n="$all_set" -v s="$all_same" -v t="$all_dups" 'BEGIN {
	printf "all runs: precision %.2f%%, recall %.2f%%\n", n ? 100 * s / n : 100, t ? 100 * s / t : 100 }'
exit $fail
