#!/usr/bin/env bash
# Checks of the ./jgrad launcher itself, which the Java tests cannot see: the JVM must take the launcher's
# process (exec), so that a kill -9 of ./jgrad ends the training with it instead of leaving a JVM running;
# and a command-line error must reach stderr as one line with exit status 2.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/jgrad-launcher.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { printf 'launcher-checks: FAILED: %s\n' "$*" >&2; exit 1; }

"$root/jgrad" --version >/dev/null # builds if needed, outside the timed part

"$root/jgrad" train demo --max-steps 100000 --out "$work/demo" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do # until the JVM runs under the launcher's PID
    [[ $(ps -o comm= -p "$pid" 2>/dev/null) == java ]] && break
    sleep 0.1
done
[[ $(ps -o comm= -p "$pid" 2>/dev/null) == java ]] || fail "./jgrad's process did not become the JVM (no exec?)"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 0.5
if pgrep -f "dev.jgrad.cli.Main train demo --max-steps 100000 --out $work/demo" >/dev/null; then
    fail "a JVM outlived kill -9 of ./jgrad"
fi

set +e
err=$("$root/jgrad" train demo --batch 0 2>&1 >/dev/null)
status=$?
set -e
[[ $status -eq 2 ]] || fail "--batch 0 exited $status, not 2"
[[ $err == *"'0' is not a positive integer"* ]] || fail "--batch 0 said: $err"
echo "launcher-checks: kill -9 ends the JVM; a bad option is one message and exit 2" >&2
