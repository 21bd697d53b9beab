#!/bin/sh
# Conformance suites for the CSV and NDJSON readers, run through cov-cat:
#   csv-spectrum     (vendored npm copy in tests/vendor, inputs gzipped;
#                    ../shared copy too)
#   csv-extra        (../shared only: skipped, saying so, when absent)
#   JSONTestSuite    (vendored npm copy; ../shared copy too)
# Ends with "N passed, N failed"; exits 1 if anything failed.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding cov-cat}
CAT="$BIN/cov-cat"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${COV_SHARED:-$ROOT/../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }

# exit status of a clean run: 0 or 1, never a crash or sanitizer report
clean_rc() { [ "$1" -eq 0 ] || [ "$1" -eq 1 ]; }

# ---- csv-spectrum -----------------------------------------------------------
spectrum() { # DIR LABEL
	dir=$1
	for csv in "$dir"/csvs/*.csv "$dir"/csvs/*.csv.gz; do
		[ -f "$csv" ] || continue
		name=$(basename "$(basename "$csv" .gz)" .csv)
		want="$dir/json/$name.json"
		# known upstream defect (see tests/vendor/csv-spectrum-fixes/README)
		[ -f "$HERE/../vendor/csv-spectrum-fixes/$name.json" ] &&
			want="$HERE/../vendor/csv-spectrum-fixes/$name.json"
		"$CAT" --to ndjson "$csv" >"$T/out" 2>"$T/err"
		rc=$?
		got=$(jq -sc . "$T/out" 2>/dev/null)
		exp=$(jq -c 'if type == "array" then . else [.] end' "$want")
		if [ $rc -ne 0 ] || [ "$got" != "$exp" ]; then
			bad "$2 $name: cov-cat --to ndjson $csv (rc $rc)"
			continue
		fi
		ok
		# round trip: CSV -> NDJSON -> CSV -> NDJSON is unchanged
		"$CAT" --to csv "$T/out" >"$T/back.csv" 2>"$T/err" &&
			"$CAT" --to ndjson "$T/back.csv" >"$T/again" 2>>"$T/err"
		if cmp -s "$T/out" "$T/again"; then ok; else
			bad "$2 $name: round trip CSV->NDJSON->CSV->NDJSON changed it"
		fi
	done
}
spectrum "$ROOT/tests/vendor/csv-spectrum" "csv-spectrum(vendored)"
if [ -d "$SHARED/conformance/csv-spectrum" ]; then
	spectrum "$SHARED/conformance/csv-spectrum" "csv-spectrum(shared)"
else
	echo "skipped: csv-spectrum from ../shared (not found)"; skip=$((skip + 1))
fi

# ---- csv-extra --------------------------------------------------------------
if [ -d "$SHARED/conformance/csv-extra" ]; then
	for exp in "$SHARED"/conformance/csv-extra/*/expected.json; do
		suite=$(basename "$(dirname "$exp")")
		n=$(jq length "$exp")
		i=0
		while [ $i -lt "$n" ]; do
			jq -c ".[$i]" "$exp" >"$T/case"
			i=$((i + 1))
			name=$(jq -r .name "$T/case")
			file="$(dirname "$exp")/$(jq -r .file "$T/case")"
			expect=$(jq -r 'if .bare_quote then "lenient" else .expect end' "$T/case")
			"$CAT" --to ndjson "$file" >"$T/out" 2>"$T/err"
			rc=$?
			id="csv-extra $suite/$name: cov-cat --to ndjson $file"
			if ! clean_rc $rc; then bad "$id (crashed, rc $rc)"; continue; fi
			got=$(jq -sc . "$T/out" 2>/dev/null)
			case $expect in
			accept | lenient)
				key=records; [ "$expect" = lenient ] && key=lenient_records
				want=$(jq -c ".$key" "$T/case")
				if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then ok; else
					bad "$id (rc $rc, got $got, want $want)"; fi ;;
			reject)
				if [ $rc -eq 1 ] && grep -q ":[0-9][0-9]*: " "$T/err"; then ok; else
					bad "$id (want exit 1 with FILE:LINE, rc $rc: $(head -c 200 "$T/err"))"; fi ;;
			either)
				if [ $rc -eq 1 ]; then
					if grep -q ":[0-9][0-9]*: " "$T/err"; then ok; else
						bad "$id (error without FILE:LINE)"; fi
				elif jq -e '.alternatives == null' "$T/case" >/dev/null ||
					jq -e --argjson g "$got" 'any(.alternatives[]; . == $g)' "$T/case" >/dev/null; then
					ok
				else
					bad "$id (output $got is none of the alternatives)"
				fi ;;
			esac
			# accepted cases survive CSV -> NDJSON -> CSV -> NDJSON
			if [ $rc -eq 0 ]; then
				if "$CAT" --to csv "$T/out" >"$T/back.csv" 2>/dev/null &&
					"$CAT" --to ndjson "$T/back.csv" >"$T/again" 2>/dev/null &&
					cmp -s "$T/out" "$T/again"; then ok; else
					bad "$id (round trip changed it)"; fi
			fi
		done
	done
else
	echo "skipped: csv-extra (../shared not found)"; skip=$((skip + 1))
fi

# ---- JSONTestSuite ----------------------------------------------------------
jsonsuite() { # DIR LABEL
	for f in "$1"/test_parsing/*.json; do
		[ -f "$f" ] || continue
		base=$(basename "$f")
		"$CAT" --from ndjson --to ndjson "$f" >"$T/out" 2>"$T/err"
		rc=$?
		id="$2 $base: cov-cat --from ndjson --to ndjson $f"
		if ! clean_rc $rc; then bad "$id (crashed, rc $rc)"; continue; fi
		if [ $rc -eq 1 ] && ! grep -q "^cov-cat: .*:[0-9][0-9]*: " "$T/err"; then
			bad "$id (error without FILE:LINE: $(head -c 200 "$T/err"))"; continue
		fi
		oneline=0
		[ "$(tr -d '\n' <"$f" | wc -c)" -eq "$(wc -c <"$f")" ] && oneline=1
		case $base in
		y_*)
			if [ $oneline -eq 1 ] && [ "$(head -c 1 "$f")" = "{" ]; then
				if [ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 1 ]; then ok; else
					bad "$id (valid one-line object not read as one record)"; fi
			else ok; fi ;;
		n_*)
			if [ $oneline -eq 1 ] && [ $rc -ne 1 ]; then
				bad "$id (invalid JSON accepted)"
			else ok; fi ;;
		*) ok ;;
		esac
	done
}
jsonsuite "$ROOT/tests/vendor/json-test-suite" "JSONTestSuite(vendored)"
if [ -d "$SHARED/conformance/JSONTestSuite" ]; then
	jsonsuite "$SHARED/conformance/JSONTestSuite" "JSONTestSuite(shared)"
else
	echo "skipped: JSONTestSuite from ../shared (not found)"; skip=$((skip + 1))
fi

echo "conformance: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
