#!/bin/sh
# A run ended by SIGTERM, SIGHUP or SIGPIPE (or SIGINT, which this test
# cannot send: a background job of a script starts with it ignored, and
# the tools leave an ignored signal ignored) leaves no temporary output
# behind: each tool, with -o and its other outputs named, reads a
# FIFO that has sent a header and a record and then stays open, so the
# tool has made its temporaries and waits; it is then sent the signal.  It
# must die of that signal (exit 128 + N) with the folder holding nothing
# but the FIFO.  A run whose temporaries never appeared is a failure too
# (the test would prove nothing).
# Run by tests/e2e/run.sh (exit 0 = pass); prints one line per check.
set -u
. "$(dirname "$0")/lib/ways.sh"
ways_setup signals
printf 'account_id,name,domain\nA1,Acme,acme.com\n' >"$T/acc.csv"

# check NAME SIGNAL NUMBER COMMAND...: run COMMAND in $T/w on the FIFO
check() {
	name=$1 sig=$2 num=$3
	shift 3
	rm -rf "$T/w" && mkdir "$T/w" && mkfifo "$T/w/in"
	(
		cd "$T/w" || exit 1
		"$@" in &
		echo $! >pid
		wait $!
		echo $? >rc
	) 2>/dev/null &
	sub=$!
	# the feeder: a header and a record, then open and silent
	{ printf 'email,first_name\na@acme.com,Ann\n'; sleep 30; } >"$T/w/in" &
	feed=$!
	i=0 made=0
	while [ $i -lt 100 ]; do
		if ls -a "$T/w" | grep -q '^\.out\.csv\.'; then
			made=1
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	kill -s "$sig" "$(cat "$T/w/pid")"
	wait $sub
	kill $feed 2>/dev/null
	wait $feed 2>/dev/null
	left=$(ls -a "$T/w" | grep -v -e '^\.\.\?$' -e '^in$' -e '^pid$' -e '^rc$' | tr '\n' ' ')
	rc=$(cat "$T/w/rc")
	if [ $made = 1 ] && [ -z "$left" ] && [ "$rc" = $((128 + num)) ]; then
		echo "ok   $name on SIG$sig"
	else
		echo "FAIL $name on SIG$sig: temporaries made $made, left: '$left', exit $rc (want $((128 + num)))"
		fail=1
	fi
}

check cov-cat TERM 15 cov-cat -o out.csv --rejects r.csv --stats s.json
check cov-normalize TERM 15 cov-normalize -o out.csv --rejects r.csv
check cov-validate HUP 1 cov-validate -o out.csv --rejects r.csv --filter
check cov-dedupe TERM 15 cov-dedupe --keep last -o out.csv --dupes d.csv
check cov-dedupe HUP 1 cov-dedupe -o out.csv --dupes d.csv
check cov-match PIPE 13 cov-match --accounts ../acc.csv -o out.csv --unmatched u.csv
exit $fail
