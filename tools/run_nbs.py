"Execute notebooks in place in a real Jupyter kernel, so the committed outputs are the ones a reader would get."
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

for fn in map(Path, sys.argv[1:]):
    nb = nbformat.read(fn, as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=1800, kernel_name='python3', resources={'metadata': {'path': str(fn.parent)}}).execute()
    nbformat.write(nb, fn)
    print(f'{fn}: {time.perf_counter()-t:.0f}s', flush=True)
