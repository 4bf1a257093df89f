#!/usr/bin/env bash
# Fail if nbdev-clean + nbdev-export change anything: the notebooks are the source, and what is committed
# must be what they export, already cleaned. Works in a dirty tree too: it compares before with after.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
snap() { git status --porcelain -uall; git diff HEAD --binary; git ls-files -o --exclude-standard -z | xargs -0 -r sha1sum; }
before=$(snap | sha1sum)
nbdev-clean
nbdev-export
after=$(snap | sha1sum)
if [ "$before" != "$after" ]; then
  echo "nbdev-clean/nbdev-export changed the working tree: run them, then commit the result." >&2
  git status --short >&2
  exit 1
fi
echo "sync-check: notebooks, package and cleaning agree."
