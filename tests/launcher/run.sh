#!/usr/bin/env bash
# The binary as a person runs it, through whatever tools/build.sh printed (on Debian 12 for the
# 24 line, a launcher into the root):   tests/launcher/run.sh BINARY
# It must behave as `node`: the caller's working directory and files, stdin/stdout/stderr, the
# environment, exit status and signals, process.execPath for children; and leave nothing
# mounted. Last line: `launcher: N passed, M failed`; exits 1 iff M > 0.
set -uo pipefail
binary=$1
passed=0
failed=0
check() {
  local what=$1 expected=$2 actual=$3
  if [ "$expected" = "$actual" ]; then
    echo "ok: $what"
    passed=$((passed + 1))
  else
    echo "FAIL: $what: expected '$expected', got '$actual'"
    failed=$((failed + 1))
  fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mounts_before=$(wc -l </proc/self/mountinfo)

echo 'from a file of the caller' >"$work/input.txt"
check 'working directory and its files' "$work from a file of the caller" \
  "$(cd "$work" && "$binary" -p 'process.cwd() + " " + require("fs").readFileSync("input.txt", "utf8").trim()')"
check 'stdin to stdout, stderr apart' 'piped in|to stderr' \
  "$(echo 'piped in' | "$binary" -e 'process.stdin.on("data", (d) => { process.stdout.write(String(d).trim() + "|"); console.error("to stderr"); })' 2>&1 | tr -d '\n')"
check 'environment' 'set by the caller' "$(SLAB_HUNTER_LAUNCHER_TEST='set by the caller' "$binary" -p 'process.env.SLAB_HUNTER_LAUNCHER_TEST')"
"$binary" -e 'process.exitCode = 42'
check 'exit status' 42 $?
# The pid the caller holds is the program's own (no wrapper process in between that a signal
# would end instead): it says so, then a signal to that pid ends it.
"$binary" -e 'require("fs").writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 30000)' \
  "$work/pid" &
pid=$!
for _ in $(seq 100); do [ -s "$work/pid" ] && break; sleep 0.1; done
check 'the pid the caller has is the program' "$pid" "$(cat "$work/pid" 2>/dev/null)"
kill -TERM "$pid"
wait "$pid"
check 'a signal to the pid the caller has' 143 $?
check 'children started with process.execPath' 'v-same slab_hunter' \
  "$("$binary" -e '
    const out = require("child_process").execFileSync(process.execPath,
      ["-p", "process.version === " + JSON.stringify(process.version) + " && require(\"node:module\").isBuiltin(\"node:slab_hunter\")"]);
    console.log(String(out).trim() === "true" ? "v-same slab_hunter" : String(out))')"
check 'nothing left mounted' "$mounts_before" "$(wc -l </proc/self/mountinfo)"
echo "launcher: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
