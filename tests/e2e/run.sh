#!/bin/sh
# End-to-end tests: run the real binaries on files and compare with golden
# outputs byte for byte, stderr and exit status included.
#
# A case is a folder tests/e2e/cases/NAME holding:
#   cmd           the command line, run by sh in a copy of the folder with the
#                 tools on PATH
#   expected.out  what it must print on stdout (absent: nothing)
#   expected.err  what it must print on stderr (absent: nothing)
#   expected.rc   its exit status (absent: 0)
#   expected.*    any other expected.F: the file F it must leave behind
# and any input files.  Every other tests/e2e/*.sh script is a test of its
# own (exit 0 = pass).  UPDATE=1 rewrites the expectations from what the
# tools print: review the diff before committing it.
set -u
BIN=${COV_BIN:?COV_BIN must name the folder holding the tools}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

for dir in "$HERE"/cases/*/; do
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	rm -rf "$T/case" && cp -R "$dir" "$T/case"
	(cd "$T/case" && PATH="$BIN:$PATH" COV_SHARED=${COV_SHARED:-} sh ./cmd >"$T/out" 2>"$T/err")
	rc=$?
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$T/out" "$dir/expected.out"
		if [ -s "$T/err" ]; then cp "$T/err" "$dir/expected.err"; else rm -f "$dir/expected.err"; fi
		if [ $rc -ne 0 ]; then echo $rc >"$dir/expected.rc"; else rm -f "$dir/expected.rc"; fi
		[ -s "$dir/expected.out" ] || rm -f "$dir/expected.out"
	fi
	why=""
	want_rc=0
	[ -f "$dir/expected.rc" ] && want_rc=$(cat "$dir/expected.rc")
	[ "$rc" = "$want_rc" ] || why="exit status $rc, expected $want_rc"
	exp_out="$dir/expected.out"; [ -f "$exp_out" ] || exp_out=/dev/null
	exp_err="$dir/expected.err"; [ -f "$exp_err" ] || exp_err=/dev/null
	cmp -s "$T/out" "$exp_out" || why="$why${why:+; }stdout differs"
	cmp -s "$T/err" "$exp_err" || why="$why${why:+; }stderr differs"
	for f in "$dir"/expected.*; do
		case $(basename "$f") in expected.out | expected.err | expected.rc) continue ;; esac
		[ -f "$f" ] || continue
		left=${f##*/expected.}
		cmp -s "$T/case/$left" "$f" || why="$why${why:+; }file $left differs"
	done
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: $why"
		echo "  reproduce: (cd tests/e2e/cases/$name && PATH=\"$BIN:\$PATH\" sh ./cmd)"
		diff "$exp_out" "$T/out" | head -n 10 | sed 's/^/  out: /'
		diff "$exp_err" "$T/err" | head -n 6 | sed 's/^/  err: /'
	fi
done

for t in "$HERE"/*.sh; do
	[ "$(basename "$t")" = run.sh ] && continue
	if COV_BIN="$BIN" sh "$t" >"$T/log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$t"):"
		tail -n 15 "$T/log" | sed 's/^/  /'
	fi
done

echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
