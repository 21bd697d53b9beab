#!/bin/sh
# Property tests of cov-dedupe on generated contacts (cov-gen, 30000 rows,
# 30% duplicates, two seeds), checked against references written in awk and
# sort rather than against earlier outputs:
#   reference   -k email --exact, every policy: output and --dupes equal to
#               an awk/sort decorate-sort-undecorate of the same rows
#   books       every policy, with and without --merge: output + --dupes =
#               records read, and the --stats identity
#   memory      --memory 4K (which spills) gives the same bytes, output and
#               --dupes, as no limit, every policy, with and without --merge
#   partition   --partition 4, each part deduplicated alone, concatenated:
#               the same records as one run, every policy, +/- --merge
#   dup_of      names a survivor that was written, with the same key
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per property.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
PATH="$BIN:$PATH"
LC_ALL=C
export LC_ALL
# A --memory 4K run creates thousands of temporary files: on tmpfs when
# there is one, where that is cheap (DEDUPE_PROPS_NO_SHM=1: not even then).
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && [ -z "${DEDUPE_PROPS_NO_SHM:-}" ] && base=/dev/shm
T=$(mktemp -d "$base/cov-dedupe-props.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
TMPDIR=$T
export TMPDIR
SEEDS="1 2"
POLICIES="first last newest:created_at most-complete"
fail=0

bad() {
	echo "  FAIL: $*"
	fail=1
}

# column number of field $2 in the header of TSV file $1
col() {
	awk -F'\t' -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) { print i; exit } }' "$1"
}

records() {
	echo $(($(wc -l <"$1") - 1))
}

# stats field $2 of the JSON in file $1
counter() {
	sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1"
}

# The survivors of policy $3 in TSV file $1 keyed on column $2 (the exact
# value; empty: no key), as "key TAB row" lines: each keyed record is
# decorated with its key, a score (higher wins) and its row (lower wins
# ties), sorted, and the first of each key taken.  newest reads the dates
# cov-gen writes (ISO dates and date-times, YYYY/MM/DD, DD.MM.YYYY, M/D/YYYY
# with an optional h:mm AM/PM, month first when both readings fit);
# anything else, or an impossible date, scores 0.
survivors() {
	awk -F'\t' -v k="$2" -v pol="$3" -v dc="$4" '
	function leap(y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
	function ok(y, m, d) {
		if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return 0
		if (m == 2) return d <= 28 + leap(y)
		if (m == 4 || m == 6 || m == 9 || m == 11) return d <= 30
		return d <= 31
	}
	function stamp(y, m, d, H, M, S) {
		if (!ok(y, m, d) || H > 23 || M > 59 || S > 59) return 0
		return sprintf("%04d%02d%02d%02d%02d%02d", y, m, d, H, M, S)
	}
	function date(v,   a, b, t, n, H, M) {
		if (v ~ /^[0-9][0-9][0-9][0-9][-\/][0-9][0-9]?[-\/][0-9][0-9]?$/) {
			split(v, a, /[-\/]/)
			return stamp(a[1], a[2], a[3], 0, 0, 0)
		}
		if (v ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z?$/) {
			split(v, a, /[-T:Z]/)
			return stamp(a[1], a[2], a[3], a[4], a[5], a[6])
		}
		if (v ~ /^[0-9][0-9]?\.[0-9][0-9]?\.[0-9][0-9][0-9][0-9]$/) {
			split(v, a, /\./)
			return stamp(a[3], a[2], a[1], 0, 0, 0)
		}
		if (v ~ /^[0-9][0-9]?\/[0-9][0-9]?\/[0-9][0-9][0-9][0-9]( [0-9][0-9]?:[0-9][0-9] [AP]M)?$/) {
			n = split(v, a, /[\/ :]/)
			H = 0; M = 0
			if (n == 6) {
				if (a[4] < 1 || a[4] > 12) return 0
				H = a[4] % 12 + (a[6] == "PM" ? 12 : 0)
				M = a[5]
			}
			if (ok(a[3], a[1], a[2])) return stamp(a[3], a[1], a[2], H, M, 0)
			return stamp(a[3], a[2], a[1], H, M, 0)
		}
		if (v != "") unread++
		return 0
	}
	NR > 1 && $k != "" {
		if (pol == "first") s = 0
		else if (pol == "last") s = $1
		else if (pol == "newest:created_at") s = date($dc)
		else {
			s = 0
			for (i = 2; i <= NF; i++)
				if ($i !~ /^( |\\[tnr]|\v|\f)*$/) s++
		}
		print $k "\t" s "\t" $1
	}
	END { print unread + 0 > "/dev/stderr" }' "$1" 2>"$T/unread" |
		sort -t "$(printf '\t')" -k1,1 -k2,2nr -k3,3n |
		awk -F'\t' '$1 != prev { print $1 "\t" $3; prev = $1 }'
}

for seed in $SEEDS; do
	cov-gen contacts --rows 30000 --dup-rate 0.3 --seed "$seed" -o "$T/g.csv" || exit 1
	# the rows as TSV, one line a record, with the row number in front
	cov-cat --to tsv "$T/g.csv" |
		awk 'BEGIN { FS = OFS = "\t" } { print (NR == 1 ? "_row" : NR - 1), $0 }' >"$T/in.tsv"
	n=$(records "$T/in.tsv")
	k=$(col "$T/in.tsv" email)
	dc=$(col "$T/in.tsv" created_at)
	[ "$n" = 30000 ] && [ -n "$k" ] && [ -n "$dc" ] || { bad "seed $seed: unexpected data"; continue; }

	# -- reference: -k email --exact against awk and sort
	summary=""
	for pol in $POLICIES; do
		survivors "$T/in.tsv" "$k" "$pol" "$dc" >"$T/surv"
		awk -F'\t' -v k="$k" 'NR == FNR { s[$2] = 1; next } FNR == 1 || $k == "" || ($1 in s)' \
			"$T/surv" "$T/in.tsv" >"$T/ref.out"
		awk -F'\t' -v k="$k" 'NR == FNR { s[$2] = 1; of[$1] = $2; next }
			FNR == 1 { print $0 "\tdup_of"; next }
			$k != "" && !($1 in s) { print $0 "\t" of[$k] }' \
			"$T/surv" "$T/in.tsv" >"$T/ref.dupes"
		cov-dedupe -k email --exact --keep "$pol" --dupes "$T/d.tsv" "$T/in.tsv" >"$T/o.tsv" ||
			bad "seed $seed $pol: exit $?"
		cmp -s "$T/o.tsv" "$T/ref.out" || bad "seed $seed -k email --exact --keep $pol: output differs from the awk reference"
		cmp -s "$T/d.tsv" "$T/ref.dupes" || bad "seed $seed -k email --exact --keep $pol: dupes differ from the awk reference"
		summary="$summary $pol=$(records "$T/o.tsv")"
	done
	echo "reference (seed $seed, -k email --exact, $n rows): kept$summary; dates not read: $(cat "$T/unread" 2>/dev/null || :)"

	# -- books, and the runs the other properties compare with
	summary=""
	for pol in $POLICIES; do
		for merge in "" --merge; do
			tag=$(echo "$pol$merge" | tr -c 'a-z0-9\n' _)
			cov-dedupe --keep "$pol" $merge --dupes "$T/d.$tag" --stats "$T/s.$tag" \
				"$T/in.tsv" >"$T/o.$tag" || bad "seed $seed $pol $merge: exit $?"
			o=$(records "$T/o.$tag")
			d=$(records "$T/d.$tag")
			s="$T/s.$tag"
			[ $((o + d)) = "$n" ] || bad "seed $seed $pol $merge: $o out + $d dupes != $n"
			[ "$(counter "$s" rows_in)" = "$n" ] &&
				[ "$(counter "$s" rows_out)" = "$o" ] &&
				[ "$(counter "$s" rows_set_aside)" = "$d" ] &&
				[ "$(counter "$s" rows_rejected)" = 0 ] ||
				bad "seed $seed $pol $merge: stats $(cat "$s")"
			summary="$summary $pol${merge:++merge}=$o+$d"
		done
		# --merge changes fields, never which records are kept
		cmp -s "$T/d.$(echo "$pol" | tr -c 'a-z0-9\n' _)" "$T/d.$(echo "$pol--merge" | tr -c 'a-z0-9\n' _)" ||
			bad "seed $seed $pol: --merge changed the dupes"
	done
	echo "books (seed $seed, contact key): out+dupes = rows_in = $n:$summary"

	# -- memory: 4K spills (it needs more than 24 open files) and changes
	# nothing.  Without tmpfs, where each of the thousands of spill files
	# costs a disk operation, on the first 600 rows only.
	mem=$T/in.tsv
	note=""
	if [ "$base" != /dev/shm ]; then
		head -n 601 "$T/in.tsv" >"$T/in600.tsv"
		mem=$T/in600.tsv
		note=", first 600 rows"
	fi
	summary=0
	for pol in $POLICIES; do
		for merge in "" --merge; do
			tag=$(echo "$pol$merge" | tr -c 'a-z0-9\n' _)
			o=$T/o.$tag
			d=$T/d.$tag
			if [ "$mem" != "$T/in.tsv" ]; then
				o=$T/ou
				d=$T/du
				cov-dedupe --keep "$pol" $merge --dupes "$d" "$mem" >"$o"
			fi
			cov-dedupe --keep "$pol" $merge --memory 4K --dupes "$T/dm" "$mem" >"$T/om" ||
				bad "seed $seed $pol $merge --memory 4K: exit $?"
			cmp -s "$T/om" "$o" || bad "seed $seed $pol $merge: --memory 4K output differs"
			cmp -s "$T/dm" "$d" || bad "seed $seed $pol $merge: --memory 4K dupes differ"
			if (ulimit -n 24 && cov-dedupe --keep "$pol" $merge --memory 4K "$mem" >/dev/null 2>&1); then
				bad "seed $seed $pol $merge: --memory 4K did not spill"
			fi
			summary=$((summary + 1))
		done
	done
	# keep first without --dupes keeps no payload at all: a path of its own
	cov-dedupe "$mem" >"$T/o1" && cov-dedupe --memory 4K "$mem" >"$T/om" &&
		cmp -s "$T/o1" "$T/om" || bad "seed $seed first, no --dupes: --memory 4K output differs"
	summary=$((summary + 1))
	echo "memory (seed $seed$note): --memory 4K spilled and matched no limit byte for byte in $summary runs"

	# -- partition: split in 4, deduplicate each part, put them together
	cov-dedupe --partition 4 --prefix "$T/p" "$T/in.tsv" || bad "seed $seed --partition: exit $?"
	cov-dedupe --partition 4 --prefix "$T/z" --gzip "$T/in.tsv" || bad "seed $seed --partition --gzip: exit $?"
	for p in 0 1 2 3; do
		gzip -dc "$T/z-$p.tsv.gz" | cmp -s - "$T/p-$p.tsv" || bad "seed $seed: z-$p.tsv.gz differs from p-$p.tsv"
	done
	[ "$(cat "$T"/p-?.tsv | grep -vc '^_row')" = "$n" ] || bad "seed $seed: parts do not hold $n records"
	summary=0
	for pol in $POLICIES; do
		for merge in "" --merge; do
			tag=$(echo "$pol$merge" | tr -c 'a-z0-9\n' _)
			for p in 0 1 2 3; do
				cov-dedupe --keep "$pol" $merge "$T/p-$p.tsv" | tail -n +2
			done | sort >"$T/parts"
			tail -n +2 "$T/o.$tag" | sort | cmp -s - "$T/parts" ||
				bad "seed $seed $pol $merge: parts deduplicated alone differ from one run"
			summary=$((summary + 1))
		done
	done
	echo "partition (seed $seed): 4 parts ($(for p in 0 1 2 3; do printf '%s ' $(records "$T/p-$p.tsv"); done)records), gzip parts equal, union = one run in $summary runs"

	# -- dup_of: a survivor that was written, with the same key.  The
	# survivors followed by the dupes, deduplicated again with keep first,
	# must give back the survivors and make each dupe a duplicate of its
	# dup_of.
	summary=""
	for pol in $POLICIES; do
		tag=$(echo "$pol" | tr -c 'a-z0-9\n' _)
		awk -F'\t' 'NR == FNR { if (FNR > 1) w[$1] = 1; next }
			FNR > 1 && !($NF in w) { bad++ } END { exit bad > 0 }' \
			"$T/o.$tag" "$T/d.$tag" || bad "seed $seed $pol: a dup_of names no survivor written"
		{
			cat "$T/o.$tag"
			awk -F'\t' 'BEGIN { OFS = "\t" } FNR > 1 { NF--; print }' "$T/d.$tag"
		} >"$T/again.tsv"
		cov-dedupe --dupes "$T/d2" "$T/again.tsv" >"$T/o2" || bad "seed $seed $pol: exit $?"
		cmp -s "$T/o2" "$T/o.$tag" || bad "seed $seed $pol: survivors + dupes deduplicated again do not give the survivors"
		# row r of again.tsv is the survivor on line r+1 of the output
		awk -F'\t' 'FILENAME == ARGV[1] { if (FNR > 1) row[FNR - 1] = $1; next }
			FILENAME == ARGV[2] { if (FNR > 1) was[$1] = $NF; next }
			FNR > 1 { n++; if (row[$NF] != was[$1]) bad++ }
			END { print n + 0; exit bad > 0 }' \
			"$T/o.$tag" "$T/d.$tag" "$T/d2" >"$T/nd" ||
			bad "seed $seed $pol: a dupe has another key than its dup_of"
		[ "$(cat "$T/nd")" = "$(records "$T/d.$tag")" ] || bad "seed $seed $pol: dupes lost when deduplicated again"
		summary="$summary $pol=$(cat "$T/nd")"
	done
	echo "dup_of (seed $seed, contact key): every dupe is a duplicate of the written survivor it names:$summary"
done

[ $fail = 0 ] && echo "dedupe-props: all properties hold"
exit $fail
