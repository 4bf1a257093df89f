"""Execute notebooks in place in a real Jupyter kernel, so the committed outputs are the ones a reader would get.

`python tools/run_nbs.py nbs/X.ipynb ...` skips the cells marked `#| slow` (the multi-seed experiments, which take
minutes to hours: no cell has a time limit) and keeps the outputs they have; `--slow` runs them too."""
import re, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

slow_too = '--slow' in sys.argv
for fn in map(Path, (a for a in sys.argv[1:] if a != '--slow')):
    nb = nbformat.read(fn, as_version=4)
    kept = {} if slow_too else {i: c for i,c in enumerate(nb.cells)
                                if c.cell_type == 'code' and re.search(r'^#\|\s*slow\b', c.source, re.M)}
    for i in kept: nb.cells[i] = nbformat.v4.new_raw_cell(kept[i].source)   # not run: a raw cell
    t = time.perf_counter()
    NotebookClient(nb, timeout=None, kernel_name='python3', resources={'metadata': {'path': str(fn.parent)}}).execute()
    for i,c in kept.items(): nb.cells[i] = c                               # back, with the outputs it had
    nbformat.write(nb, fn)
    print(f'{fn}: {time.perf_counter()-t:.0f}s' + (f' ({len(kept)} slow cells kept as they were)' if kept else ''), flush=True)
