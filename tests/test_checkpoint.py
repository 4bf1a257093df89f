"Checkpoints: a round trip in a fresh process, one clear line for each kind of damage, and saves that are never half-written."
import json, os, pickle, shutil, signal, subprocess, sys, textwrap, pytest, torch
from pathlib import Path
from human_numbers_lm import checkpoint as cm
from human_numbers_lm.all import *

PROMPT = 'eight thousand one hundred one . eight thousand one hundred two .'

@pytest.fixture(scope='module')
def vocab(): return load_nums()[1]

def make(name, seed=0):
    "A freshly initialised chapter model with the book's sizes"
    torch.manual_seed(seed)
    kw = {'LMModel7': (2, 0.4), 'LMModel5': (2,), 'LMModel6': (2,)}.get(name, ())
    return MODELS[name](30, 64, *kw)

def preds(m, vocab):
    "`m`'s scores for the prompt, from a fresh state, in eval mode"
    m.eval()
    if isinstance(m, StatefulLM): m.reset()
    x = encode(PROMPT, vocab)[None]
    out = m(x if isinstance(m, StatefulLM) else x[:, :3])
    return (out[0] if isinstance(out, tuple) else out).detach()

def one_line_error(path, contains):
    "Load `path`, expecting a one-line `CheckpointError` that names `path` and contains `contains`"
    with pytest.raises(CheckpointError) as e: load_checkpoint(path)
    msg = str(e.value)
    assert '\n' not in msg and str(path) in msg and contains in msg, msg
    return msg

@pytest.mark.parametrize('name', ['LMModel7', 'LMModel5'])   # tied weights, and not
def test_round_trip_in_a_fresh_process(tmp_path, vocab, name):
    m = make(name)
    save_checkpoint(m, vocab, tmp_path/'ckpt')
    want = preds(m, vocab)
    code = textwrap.dedent(f"""
        import sys, torch, warnings
        warnings.simplefilter('ignore')
        torch.load = None   # loading must not need it
        from human_numbers_lm.all import *
        m,vocab = load_checkpoint(sys.argv[1])
        assert not m.training
        x = encode({PROMPT!r}, vocab)[None]
        out = m(x if isinstance(m, StatefulLM) else x[:, :3])
        torch.save((out[0] if isinstance(out, tuple) else out).detach(), sys.argv[2])
        print(generate(m, vocab, {PROMPT!r}, 12))
        print(getattr(m, 'h_o').weight is m.i_h.weight)
        """)
    r = subprocess.run([sys.executable, '-c', code, str(tmp_path/'ckpt'), str(tmp_path/'out.pt')],
                       capture_output=True, text=True, env=os.environ | {'PYTHONPATH': os.pathsep.join([str(Path(cm.__file__).parents[1]), os.environ.get('PYTHONPATH', '')])})
    assert r.returncode == 0, r.stderr
    text,tied = r.stdout.splitlines()[-2:]
    assert torch.equal(torch.load(tmp_path/'out.pt'), want)   # our own file, written just now
    assert text == generate(m, vocab, PROMPT, 12)
    assert tied == str(name == 'LMModel7')

def test_save_writes_two_files_and_records_the_model(tmp_path, vocab):
    p = save_checkpoint(make('LMModel6'), vocab, tmp_path/'a'/'b', meta={'epochs': 15})
    assert p == tmp_path/'a'/'b' and sorted(f.name for f in p.iterdir()) == ['config.json', 'model.safetensors']
    cfg = json.loads((p/'config.json').read_text())
    assert cfg['model'] == 'LMModel6' and cfg['args'] == {'vocab_sz': 30, 'n_hidden': 64, 'n_layers': 2}
    assert cfg['vocab'] == list(vocab) and cfg['meta'] == {'epochs': 15} and cfg['format'] == 1
    assert set(cfg['versions']) == {'torch', 'fastai', 'safetensors'}
    assert [f.name for f in (tmp_path/'a').iterdir()] == ['b']   # no temporary folder left behind

def test_load_never_unpickles(tmp_path, vocab, monkeypatch):
    save_checkpoint(make('LMModel7'), vocab, tmp_path/'c')
    def boom(*a, **k): raise AssertionError('unpickled')
    for mod,name in [(torch, 'load'), (pickle, 'load'), (pickle, 'loads'), (pickle, 'Unpickler')]: monkeypatch.setattr(mod, name, boom)
    m,_ = load_checkpoint(tmp_path/'c')
    assert m.h_o.weight is m.i_h.weight

@pytest.fixture
def ckpt(tmp_path, vocab): return save_checkpoint(make('LMModel7'), vocab, tmp_path/'ckpt')

def edit_config(ckpt, f):
    cfg = json.loads((ckpt/'config.json').read_text())
    f(cfg)
    (ckpt/'config.json').write_text(json.dumps(cfg))

@pytest.mark.parametrize('keep', [0, 5, 100, 0.5, -10])
def test_truncated_weights(ckpt, keep):
    fn = ckpt/'model.safetensors'
    w = fn.read_bytes()
    fn.write_bytes(w[:int(len(w)*keep) if isinstance(keep, float) else keep if keep >= 0 else len(w)+keep])
    one_line_error(ckpt, 'checksum')

def test_truncated_weights_with_a_matching_checksum(ckpt):
    "Even a config edited to match a truncated file can't get it loaded"
    fn = ckpt/'model.safetensors'
    fn.write_bytes(fn.read_bytes()[:-10])
    edit_config(ckpt, lambda c: c.update(weights_sha256=cm._sha256(fn)))
    one_line_error(ckpt, 'damaged weights file')

@pytest.mark.parametrize('edit,contains', [
    (lambda c: c.pop('args'), "lacks 'args'"),
    (lambda c: c.pop('vocab'), "lacks 'vocab'"),
    (lambda c: c.update(model='LMModel9'), "unknown model 'LMModel9'"),
    (lambda c: c.update(model=7), 'unknown model 7'),
    (lambda c: c.update(format=2), 'format 2'),
    (lambda c: c['args'].update(n_hidden='64'), "invalid n_hidden='64'"),
    (lambda c: c['args'].update(n_layers=True), 'invalid n_layers=True'),
    (lambda c: c['args'].update(p=1.5), 'invalid p=1.5'),
    (lambda c: c['args'].pop('p'), "where LMModel7 takes"),
    (lambda c: c.update(args=[30, 64, 2, 0.4]), "'args' that is a list"),
    (lambda c: c.update(vocab=c['vocab'][:-1]), 'vocab_sz=30 but a vocab of 29 words'),
    (lambda c: c.update(vocab=c['vocab'][:-1] + ['one']), 'repeated words'),
    (lambda c: c.update(vocab='one two'), "'vocab' that is not a non-empty list"),
    (lambda c: c.update(weights_sha256=None), "'weights_sha256' that is not a string"),
    (lambda c: c.update(weights_sha256='0'*64), "checksum doesn't match"),
])
def test_edited_config(ckpt, edit, contains):
    edit_config(ckpt, edit)
    one_line_error(ckpt, contains)

def test_vocab_size_not_matching_the_weights(ckpt):
    edit_config(ckpt, lambda c: (c.update(vocab=c['vocab'][:-1]), c['args'].update(vocab_sz=29)))
    one_line_error(ckpt, "has shape (30")   # h_o.bias or i_h.weight, whichever comes first

def test_weights_of_another_model(ckpt, tmp_path, vocab):
    other = save_checkpoint(make('LMModel6'), vocab, tmp_path/'lm6')
    shutil.copy(other/'model.safetensors', ckpt/'model.safetensors')
    edit_config(ckpt, lambda c: c.update(weights_sha256=cm._sha256(ckpt/'model.safetensors')))
    one_line_error(ckpt, 'model.safetensors')

@pytest.mark.parametrize('text,contains', [('{"format": 1,', 'not valid JSON'), ('[1, 2]', 'holds a list'),
                                           (b'\xff\xfe{}', 'not UTF-8'), ('', 'not valid JSON')])
def test_config_that_is_not_a_config(ckpt, text, contains):
    (ckpt/'config.json').write_bytes(text if isinstance(text, bytes) else text.encode())
    one_line_error(ckpt, contains)

def test_missing_folder_or_file(ckpt, tmp_path):
    one_line_error(tmp_path/'nowhere', 'no such folder')
    (tmp_path/'f').write_text('x'); one_line_error(tmp_path/'f', 'not a folder')
    (ckpt/'model.safetensors').unlink(); one_line_error(ckpt, 'model.safetensors is missing')
    (ckpt/'config.json').unlink(); one_line_error(ckpt, 'config.json is missing')

def test_save_refuses_what_it_cannot_save(tmp_path, vocab):
    m = make('LMModel1')
    (tmp_path/'docs').mkdir(); (tmp_path/'docs'/'thesis.tex').write_text('precious')
    for path,args,contains in [(tmp_path/'docs', {}, 'holds more than a checkpoint'),
                               (tmp_path/'docs'/'thesis.tex', {}, 'it is a file'),
                               (tmp_path/'x', dict(vocab=list(vocab)[:29]), '29 words but the model has 30'),
                               (tmp_path/'x', dict(meta={'f': print}), 'not JSON-able'),
                               (tmp_path/'x', dict(name='LMModel2'), 'not a LMModel2'),
                               ('/proc/hnlm/ckpt', {}, "can't save to /proc/hnlm/ckpt")]:
        with pytest.raises(CheckpointError) as e: save_checkpoint(m, args.get('vocab', vocab), path, **{k:v for k,v in args.items() if k != 'vocab'})
        assert contains in str(e.value) and '\n' not in str(e.value), str(e.value)
    assert (tmp_path/'docs'/'thesis.tex').read_text() == 'precious' and sorted(p.name for p in tmp_path.iterdir()) == ['docs']

def snapshot(d): return {p.relative_to(d): p.read_bytes() for p in sorted(Path(d).rglob('*')) if p.is_file()}

@pytest.mark.parametrize('where', ['weights', 'final rename'])
def test_interrupted_save_keeps_the_old_checkpoint(ckpt, vocab, monkeypatch, where):
    before = snapshot(ckpt.parent)
    if where == 'weights':
        def half(model, fn, *a, **k): Path(fn).write_bytes(b'half'); raise KeyboardInterrupt()
        monkeypatch.setattr(cm, 'st_save_model', half)
    else:
        real = os.rename
        def rename(src, dst):
            if Path(dst) == ckpt and str(src).endswith('.tmp'): raise OSError(28, 'No space left on device')   # the new one, not the restore
            return real(src, dst)
        monkeypatch.setattr(cm.os, 'rename', rename)
    with pytest.raises((KeyboardInterrupt, CheckpointError)): save_checkpoint(make('LMModel7', seed=1), vocab, ckpt)
    assert snapshot(ckpt.parent) == before   # the old checkpoint, byte for byte, and nothing else
    load_checkpoint(ckpt)

def test_interrupted_new_save_leaves_nothing(tmp_path, vocab, monkeypatch):
    def half(model, fn, *a, **k): Path(fn).write_bytes(b'half'); raise KeyboardInterrupt()
    monkeypatch.setattr(cm, 'st_save_model', half)
    with pytest.raises(KeyboardInterrupt): save_checkpoint(make('LMModel1'), vocab, tmp_path/'new')
    assert list(tmp_path.iterdir()) == []

def test_killed_mid_save(ckpt, tmp_path):
    "A process killed while saving (no cleanup runs) leaves the old checkpoint whole, under its name"
    before = snapshot(ckpt)
    code = textwrap.dedent("""
        import os, signal, sys, warnings
        warnings.simplefilter('ignore')
        from human_numbers_lm import checkpoint as cm
        from human_numbers_lm.all import *
        real = cm.st_save_model
        def dying(model, fn, *a, **k): real(model, fn, *a, **k); os.kill(os.getpid(), signal.SIGKILL)
        cm.st_save_model = dying
        save_checkpoint(LMModel7(30, 64, 2, 0.1), load_nums()[1], sys.argv[1])
        """)
    r = subprocess.run([sys.executable, '-c', code, str(ckpt)], capture_output=True, text=True,
                       env=os.environ | {'PYTHONPATH': os.pathsep.join([str(Path(cm.__file__).parents[1]), os.environ.get('PYTHONPATH', '')])})
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert snapshot(ckpt) == before
    assert load_checkpoint(ckpt)[0].drop.p == 0.4
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith('.')] == ['ckpt']   # only a hidden temp folder besides

@pytest.mark.parametrize('umask', [0o022, 0o077])
def test_checkpoint_files_follow_the_umask(tmp_path, vocab, umask):
    "Both files, and the folder, get the modes the umask gives, as any new file would (safetensors alone would write 0600)"
    old = os.umask(umask)
    try: p = save_checkpoint(make('LMModel1'), vocab, tmp_path/'ck')
    finally: os.umask(old)
    assert [(f.name, f.stat().st_mode & 0o777) for f in sorted(p.iterdir())] == [(n, 0o666 & ~umask) for n in ('config.json', 'model.safetensors')]
    assert p.stat().st_mode & 0o777 == 0o777 & ~umask

def test_replacing_a_checkpoint(ckpt, vocab):
    save_checkpoint(make('LMModel3'), vocab, ckpt)
    m,_ = load_checkpoint(ckpt)
    assert type(m) is LMModel3 and [p.name for p in ckpt.parent.iterdir()] == ['ckpt']

FIXTURES = Path(__file__).parent/'fixtures'

def test_files_written_before_the_rename_load():
    "A checkpoint and a pickle of LMModel6 written by 0.1.0, whose module was `lstm` (now `lstm_cell`), both load"
    m,vocab = load_checkpoint(FIXTURES/'lm6_0.1.0')                    # names the model, not the module
    pkl = torch.load(FIXTURES/'lm6_0.1.0.pt', weights_only=False)       # names human_numbers_lm.lstm.LMModel6
    assert type(m) is type(pkl) is LMModel6
    x = torch.arange(8)[None]
    m.reset(); pkl.reset()
    out = m(x)
    torch.testing.assert_close(out, pkl(x))
    torch.testing.assert_close(out[0, -1, :4], torch.tensor([0.3289, 0.2488, 0.1627, -0.2114]), atol=1e-4, rtol=0)  # as 0.1.0 printed
