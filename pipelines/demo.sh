#!/bin/sh
# make demo: run the pipeline, as far as it exists, on the bundled sample
# and print a short summary.  Outputs go to build/demo/.
set -eu
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SAMPLE="$ROOT/pipelines/sample"
OUT="$ROOT/build/demo"
PATH="$BIN:$PATH"
mkdir -p "$OUT"

echo "== cov-normalize: $SAMPLE/contacts.csv"
cov-normalize --default-country US --stats "$OUT/normalize.stats.json" \
	--rejects "$OUT/normalize.rejects.csv" \
	"$SAMPLE/contacts.csv" -o "$OUT/contacts.normalized.csv"
echo "wrote $OUT/contacts.normalized.csv"
echo "books: $(cat "$OUT/normalize.stats.json")"

# count the values of one column of the normalised file (TSV: no quoting)
count() {
	cov-cat --to tsv "$OUT/contacts.normalized.csv" | awk -F '\t' -v col="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c { v = ($c == "") ? "(empty)" : $c; n[v]++; total++ }
		END {
			for (v in n) printf "  %-22s %7d  %5.1f%%\n", v, n[v], 100 * n[v] / total
		}' | sort -k2,2nr
}
echo
echo "== contacts by persona"
count persona
echo
echo "== contacts by seniority"
count seniority
echo
echo "== contacts by region"
count region

echo
echo "== cov-validate: $OUT/contacts.normalized.csv"
cov-validate --stats "$OUT/validate.stats.json" \
	--rejects "$OUT/validate.rejects.csv" \
	"$OUT/contacts.normalized.csv" -o "$OUT/contacts.validated.csv"
echo "wrote $OUT/contacts.validated.csv"
cov-cat --to tsv "$OUT/contacts.validated.csv" | awk -F '\t' '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reachable") c = i; next }
	{ n++; if ($c == "true") r++ }
	END { printf "reachable: %d of %d contacts (%.1f%%)\n", r, n, 100 * r / n }'
echo
echo "== rows per reason code (cov-validate --stats)"
jq -r '.reasons | to_entries[] | "\(.key) \(.value)"' "$OUT/validate.stats.json" |
	sort -k2,2nr | awk '{ printf "  %-22s %7d\n", $1, $2 }'

echo
echo "== cov-dedupe: $OUT/contacts.validated.csv"
cov-dedupe --keep newest:last_activity_at --merge \
	--dupes "$OUT/dedupe.dupes.csv" --stats "$OUT/dedupe.stats.json" \
	"$OUT/contacts.validated.csv" -o "$OUT/contacts.unique.csv"
echo "wrote $OUT/contacts.unique.csv and $OUT/dedupe.dupes.csv"
jq -r '"set aside \(.rows_set_aside) duplicates of \(.rows_in) contacts; \(.rows_out) unique (\(.reasons.key_empty // 0) without a key passed through)"' \
	"$OUT/dedupe.stats.json"

echo
echo "== cov-match: $OUT/contacts.unique.csv against $SAMPLE/accounts.csv"
cov-match --accounts "$SAMPLE/accounts.csv" --with tier,owner_id \
	--unmatched "$OUT/match.unmatched.csv" --stats "$OUT/match.stats.json" \
	"$OUT/contacts.unique.csv" -o "$OUT/contacts.matched.csv"
echo "wrote $OUT/contacts.matched.csv and $OUT/match.unmatched.csv"
echo "== match rate by method (cov-match --stats)"
jq -r '.rows_in as $n | .reasons | to_entries[] |
	"\(.key | sub("^match_"; "")) \(.value) \(100 * .value / $n)"' \
	"$OUT/match.stats.json" |
	awk '{ printf "  %-10s %7d  %5.1f%%\n", $1, $2, $3 }'
jq -r '"matched: \(.rows_in - .reasons.match_none) of \(.rows_in) contacts (\(1000 * (.rows_in - .reasons.match_none) / .rows_in | floor / 10)%)"' \
	"$OUT/match.stats.json"
