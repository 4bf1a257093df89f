#!/usr/bin/env bash
# The notebooks are the source: after nbdev-clean and nbdev-export, the tree must hold what is committed.
# Passes when the result equals HEAD (even if a notebook was just run and saved in Jupyter: cleaning gives it back),
# or, in a working tree with edits not yet committed, when cleaning and exporting changed none of them.
# Otherwise it names the files and says what to run.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
snap() { git status --porcelain -uall; git diff HEAD --binary; git ls-files -o --exclude-standard -z | xargs -0 -r sha1sum; }
before=$(snap | sha1sum)
changed_before=$(git status --porcelain -uall)
nbdev-clean
nbdev-export
changed=$(git status --porcelain -uall)
if [ -z "$changed" ]; then echo "sync-check: notebooks, package and cleaning agree with HEAD."; exit 0; fi
if [ "$before" == "$(snap | sha1sum)" ]; then
  echo "sync-check: notebooks, package and cleaning agree (uncommitted changes: $(echo "$changed" | wc -l) files)."; exit 0
fi
echo "sync-check: nbdev-clean and nbdev-export changed these files, so the notebooks and the package disagree:" >&2
diff <(echo "$changed_before") <(echo "$changed") | grep '^>' | sed 's/^> /  /' >&2 || echo "$changed" | sed 's/^/  /' >&2
echo "Run .venv/bin/nbdev-export and .venv/bin/nbdev-clean, then commit the result (the notebooks are the source)." >&2
exit 1
