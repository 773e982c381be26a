#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with the tslab kernel and fails on the first error.
# Outputs go to a temporary folder; with --update they replace the outputs committed in the notebooks.
# Needs: dist/ built (npm run build), Jupyter's nbconvert and the tslab kernel registered (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

jupyter=${JUPYTER:-jupyter}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "${1:-}" = --update ]; then target=(--inplace); else target=(--output-dir "$out"); fi

for notebook in notebooks/*.ipynb; do
  echo "notebook: $notebook"
  if ! "$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
      --ExecutePreprocessor.record_timing=False "${target[@]}" "$notebook"; then
    # tslab reports type errors on stderr and fails the cell with an empty message: show the outputs.
    echo "--- $notebook, executed with errors shown:" >&2
    "$jupyter" nbconvert --to markdown --execute --allow-errors --stdout "$notebook" 2>/dev/null | tail -n 80 >&2 || true
    exit 1
  fi
done
