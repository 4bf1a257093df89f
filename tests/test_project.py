"The project's shape: nbdev 3 config only, a README that is the index notebook, and clean committed outputs."
import json, os, re, sys, subprocess, tempfile, pytest
from pathlib import Path

root = Path(__file__).parent.parent

def test_nbdev3_config_only():
    assert not (root/'settings.ini').exists() and not (root/'setup.py').exists()
    cfg = (root/'pyproject.toml').read_text()   # tomllib would need Python 3.11; we support 3.10
    assert '[tool.nbdev]' in cfg and 'lib_path = "human_numbers_lm"' in cfg

def test_readme_matches_index_notebook():
    r = subprocess.run([sys.executable, str(root/'tools'/'readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

def test_fastai_uncapped_and_nbdev_only_for_development():
    cfg = (root/'pyproject.toml').read_text()
    deps = cfg.split('dependencies = [', 1)[1].split(']', 1)[0]
    assert '"fastai>=2.8.4,<3"' in deps and 'nbdev' not in deps   # fastai 2.9 and later allowed; nbdev only in [dev]
    assert '"nbdev>=3"' in cfg.split('dev = [', 1)[1].split(']', 1)[0]

@pytest.fixture(scope='module')
def clone(tmp_path_factory):
    "One clone of the repository for the sync-check tests, each of which starts from its HEAD"
    dst = tmp_path_factory.mktemp('clone')/'repo'
    subprocess.run(['git', 'clone', '-q', str(root), str(dst)], check=True)
    head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=dst, capture_output=True, text=True, check=True).stdout.strip()
    def fresh():
        subprocess.run(['git', 'reset', '-q', '--hard', head], cwd=dst, check=True)
        return dst
    return fresh

def _sync_check(repo):
    bin_ = Path(sys.executable).parent   # nbdev-clean and nbdev-export of this environment
    env = {**os.environ, 'PATH': f"{bin_}:{os.environ['PATH']}"}
    return subprocess.run(['bash', 'tools/sync_check.sh'], cwd=repo, capture_output=True, text=True, env=env)

def test_sync_check_passes_after_a_notebook_is_saved_by_jupyter(clone):
    "Jupyter adds execution counts and metadata when it saves: cleaning gives HEAD back, so the check passes"
    repo = clone()
    fn = repo/'nbs'/'02_stateful_rnn.ipynb'
    nb = json.loads(fn.read_text())
    for i,c in enumerate(nb['cells']):
        if c['cell_type'] == 'code': c['execution_count'] = i; c.setdefault('metadata', {})['execution'] = {'iopub.status.idle': 'x'}
    nb['metadata']['language_info'] = {'name': 'python', 'version': '3.11.7'}
    fn.write_text(json.dumps(nb, indent=1))
    r = _sync_check(repo)
    assert r.returncode == 0, r.stderr
    assert 'agree with HEAD' in r.stdout

def test_sync_check_names_a_notebook_out_of_sync_with_its_module(clone):
    "A notebook committed without `nbdev-export`: exporting changes its module, so the check fails and says what to run"
    repo = clone()
    fn = repo/'nbs'/'02_stateful_rnn.ipynb'
    fn.write_text(fn.read_text().replace('def check_state(', 'def check_state_renamed('))
    subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'notebook only'], cwd=repo, check=True)
    r = _sync_check(repo)
    assert r.returncode == 1
    assert 'human_numbers_lm/stateful_rnn.py' in r.stderr and 'nbdev-export' in r.stderr

def test_notebooks_read_in_the_books_order():
    "The chapter's notebooks come first, in the book's order, then the questionnaire, then our additions"
    names = sorted(p.stem for p in (root/'nbs').glob('[0-9]*.ipynb'))
    assert names[:7] == ['00_data', '01_simple_rnn', '02_stateful_rnn', '03_multilayer_rnn', '04_lstm_cell',
                         '05_regularization', '06_questionnaire']
    for p in (root/'nbs').glob('[0-9]*.ipynb'):   # one notebook per module, named alike
        exp = [''.join(c['source']) for c in json.loads(p.read_text())['cells'] if ''.join(c['source']).startswith('#| default_exp')]
        if exp: assert p.stem.split('_', 1)[1] == exp[0].split()[-1], p.name

def test_colab_badges_open_their_own_notebook():
    for p in (root/'nbs').glob('*.ipynb'):
        first = ''.join(json.loads(p.read_text())['cells'][0]['source'])
        assert f'/blob/main/nbs/{p.name})' in first, f'{p.name}: its Colab badge opens another notebook'

# What a committed output must not hold: this machine's own paths (a temporary folder, the checkout, the environment),
# and warnings. A command's deliberate one-line error on stderr (`prog: error: ...`, as `17_cli` shows) is fine.
_LOCAL = [re.escape(str(p)) for p in {root.resolve(), Path.home(), Path(tempfile.gettempdir()).resolve(), Path(sys.prefix)}
          if len(p.parts) > 1] + [r'(?<![\w.:/])/(?:tmp|var/folders|private|home|Users|root|work|mnt|opt)/', r'\.venv\b',
                                   r'site-packages', r'\b[A-Za-z]:\\']
LOCAL_PATH = re.compile('|'.join(_LOCAL))
WARNING = re.compile(r'\b\w*Warning\b|^[IWEF]\d{4} \d\d:\d\d:\d\d', re.M)   # Python warnings; glog lines from torch
CMD_ERROR = re.compile(r'^[\w.-]+(?: [\w.-]+)*: error: ')

def _texts(o):
    "Every text an output holds: a stream, the text forms of a result, an error and its traceback"
    if o['output_type'] == 'stream': yield ''.join(o['text'])
    for k,v in o.get('data', {}).items():
        if k.startswith('text/'): yield ''.join(v) if isinstance(v, list) else v
    if o['output_type'] == 'error': yield from [o.get('evalue', ''), *o.get('traceback', [])]

def output_problems(fn):
    "The committed outputs of notebook `fn` that show a local path or a warning: (cell number, what, the line)"
    res = []
    for i,c in enumerate(json.loads(Path(fn).read_text())['cells']):
        for o in c.get('outputs', []):
            for t in _texts(o):
                res += [(i, 'local path', l.strip()) for l in t.splitlines() if LOCAL_PATH.search(l)]
                res += [(i, 'warning', l.strip()) for l in t.splitlines() if WARNING.search(l)]
            if o['output_type'] == 'stream' and o['name'] == 'stderr':
                res += [(i, 'stderr', l.strip()) for l in ''.join(o['text']).splitlines() if l.strip() and not CMD_ERROR.match(l)]
    return sorted(set(res))

@pytest.mark.parametrize('name', sorted(p.name for p in (root/'nbs').glob('*.ipynb')))
def test_outputs_hold_no_local_path_and_no_warning(name):
    assert output_problems(root/'nbs'/name) == []

def test_output_scan_catches_paths_and_warnings(tmp_path):
    "The scan can fail: a temporary folder, the environment's path, a warning, torch's log line; a CLI error passes"
    outs = [dict(output_type='stream', name='stdout', text=[f'saved {tempfile.gettempdir()}/tmpab12/ck\n']),
            dict(output_type='stream', name='stderr', text=[f'{sys.prefix}/lib/x.py:9: UserWarning: careful\n']),
            dict(output_type='stream', name='stderr', text=['W1129 23:46:15.894000 12484 torch/x.py:183] No CUDA runtime\n']),
            dict(output_type='execute_result', data={'text/plain': ["'/work/main/nbs'"]}, metadata={}, execution_count=1),
            dict(output_type='stream', name='stderr', text=['demo: error: unknown model\n', 'hnlm train: error: bad\n'])]
    fn = tmp_path/'x.ipynb'
    fn.write_text(json.dumps(dict(cells=[dict(cell_type='code', source='', outputs=[o]) for o in outs])))
    found = {(i, what) for i,what,_ in output_problems(fn)}
    assert found == {(0, 'local path'), (1, 'local path'), (1, 'warning'), (1, 'stderr'), (2, 'warning'), (2, 'stderr'),
                     (3, 'local path')}
