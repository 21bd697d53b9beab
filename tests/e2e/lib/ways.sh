# ways.sh: sourced by the e2e scripts that check a switch changes nothing
# but speed (prefetch.sh, fastscan.sh); not a test of its own.
#
#   WAYS   the settings, one word each: an environment assignment such as
#          COV_PREFETCH=0, or - for none; the first is the reference
#   WHAT   how a failure is described ("differs $WHAT")
#   T      the scratch folder; fail is set to 1 on a failure
#
# ways_setup NAME: how such a script starts: the tools of $COV_BIN first
# on PATH, the C locale, a scratch folder $T (removed at exit), fail=0.
ways_setup() {
	BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
	PATH="$BIN:$PATH"
	LC_ALL=C
	export LC_ALL
	T=$(mktemp -d "${TMPDIR:-/tmp}/cov-$1.XXXXXX") || exit 1
	trap 'rm -rf "$T"' EXIT
	fail=0
}

# ways NAME CMD...: run CMD in $T/NAME.K once for each setting K of $WAYS;
# stdout (out), stderr (err), the exit status (rc) and every file it wrote
# must be byte-identical to the first setting's.  Files compared after
# undoing what may differ legitimately: a .gz output is decompressed (the
# compressed bytes depend on when the buffer was flushed) and the duration
# in --stats (stats.json) is blanked.
ways() {
	name=$1
	shift
	k=0
	for way in $WAYS; do
		d="$T/$name.$k"
		mkdir -p "$d"
		if [ "$way" = - ]; then
			(cd "$d" && "$@" >out 2>err; echo $? >rc)
		else
			(cd "$d" && env "$way" "$@" >out 2>err; echo $? >rc)
		fi
		[ -f "$d/out.csv.gz" ] && gzip -d "$d/out.csv.gz"
		[ -f "$d/stats.json" ] && sed 's/"seconds":[0-9.e+-]*/"seconds":S/' \
			"$d/stats.json" >"$d/stats" && rm "$d/stats.json"
		k=$((k + 1))
	done
	same=1
	k=0
	for way in $WAYS; do
		if [ "$k" -gt 0 ] &&
			! diff -r "$T/$name.0" "$T/$name.$k" >/dev/null; then
			[ "$same" = 1 ] && echo "  FAIL: $name differs $WHAT"
			echo "  ($way)"
			diff -r "$T/$name.0" "$T/$name.$k" | head -n 10
			same=0
		fi
		k=$((k + 1))
	done
	if [ "$same" = 1 ]; then
		echo "  ok: $name ($(cat "$T/$name.0/rc"), $(wc -l <"$T/$name.0/out") lines)"
	else
		fail=1
	fi
	k=0
	for way in $WAYS; do
		rm -rf "$T/$name.$k"
		k=$((k + 1))
	done
}
