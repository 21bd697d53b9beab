#!/bin/sh
# match-quality.sh: precision and recall of cov-match against the ground
# truth of generated exports.
#
#   COV_BIN=build/bin sh tests/e2e/match-quality.sh
#
# For each seed and header style: cov-gen writes accounts, contacts and
# truth (contact_id,true_account_id,...); the contacts go through
# cov-normalize, then cov-match against the raw accounts export (so the
# accounts' own header mapping is exercised too); the result is joined with
# the truth on contact_id.  Per method: matched, correct, precision
# (correct / matched by it).  Overall: precision over every match, recall
# over the contacts that have a true account.  Fails when precision is
# under 99% or recall under 95%.  Then the fuzzy threshold curve: the same
# figures for several --min-score values, pooled over all runs.
#
#   MATCH_SEEDS, MATCH_STYLES, MATCH_ACCOUNTS, MATCH_ROWS override the
#   defaults below; MATCH_CURVE=0 skips the curve.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
SEEDS=${MATCH_SEEDS:-"5 17"}
STYLES=${MATCH_STYLES:-"salesforce hubspot"}
ACCOUNTS=${MATCH_ACCOUNTS:-4000}
ROWS=${MATCH_ROWS:-30000}
CURVE=${MATCH_CURVE:-1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# score TRUTH MATCHED...: append "method truth_has_account correct" lines
# for every contact; matched files are TSV from cov-match.
judge() {
	awk -F'\t' '
	FNR == 1 && FILENAME == ARGV[1] { next }
	FILENAME == ARGV[1] { split($0, t, ","); truth[t[1]] = t[2]; next }
	FNR == 1 {
		for (i = 1; i <= NF; i++) col[$i] = i
		next
	}
	{
		id = $col["contact_id"]; acc = $col["account_id"]
		m = $col["match_method"]; want = truth[id]
		printf "%s %d %d\n", m, want != "", (m != "none" && acc == want)
	}' "$@"
}

# report LABEL FILE: the per-method table and the overall line; sets
# P and R (percent) for the caller.
report() {
	awk -v label="$1" '
	{
		n[$1]++; ok[$1] += $3; total++
		if ($2) { truth++; if ($1 != "none") found += $3 }
		if ($1 != "none") { matched++; correct += $3 }
	}
	END {
		printf "%s: %d contacts, %d with a true account\n", label, total, truth
		printf "  %-9s %8s %8s %10s\n", "method", "matched", "correct", "precision"
		split("existing domain name fuzzy", ms, " ")
		for (i = 1; i <= 4; i++) {
			k = ms[i]
			printf "  %-9s %8d %8d %9.2f%%\n", k, n[k], ok[k], n[k] ? 100 * ok[k] / n[k] : 100
		}
		printf "  %-9s %8d\n", "none", n["none"]
		p = matched ? 100 * correct / matched : 100
		r = truth ? 100 * found / truth : 100
		printf "  overall   precision %.2f%%  recall %.2f%%\n", p, r
		printf "%.4f %.4f\n", p, r > "/dev/stderr"
	}' "$2"
}

fail=0
: >"$T/all"
for style in $STYLES; do
	for seed in $SEEDS; do
		d="$T/$style-$seed"
		mkdir -p "$d"
		"$BIN/cov-gen" accounts --seed "$seed" --accounts "$ACCOUNTS" \
			--style "$style" -o "$d/accounts.csv" || exit 1
		"$BIN/cov-gen" contacts --seed "$seed" --accounts "$ACCOUNTS" \
			--rows "$ROWS" --style "$style" --truth "$d/truth.csv" \
			-o "$d/contacts.csv" || exit 1
		"$BIN/cov-normalize" "$d/contacts.csv" -o "$d/norm.csv" || exit 1
		"$BIN/cov-match" --accounts "$d/accounts.csv" --to tsv \
			"$d/norm.csv" -o "$d/matched.tsv" || exit 1
		judge "$d/truth.csv" "$d/matched.tsv" >"$d/judged"
		cat "$d/judged" >>"$T/all"
		report "$style seed $seed" "$d/judged" 2>"$d/pr" || exit 1
		read -r p r <"$d/pr"
		if awk -v p="$p" -v r="$r" 'BEGIN { exit !(p < 99 || r < 95) }'; then
			echo "  FAIL: precision must be >= 99%, recall >= 95%"
			fail=1
		fi
	done
done
report "all runs" "$T/all" 2>"$T/pr" || exit 1
read -r p r <"$T/pr"
if awk -v p="$p" -v r="$r" 'BEGIN { exit !(p < 99 || r < 95) }'; then
	echo "  FAIL: precision must be >= 99%, recall >= 95%"
	fail=1
fi

if [ "$CURVE" = 1 ]; then
	echo "fuzzy threshold curve (all runs pooled):"
	printf '  %-9s %8s %10s %10s %10s\n' min-score fuzzy "fuzzy prec" precision recall
	for s in 0.70 0.75 0.80 0.85 0.90 0.95; do
		: >"$T/curve"
		for style in $STYLES; do
			for seed in $SEEDS; do
				d="$T/$style-$seed"
				"$BIN/cov-match" --accounts "$d/accounts.csv" --to tsv \
					--min-score "$s" "$d/norm.csv" -o "$d/m.tsv" || exit 1
				judge "$d/truth.csv" "$d/m.tsv" >>"$T/curve"
			done
		done
		awk -v s="$s" '
		{
			if ($1 == "fuzzy") { fz++; fok += $3 }
			if ($2) { truth++; if ($1 != "none") found += $3 }
			if ($1 != "none") { matched++; correct += $3 }
		}
		END {
			printf "  %-9s %8d %9.2f%% %9.2f%% %9.2f%%\n", s, fz,
				fz ? 100 * fok / fz : 100, 100 * correct / matched,
				100 * found / truth
		}' "$T/curve"
	done
fi
[ $fail -eq 0 ] && echo "match-quality: pass" || echo "match-quality: FAIL"
exit $fail
