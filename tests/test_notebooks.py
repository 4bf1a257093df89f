"Run notebooks the way Jupyter and Colab do: in a real `python3` kernel, through nbclient."
import json, os, subprocess, sys, textwrap, nbformat, pytest
from importlib.metadata import version
from pathlib import Path
from nbclient import NotebookClient

nbs = Path(__file__).parent.parent/'nbs'

@pytest.mark.parametrize('name', ['00_data.ipynb'])
def test_notebook_runs_in_jupyter_kernel(name):
    nb = nbformat.read(nbs/name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(nbs)}}).execute()
    errors = [o for c in nb.cells for o in c.get('outputs', []) if o.get('output_type') == 'error']
    assert not errors

# Colab's install cell: Colab comes with an older fastai and fastcore, which installing this package upgrades on disk

def colab_cell():
    "The hidden first cell that installs the package in Colab: the same in every notebook"
    cells = {''.join(c['source']) for p in sorted(nbs.glob('*.ipynb')) for c in json.loads(p.read_text())['cells']
             if 'google.colab' in ''.join(c['source'])}
    assert len(cells) == 1, f'{len(cells)} different install cells'
    return cells.pop()

def run_colab_cell(tmp_path, colab=True, imported=None):
    "Run the cell in a fresh Python made to look like Colab: `google.colab` loaded, a pip that only records its arguments, and `imported` modules already loaded at those versions"
    (tmp_path/'pip').mkdir(exist_ok=True)
    (tmp_path/'pip'/'__init__.py').write_text('')   # a regular package, found before the real pip in site-packages
    (tmp_path/'pip'/'__main__.py').write_text("import os, sys\nopen(os.environ['FAKE_PIP_LOG'], 'a').write(' '.join(sys.argv[1:]) + '\\n')\n")
    prog = textwrap.dedent(f"""
        import sys, types
        if {colab}: sys.modules['google.colab'] = types.ModuleType('google.colab')
        for name,v in {imported or {}!r}.items():
            sys.modules[name] = types.ModuleType(name); sys.modules[name].__version__ = v
        exec({colab_cell()!r})
        """)
    log = tmp_path/'pip.log'
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(tmp_path), os.environ.get('PYTHONPATH', '')]), 'FAKE_PIP_LOG': str(log)}
    r = subprocess.run([sys.executable, '-c', prog], capture_output=True, text=True, cwd=tmp_path, env=env)
    return r,(log.read_text().splitlines() if log.exists() else [])

def test_colab_cell_installs_only_in_colab(tmp_path):
    r,pip = run_colab_cell(tmp_path, colab=False)
    assert r.returncode == 0 and pip == [], r.stderr
    r,pip = run_colab_cell(tmp_path)   # a fresh session, nothing imported yet: install, and carry on
    assert r.returncode == 0, r.stderr
    assert pip == ['install -q git+https://github.com/human-numbers-lm/human_numbers_lm']

def test_colab_cell_rerun_after_a_good_run_carries_on(tmp_path):
    "Run top to bottom, the session holds the versions just installed: running the cell again is fine"
    r,_ = run_colab_cell(tmp_path, imported={m: version(m) for m in ('fastai', 'fastcore')})
    assert r.returncode == 0, r.stderr

def test_colab_cell_asks_for_a_restart_when_old_fastai_is_loaded(tmp_path):
    "Colab's fastai 2.7.19 and fastcore 1.7.29, imported before the cell ran: the cell stops, and says to restart"
    r,pip = run_colab_cell(tmp_path, imported={'fastai': '2.7.19', 'fastcore': '1.7.29'})
    assert r.returncode != 0 and len(pip) == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith('RuntimeError: this session imported fastai 2.7.19') and 'fastcore 1.7.29' in last, r.stderr
    assert 'restart the session (Runtime > Restart session)' in last
