"The `hnlm` command: fast help and argument errors, one error style and exit status per kind of error, one policy for output paths, progress that suits the output, checkpoints that generate."
import json, os, re, signal, subprocess, sys, time, pytest, torch
from pathlib import Path
from human_numbers_lm import reproduce as rp, cli, bench, runner
from human_numbers_lm.cli import hnlm, hnlm_parser, MODEL_NAMES, CmdParser, check_out, is_ours
from human_numbers_lm.recipes import MODELS, BookRun
from human_numbers_lm.data import load_nums
from human_numbers_lm.checkpoint import save_checkpoint

PY = sys.executable
ROOT = Path(__file__).parent.parent
PROMPT = 'eight thousand one hundred one . eight thousand one hundred two .'

def run_main(capsys, *args):
    "Run `hnlm args` in-process; return (exit code, stdout, stderr)"
    try: hnlm(list(args)); code = 0
    except SystemExit as e: code = e.code
    out,err = capsys.readouterr()
    return code,out,err

def sub(*args, **kwargs):
    "Run `python -m human_numbers_lm args` in a new process"
    return subprocess.run([PY, '-m', 'human_numbers_lm', *map(str, args)], capture_output=True, text=True, **kwargs)

def one_line(err, prefix):
    "stderr is a single line starting with `prefix`, and no traceback"
    return len(err.strip().splitlines()) == 1 and err.startswith(prefix) and 'Traceback' not in err

@pytest.fixture(scope='module')
def ckpt(tmp_path_factory):
    "An untrained LMModel4 checkpoint with the real vocabulary: generation needs no training to be repeatable"
    _,vocab = load_nums()
    torch.manual_seed(0)
    return save_checkpoint(MODELS['LMModel4'](len(vocab), 64), vocab, tmp_path_factory.mktemp('ck')/'ck')

# 1. Fast answers: help and argument errors import no torch (nor fastai)

FAST = [['--help'], ['train', '--help'], ['generate', '--help'], ['reproduce', '--help'], ['train', 'LMModel9'], [],
        ['reproduce', '--seeds', '0'], ['reproduce', '--device', 'tpu'], ['train', 'LMModel1', '--lr', 'nan'],
        ['generate', 'ck', '--prompt', 'one', '--temperature', '-1'], ['generate', 'ck', '--prompt', 'one', '--top-k', '0'],
        ['generate', 'ck'], ['train', 'LMModel1', '--save', '{existing}'], ['reproduce', '--out', '{existing}'],
        ['generate', 'ck', '--prompt', 'one', '--temperature', '0', '--seed', '1']]

@pytest.mark.parametrize('args', FAST)
def test_help_and_argument_errors_import_no_torch(args, tmp_path):
    (tmp_path/'existing.txt').write_text('not ours')
    args = [a.format(existing=tmp_path/'existing.txt') for a in args]
    prog = f"import sys\nfrom human_numbers_lm.cli import hnlm\ntry: hnlm({args!r})\nexcept SystemExit as e: print(e.code, sorted(m for m in ('torch', 'fastai') if m in sys.modules))"
    r = subprocess.run([PY, '-c', prog], capture_output=True, text=True)
    code,loaded = r.stdout.strip().splitlines()[-1].split(' ', 1)
    assert loaded == '[]', (args, loaded)
    assert int(code) == (0 if '--help' in args else 2), r.stderr
    if '--help' not in args: assert one_line(r.stderr, 'hnlm'), r.stderr

def test_console_script_is_the_light_module():
    cfg = (ROOT/'pyproject.toml').read_text()
    assert re.search(r'^hnlm = "human_numbers_lm\.cli:hnlm"$', cfg, re.M)
    assert (ROOT/'human_numbers_lm'/'__main__.py').read_text().count('from .cli import hnlm') == 1

# 2. No third-party warnings on the command line

def test_help_prints_no_warning():
    r = sub('--help')
    assert r.returncode == 0 and r.stderr == '' and 'usage: hnlm' in r.stdout

@pytest.mark.train
def test_a_command_that_loads_torch_prints_only_its_own_line(tmp_path):
    r = sub('generate', tmp_path/'nowhere', '--prompt', 'one')   # loads torch and fastai, then fails on the path
    assert r.returncode == 1 and one_line(r.stderr, 'hnlm generate: error: ') and 'Warning' not in r.stderr, r.stderr

def test_quiet_warnings_hides_only_the_known_messages():
    import warnings
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        runner.quiet_warnings()
        for msg in runner.KNOWN_WARNINGS: warnings.warn(msg + ' and more', FutureWarning)
        warnings.warn('a new warning', FutureWarning)
    assert [str(w.message) for w in ws] == ['a new warning']

@pytest.mark.parametrize('nb', ['16_reproduce.ipynb', '17_cli.ipynb', '18_bench.ipynb'])
def test_notebook_first_cells_print_no_warning(nb):
    "The committed outputs up to the imports cell hold no warning"
    cells = json.loads((ROOT/'nbs'/nb).read_text())['cells']
    upto = next(i for i,c in enumerate(cells) if ''.join(c['source']).startswith('#| export'))
    outs = [o for c in cells[:upto+1] for o in c.get('outputs', [])]
    assert not outs, outs

# 3. One error style; exit 2 for bad arguments, 1 for unusable files, 130 for Ctrl-C

@pytest.mark.parametrize('args,prefix', [
    (['reproduce', '--models', 'LMModel9'], 'hnlm reproduce: error: '), (['train', 'LMModel0'], 'hnlm train: error: '),
    (['reproduce', '--seeds', 'abc'], 'hnlm reproduce: error: '), (['reproduce', '--seeds', '2.5'], 'hnlm reproduce: error: '),
    (['reproduce', '--epochs', '-1'], 'hnlm reproduce: error: '), (['train', 'LMModel1', '--lr', '0'], 'hnlm train: error: '),
    (['train', 'LMModel1', '--seed', '-1'], 'hnlm train: error: '), (['reproduce', '--device', 'cuda:x'], 'hnlm reproduce: error: '),
    (['reproduce', '--models', 'LMModel1,lmmodel1'], 'hnlm reproduce: error: '), (['frobnicate'], 'hnlm: error: ')])
def test_bad_input_is_one_line_exit_2(capsys, args, prefix, tmp_path):
    code,out,err = run_main(capsys, *args, *(['--out', str(tmp_path)] if args[0] == 'reproduce' else []))
    assert code == 2 and one_line(err, prefix) and out == '', err

def test_unknown_model_lists_the_valid_ones(capsys, tmp_path):
    code,_,err = run_main(capsys, 'reproduce', '--models', 'LMModel9', '--out', str(tmp_path))
    assert "unknown model 'LMModel9'" in err and ', '.join(MODELS) in err

@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has a GPU')
def test_cuda_without_gpu(capsys, tmp_path):
    code,_,err = run_main(capsys, 'reproduce', '--device', 'cuda', '--out', str(tmp_path), '--plain')
    assert code == 2 and one_line(err, 'hnlm reproduce: error: ') and 'no CUDA GPU' in err

@pytest.mark.parametrize('kind', ['under /proc', 'a file'])
def test_unusable_data_folder_exits_1(capsys, monkeypatch, tmp_path, kind):
    where = '/proc/hnlm-data' if kind == 'under /proc' else str(tmp_path/'not-a-folder')
    if kind == 'a file': Path(where).write_text('x')
    monkeypatch.setenv('HNLM_DATA', where)
    code,_,err = run_main(capsys, 'train', 'LMModel1', '--epochs', '1', '--plain')
    assert code == 1 and one_line(err, 'hnlm train: error: ') and where in err

@pytest.mark.train
def test_bench_command_has_the_same_style():
    p = bench.bench_parser()
    assert isinstance(p, CmdParser)
    r = subprocess.run([PY, '-m', 'human_numbers_lm.bench', '--seeds', '0'], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ''
    assert r.stderr == "python -m human_numbers_lm.bench: error: argument --seeds: '0' must be >= 1\n", r.stderr
    r = subprocess.run([PY, '-m', 'human_numbers_lm.bench', '--models', 'LMModel9'], capture_output=True, text=True)
    assert r.returncode == 2 and one_line(r.stderr, 'python -m human_numbers_lm.bench: error: ') and 'LMModel9' in r.stderr

# 4. Every option has help text; every subcommand a description with an example

def _parsers():
    p = hnlm_parser()
    return [('hnlm', p), *((f'hnlm {n}', s) for n,s in p.subs.items()), ('python -m human_numbers_lm.bench', bench.bench_parser())]

@pytest.mark.parametrize('name,p', _parsers(), ids=lambda x: x if isinstance(x, str) else '')
def test_every_option_has_help_and_every_command_an_example(name, p):
    for a in p._actions: assert a.help, (name, a.dest)
    assert re.search(r'\bexample:\n  ' + re.escape(name.split()[0]), p.description), name
    if name.startswith('hnlm '): assert f'\n  {name} ' in p.description, name   # the example runs this subcommand

# 5. Model names are case-insensitive

def test_model_names_in_any_case(capsys, monkeypatch, tmp_path):
    got = {}
    monkeypatch.setattr(rp, 'train_cmd', lambda model, *a, **k: got.setdefault('train', model))
    monkeypatch.setattr(rp, 'reproduce', lambda models, *a, **k: got.setdefault('reproduce', models))
    assert run_main(capsys, 'train', 'lmmodel7', '--plain')[0] == 0
    assert run_main(capsys, 'reproduce', '--models', 'lmmodel2,LMMODEL1', '--out', str(tmp_path), '--plain')[0] == 0
    assert got == {'train': 'LMModel7', 'reproduce': ['LMModel2', 'LMModel1']}

# 6. One policy for output paths

@pytest.fixture
def no_training(monkeypatch):
    monkeypatch.setattr(rp, '_train', lambda *a, **k: pytest.fail('trained before the output paths were checked'))

@pytest.mark.parametrize('opt,make', [
    ('--save', lambda p: p.write_text('my notes')),
    ('--checkpoint', lambda p: (p.mkdir(), (p/'config.json').write_text('{"mine": 1}'))),
    ('--out', lambda p: (p.mkdir(), (p/'results.json').write_text('my notes')))])
def test_a_strangers_path_is_refused_before_training(capsys, no_training, tmp_path, opt, make):
    make(tmp_path/'x')
    before = sorted((q.name, q.stat().st_size) for q in tmp_path.rglob('*'))
    args = ['reproduce', '--out', str(tmp_path/'x')] if opt == '--out' else ['train', 'LMModel1', opt, str(tmp_path/'x')]
    code,_,err = run_main(capsys, *args, '--plain')
    assert code == 2 and one_line(err, f'hnlm {args[0]}: error: {opt} ') and 'add --force' in err, err
    assert sorted((q.name, q.stat().st_size) for q in tmp_path.rglob('*')) == before   # nothing touched

def test_force_replaces_a_strangers_file(capsys, monkeypatch, tmp_path):
    (tmp_path/'x').write_text('my notes')
    got = []
    monkeypatch.setattr(rp, 'train_cmd', lambda *a, **k: got.append(a))
    assert run_main(capsys, 'train', 'LMModel1', '--save', str(tmp_path/'x'), '--force', '--plain')[0] == 0 and got

def test_even_force_never_deletes_a_folder_of_other_files(capsys, no_training, tmp_path):
    (tmp_path/'photos').mkdir(); (tmp_path/'photos'/'cat.jpg').write_text('x')
    code,_,err = run_main(capsys, 'train', 'LMModel1', '--checkpoint', str(tmp_path/'photos'), '--force', '--plain')
    assert code == 2 and 'holds other files' in err and (tmp_path/'photos'/'cat.jpg').exists()

def test_force_help_says_what_force_does(tmp_path):
    "train --help: --force replaces a stranger's file, or folder of a checkpoint's two files; a folder of other files never"
    h = ' '.join(hnlm_parser().subs['train'].format_help().split())
    assert ('--force replace an existing --save file, or a --checkpoint folder holding only config.json and model.safetensors, '
            'that is not an output of ours; a folder with any other file is refused even so, and left as it is') in h, h
    (tmp_path/'f').write_text('mine'); (tmp_path/'two').mkdir(); (tmp_path/'two'/'config.json').write_text('{"mine": 1}')
    assert check_out(tmp_path/'f', 'export', force=True) == tmp_path/'f'
    assert check_out(tmp_path/'two', 'checkpoint', force=True) == tmp_path/'two'
    (tmp_path/'two'/'notes.txt').write_text('mine')
    with pytest.raises(cli.UsageError, match=r'holds other files.*even --force leaves such a folder as it is'): check_out(tmp_path/'two', 'checkpoint', force=True)
    assert (tmp_path/'two'/'notes.txt').read_text() == 'mine' and (tmp_path/'two'/'config.json').exists()
    r = ' '.join(hnlm_parser().subs['reproduce'].format_help().split())
    assert 'other files there are left as they are' in r

@pytest.mark.parametrize('opt', ['--save', '--checkpoint'])
def test_output_onto_the_wrong_kind_of_path(capsys, no_training, tmp_path, opt):
    (tmp_path/'f').write_text('x')
    code,_,err = run_main(capsys, 'train', 'LMModel1', opt, str(tmp_path if opt == '--save' else tmp_path/'f'), '--plain')
    assert code == 2 and ('that is a folder' if opt == '--save' else 'that is a file') in err

def test_unwritable_paths_fail_before_training(capsys, no_training):
    for args in (['reproduce', '--models', 'LMModel1', '--out', '/proc/hnlm/results'], ['train', 'LMModel1', '--save', '/proc/hnlm/m.pkl'],
                 ['train', 'LMModel1', '--checkpoint', '/proc/hnlm/ck']):
        code,_,err = run_main(capsys, *args, '--plain')
        assert code == 2 and 'cannot write there' in err, err

def test_our_outputs_are_recognised_and_parents_created(tmp_path, ckpt):
    assert is_ours(ckpt, 'checkpoint') and check_out(ckpt, 'checkpoint') == ckpt
    (tmp_path/'r').mkdir(); (tmp_path/'r'/'results.json').write_text(json.dumps([{'model': 'LMModel1', 'acc': [0.5]}]))
    assert check_out(tmp_path/'r', 'results') == tmp_path/'r'
    assert check_out(tmp_path/'new'/'deep'/'ck', 'checkpoint') == tmp_path/'new'/'deep'/'ck' and (tmp_path/'new'/'deep').is_dir()
    (tmp_path/'data').mkdir(); (tmp_path/'data'/'notes.csv').write_text('1')
    assert check_out(tmp_path/'data', 'results') == tmp_path/'data'   # nothing of ours there to replace: we add our files

def modes(*paths): return [oct(Path(p).stat().st_mode & 0o777) for p in paths]

@pytest.mark.train
def test_train_saves_twice_to_the_same_paths(tmp_path):
    "`--save` and `--checkpoint` written once are ours: the same command again replaces them; every file follows the umask"
    fn,ck = tmp_path/'sub'/'m.pkl',tmp_path/'sub'/'ck'
    for i in range(2):
        r = sub('train', 'LMModel1', '--epochs', '1', '--save', fn, '--checkpoint', ck, umask=0o027)
        assert r.returncode == 0, r.stderr
    assert is_ours(fn, 'export') and is_ours(ck, 'checkpoint')
    assert modes(fn, ck/'config.json', ck/'model.safetensors') == ['0o640']*3 and modes(ck, tmp_path/'sub') == ['0o750']*2
    assert 'not kept' not in r.stdout
    meta = json.loads((ck/'config.json').read_text())['meta']
    assert meta['epochs'] == 1 and meta['seed'] == 0 and 0.3 < meta['accuracy'] < 0.7 and meta['lr'] == 1e-3
    assert 'accuracy' in r.stdout and f'saved {ck}' in r.stdout and f'saved {fn}' in r.stdout

# 7. Progress that suits the output

@pytest.mark.train
def test_piped_reproduce_prints_one_line_per_training(tmp_path):
    r = sub('reproduce', '--models', 'LMModel1', '--seeds', '2', '--epochs', '1', '--out', tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.splitlines() if ' seed ' in l]
    assert len(lines) == 2 and all(re.fullmatch(rf'LMModel1 seed {i}: accuracy 0\.\d{{3}}, next number 0\.\d{{3}}, \d+\.\d s', l)
                                   for i,l in enumerate(lines)), lines
    assert '\r' not in r.stdout and 'book in range' in r.stdout

@pytest.mark.train
def test_piped_train_prints_the_table_as_lines(tmp_path):
    r = sub('train', 'LMModel1', '--epochs', '2')
    assert r.returncode == 0, r.stderr
    assert '\r' not in r.stdout and '█' not in r.stdout
    lines = r.stdout.splitlines()
    assert lines[0].split() == ['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time'] and len(lines) == 4, lines
    assert lines[-1] == 'not kept: add --checkpoint DIR to keep the model for hnlm generate (or --save FILE for fastai)'   # nothing saved, said

@pytest.mark.train
def test_a_terminal_gets_the_bar(tmp_path):
    import pty
    m,s = pty.openpty()
    p = subprocess.Popen([PY, '-m', 'human_numbers_lm', 'reproduce', '--models', 'LMModel1', '--epochs', '1', '--out', str(tmp_path)],
                         stdout=s, stderr=subprocess.PIPE)
    os.close(s)
    out = b''
    while True:
        try: b = os.read(m, 65536)
        except OSError: break   # the child closed the terminal
        if not b: break
        out += b
    p.wait(); os.close(m)
    assert p.returncode == 0, p.stderr.read()
    assert b'100.00% [1/1' in out and not re.search(rb'(^|\n)LMModel1 seed 0: accuracy', out)   # the bar, not plain lines

# Issue 13: hnlm generate

def test_generate_prints_prompt_and_the_same_continuation_twice(ckpt):
    outs = [sub('generate', ckpt, '--prompt', PROMPT, '--words', 24) for _ in range(2)]
    assert all(r.returncode == 0 and r.stderr == '' for r in outs), outs[0].stderr
    line = outs[0].stdout.strip()
    assert outs[1].stdout.strip() == line and line.startswith(PROMPT + ' ')
    _,vocab = load_nums()
    words = line[len(PROMPT):].split()
    assert len(words) == 24 and set(words) <= set(vocab)

def test_generate_samples_repeat_with_a_seed(ckpt):
    outs = [sub('generate', ckpt, '--prompt', PROMPT, '--temperature', '1.5', '--top-k', '5', '--seed', '7').stdout for _ in range(2)]
    assert outs[0] == outs[1] and outs[0].startswith(PROMPT)

@pytest.mark.parametrize('args,says', [
    (['--prompt', 'eight zillion'], "'zillion' is not in the vocabulary"), (['--prompt', 'one', '--temperature', '-0.5'], '--temperature'),
    (['--prompt', 'one', '--top-k', '0'], '--top-k'), (['--prompt', 'one', '--top-k', '31'], 'top_k must be'),
    (['--prompt', ''], 'the prompt is empty'), (['--prompt', 'one', '--words', '-1'], '--words'),
    (['--prompt', 'one', '--temperature', '0', '--top-k', '5', '--seed', '1'], '--top-k and --seed only matter when sampling')])
def test_generate_bad_arguments_exit_2(capsys, ckpt, args, says):
    code,out,err = run_main(capsys, 'generate', str(ckpt), *args)
    assert code == 2 and one_line(err, 'hnlm generate: error: ') and says in err and out == '', err

def test_top_k_or_seed_alone_sample_at_temperature_1(capsys, ckpt):
    "--top-k and --seed ask for sampling: without --temperature they sample at temperature 1, never silently greedy"
    def line(*args):
        code,out,err = run_main(capsys, 'generate', str(ckpt), '--prompt', PROMPT, '--words', '24', *args)
        assert code == 0 and err == '', err
        return out
    greedy = line()
    assert line('--top-k', '5', '--seed', '3') == line('--temperature', '1', '--top-k', '5', '--seed', '3') != greedy
    assert line('--seed', '3') == line('--temperature', '1', '--seed', '3') != greedy
    h = ' '.join(hnlm_parser().subs['generate'].format_help().split())
    assert '--top-k or --seed without --temperature sample at temperature 1' in h and '(default 0, or 1 when --top-k or --seed is given)' in h

@pytest.mark.parametrize('damage', ['missing', 'config', 'weights'])
def test_generate_unusable_checkpoint_exits_1(capsys, ckpt, tmp_path, damage):
    import shutil
    bad = tmp_path/'ck'
    if damage != 'missing': shutil.copytree(ckpt, bad)
    if damage == 'config': (bad/'config.json').write_text('{"format": 1,')
    if damage == 'weights':
        w = bytearray((bad/'model.safetensors').read_bytes()); w[-1] ^= 0xff; (bad/'model.safetensors').write_bytes(bytes(w))
    code,out,err = run_main(capsys, 'generate', str(bad), '--prompt', PROMPT)
    assert code == 1 and one_line(err, 'hnlm generate: error: ') and str(bad) in err and out == '', err

# Files: complete or absent; exports load elsewhere

@pytest.mark.train
def test_ctrl_c_while_the_new_files_are_written_keeps_the_old_ones(tmp_path, monkeypatch):
    "A complete run, then another into the same folder interrupted while it writes its plots: the first run's files stay, byte for byte"
    rp.reproduce('LMModel1', seeds=1, out=tmp_path, epochs=1, show=False, jobs=1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert sorted(before) == sorted(runner.RESULT_FILES)
    def interrupted(*a, **k): raise KeyboardInterrupt   # as Ctrl-C would, halfway through the new files
    monkeypatch.setattr(rp, 'atomic_savefig', interrupted)
    with pytest.raises(KeyboardInterrupt, match=r'partial results, 1 of 1 trainings, in .*results\.partial\.json; results\.json, accuracy\.png, losses\.png are as they were'):
        rp.reproduce('LMModel1', seeds=1, out=tmp_path, epochs=1, show=False, jobs=1)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert {k: after[k] for k in before} == before
    assert sorted(after) == sorted([*runner.RESULT_FILES, runner.PARTIAL_FILE])   # no temporary file or folder left behind
    assert runner.read_results(tmp_path/runner.PARTIAL_FILE)['partial']

@pytest.mark.train
def test_stopped_run_keeps_finished_models(tmp_path, monkeypatch):
    "The later models start first (they train longest), so a stop at LMModel1 comes after LMModel3 and LMModel2 finished"
    real = rp._train
    def stop_at_lmmodel1(run, seed, epochs, lr, device, nums, *a):
        if run.model == 'LMModel1' and len(nums) > 4000: raise KeyboardInterrupt   # a real run, not the warm-up
        return real(run, seed, epochs, lr, device, nums, *a)
    monkeypatch.setattr(rp, '_train', stop_at_lmmodel1)
    with pytest.raises(KeyboardInterrupt, match='partial results, 2 of 3 trainings'):
        rp.reproduce('LMModel1,LMModel2,LMModel3', seeds=1, out=tmp_path, epochs=1, show=False, jobs=1)
    doc = runner.read_results(tmp_path/runner.PARTIAL_FILE)
    assert [r['model'] for r in doc['records']] == ['LMModel2', 'LMModel3']   # in the order asked for
    assert (doc['partial'], doc['done'], doc['total']) == (True, 2, 3)
    assert not (tmp_path/'results.json').exists()

@pytest.mark.train
def test_reproduce_writes_its_files_with_the_umask_and_names_the_folder(tmp_path):
    r = sub('reproduce', '--models', 'LMModel1', '--seeds', '2', '--epochs', '1', '--out', tmp_path, umask=0o077)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == f'wrote results.json, accuracy.png, losses.png to {tmp_path}'   # where, said last
    assert modes(*(tmp_path/f for f in ('results.json', 'accuracy.png', 'losses.png'))) == ['0o600']*3   # the umask's, not ours
    assert 'LMModel1' in r.stdout and 'book in range' in r.stdout
    doc = runner.read_results(tmp_path/'results.json')
    assert (doc['partial'], doc['done'], doc['total']) == (False, 2, 2) and not (tmp_path/runner.PARTIAL_FILE).exists()
    assert [x['model'] for x in doc['records']] == ['LMModel1']
    assert doc['records'][0]['seeds'] == [0, 1]   # the record's layout is checked in the reproduce notebook
    for png in ('accuracy.png', 'losses.png'): assert (tmp_path/png).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert sub('reproduce', '--models', 'LMModel1', '--epochs', '1', '--out', tmp_path).returncode == 0   # ours: replaced

@pytest.mark.train
def test_saved_learner_predicts_the_same_in_a_fresh_process(tmp_path):
    fn = tmp_path/'m.pkl'
    learn = rp.train_cmd('LMModel7', epochs=1, save=fn)
    with learn.no_bar(): words = learn.predict('one hundred twenty')[0]   # a guess after each word: the vocabulary is kept
    x,_ = learn.dls.valid.one_batch()
    learn.model.eval(); learn.model.reset()
    want = learn.model(x)[0].detach().cpu()
    torch.save(x.cpu(), tmp_path/'x.pt')
    code = f"""
import torch
from fastai.learner import load_learner
learn = load_learner({str(fn)!r})
with learn.no_bar(): print(learn.predict('one hundred twenty')[0])
learn.model.eval(); learn.model.reset()
torch.save(learn.model(torch.load({str(tmp_path/'x.pt')!r}))[0].detach(), {str(tmp_path/'p.pt')!r})
"""
    r = subprocess.run([PY, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == words and len(words.split()) == 3
    got = torch.load(tmp_path/'p.pt')
    assert got.shape == (64, 16, 30)
    torch.testing.assert_close(got, want)

# Several trainings at once: the same numbers, a consistent folder whatever stops the run

@pytest.mark.train
def test_jobs_give_the_same_numbers_in_a_fixed_order(tmp_path):
    "Two worker processes or one: every per-seed number is identical, and the records come in the order asked for"
    runs = {}
    for jobs in (1, 2):
        r = sub('reproduce', '--models', 'LMModel7,LMModel1', '--seeds', '2', '--epochs', '1', '--jobs', jobs, '--out', tmp_path/str(jobs))
        assert r.returncode == 0 and r.stderr == '', r.stderr
        runs[jobs] = runner.read_results(tmp_path/str(jobs)/'results.json')['records']
    assert [x['model'] for x in runs[2]] == ['LMModel7', 'LMModel1'] and all(x['seeds'] == [0, 1] for x in runs[2])
    for a,b in zip(runs[1], runs[2]):
        for k in ('acc', 'valid_loss', 'acc_curves', 'valid_loss_curves', 'next_number_acc', 'perplexity'): assert a[k] == b[k], (a['model'], k)

@pytest.mark.train
def test_a_failed_training_is_named_and_the_others_kept(tmp_path, monkeypatch, capsys):
    real = rp._train
    def broken_lmmodel2(run, seed, *a):
        if run.model == 'LMModel2' and seed == 1: raise RuntimeError('CUDA out of memory')
        return real(run, seed, *a)
    monkeypatch.setattr(rp, '_train', broken_lmmodel2)
    with pytest.raises(runner.TrainingError, match=r'1 of 4 trainings failed, first LMModel2 seed 1: RuntimeError: CUDA out of memory; '
                                                   r'partial results, 3 of 4 trainings'):
        rp.reproduce('LMModel1,LMModel2', seeds=2, out=tmp_path, epochs=2, show=False, jobs=1)
    recs = runner.read_results(tmp_path/runner.PARTIAL_FILE)['records']
    assert [(r['model'], r['seeds']) for r in recs] == [('LMModel1', [0, 1]), ('LMModel2', [0])]
    assert not (tmp_path/'results.json').exists()
    assert cli.exit_code(cli.TrainingError('x')) == 1

@pytest.mark.train
def test_plain_train_uses_one_thread_as_the_fast_path_does(capsys, monkeypatch):
    "fastai's own Learner on the CPU trains on one thread, as `fast_learner`'s `NumThreads(1)` does; the count comes back after"
    seen = []
    monkeypatch.setattr(BookRun, 'fit', lambda self, learn, *a: seen.append(torch.get_num_threads()))   # no training: just look
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        code,_,err = run_main(capsys, 'train', 'LMModel1', '--plain', '--device', 'cpu')
        assert code == 0 and seen == [1] and torch.get_num_threads() == 2, err
    finally: torch.set_num_threads(before)
