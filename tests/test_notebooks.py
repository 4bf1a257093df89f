"Run notebooks the way Jupyter and Colab do: in a real `python3` kernel, through nbclient."
import nbformat, pytest
from pathlib import Path
from nbclient import NotebookClient

nbs = Path(__file__).parent.parent/'nbs'

@pytest.mark.parametrize('name', ['00_data.ipynb'])
def test_notebook_runs_in_jupyter_kernel(name):
    nb = nbformat.read(nbs/name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(nbs)}}).execute()
    errors = [o for c in nb.cells for o in c.get('outputs', []) if o.get('output_type') == 'error']
    assert not errors
