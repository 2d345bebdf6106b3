#!/usr/bin/env bash
# Fails when docs/ or examples/ differ from what `make docs` generates:
# run after `make docs` (make docs-check does both). Changed, deleted and
# new untracked files all count.
set -euo pipefail

paths=(docs examples)
status=0

if ! git diff --exit-code --compact-summary -- "${paths[@]}"; then
	status=1
fi
untracked="$(git ls-files --others --exclude-standard -- "${paths[@]}")"
if [[ -n "${untracked}" ]]; then
	echo "Untracked generated files:"
	echo "${untracked}" | sed 's/^/  /'
	status=1
fi

if [[ ${status} -ne 0 ]]; then
	echo
	echo "docs/ or examples/ are stale: run 'make docs' and commit the result." >&2
fi
exit "${status}"
