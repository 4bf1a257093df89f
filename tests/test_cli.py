"The `hnlm` command: bad input is one line and exit status 2, results are complete or absent, and exports load elsewhere."
import json, os, subprocess, sys, pytest, torch
from pathlib import Path
from human_numbers_lm import reproduce as rp
from human_numbers_lm.reproduce import hnlm, MODELS

def run_main(capsys, *args):
    "Run `hnlm args` in-process; return (exit code, stdout, stderr)"
    try: hnlm(list(args)); code = 0
    except SystemExit as e: code = e.code
    out,err = capsys.readouterr()
    return code,out,err

@pytest.mark.parametrize('args', [
    ['reproduce', '--models', 'LMModel9'], ['reproduce', '--models', 'LMModel1,lmmodel2'], ['train', 'LMModel0'],
    ['reproduce', '--seeds', 'abc'], ['reproduce', '--seeds', '0'], ['reproduce', '--seeds', '2.5'],
    ['reproduce', '--epochs', '-1'], ['train', 'LMModel1', '--lr', 'nan'], ['train', 'LMModel1', '--lr', '0'],
    ['train', 'LMModel1', '--seed', '-1'], ['reproduce', '--device', 'tpu'], ['reproduce', '--device', 'cuda:x'],
    ['reproduce', '--models', 'LMModel1,LMModel1'], ['frobnicate']])
def test_bad_input_is_one_line_exit_2(capsys, args, tmp_path):
    code,out,err = run_main(capsys, *args, *(['--out', str(tmp_path)] if args[0] == 'reproduce' else []))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith('hnlm'), err
    assert 'Traceback' not in err and out == ''

def test_unknown_model_lists_the_valid_ones(capsys, tmp_path):
    code,_,err = run_main(capsys, 'reproduce', '--models', 'LMModel9', '--out', str(tmp_path))
    assert "unknown model 'LMModel9'" in err and ', '.join(MODELS) in err

@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has a GPU')
def test_cuda_without_gpu(capsys, tmp_path):
    code,_,err = run_main(capsys, 'reproduce', '--device', 'cuda', '--out', str(tmp_path))
    assert code == 2 and 'no CUDA GPU' in err

def test_unwritable_out_fails_before_training(capsys, monkeypatch):
    monkeypatch.setattr(rp, 'train_model', lambda *a, **k: pytest.fail('trained before checking --out'))
    code,_,err = run_main(capsys, 'reproduce', '--models', 'LMModel1', '--out', '/proc/hnlm/results')
    assert code == 2 and 'cannot write there' in err

def test_unwritable_save_fails_before_training(capsys, monkeypatch):
    monkeypatch.setattr(rp, 'train_model', lambda *a, **k: pytest.fail('trained before checking --save'))
    code,_,err = run_main(capsys, 'train', 'LMModel1', '--save', '/proc/hnlm/m.pkl')
    assert code == 2 and 'cannot write there' in err

def test_save_onto_a_folder_fails_before_training(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(rp, 'train_model', lambda *a, **k: pytest.fail('trained before checking --save'))
    code,_,err = run_main(capsys, 'train', 'LMModel1', '--save', str(tmp_path))
    assert code == 2 and 'that is a folder' in err

@pytest.mark.parametrize('kind', ['under /proc', 'a file'])
def test_unusable_data_folder_is_one_line(capsys, monkeypatch, tmp_path, kind):
    where = '/proc/hnlm-data' if kind == 'under /proc' else str(tmp_path/'not-a-folder')
    if kind == 'a file': Path(where).write_text('x')
    monkeypatch.setenv('HNLM_DATA', where)
    code,_,err = run_main(capsys, 'train', 'LMModel1', '--epochs', '1')
    assert code == 1 and len(err.strip().splitlines()) == 1 and where in err and 'Traceback' not in err

def test_interrupted_write_keeps_old_results(tmp_path, monkeypatch):
    (tmp_path/'results.json').write_text('old')
    real = os.replace
    def interrupt(src, dst):
        if str(dst).endswith('results.json'): raise KeyboardInterrupt
        real(src, dst)
    monkeypatch.setattr(os, 'replace', interrupt)
    with pytest.raises(KeyboardInterrupt): rp.reproduce('LMModel1', seeds=1, out=tmp_path, epochs=1, show=False)
    assert (tmp_path/'results.json').read_text() == 'old'            # never half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ['results.json']   # no temporary files left behind

def test_stopped_run_keeps_finished_models(tmp_path, monkeypatch):
    real = rp.train_model
    def stop_at_lmmodel3(name, *a, **k):
        if name == 'LMModel3': raise KeyboardInterrupt
        return real(name, *a, **k)
    monkeypatch.setattr(rp, 'train_model', stop_at_lmmodel3)
    with pytest.raises(KeyboardInterrupt): rp.reproduce('LMModel1,LMModel2,LMModel3', seeds=1, out=tmp_path, epochs=1, show=False)
    recs = json.loads((tmp_path/'results.json').read_text())
    assert [r['model'] for r in recs] == ['LMModel1', 'LMModel2']

def test_reproduce_json_schema_and_plots(tmp_path):
    r = subprocess.run([sys.executable, '-m', 'human_numbers_lm', 'reproduce', '--models', 'LMModel1', '--seeds', '2',
                        '--epochs', '1', '--out', str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'LMModel1' in r.stdout and 'book in range' in r.stdout
    recs = json.loads((tmp_path/'results.json').read_text())
    assert [x['model'] for x in recs] == ['LMModel1']
    rec = recs[0]
    types = dict(model=str, epochs=int, lr=float, seeds=list, acc=list, valid_loss=list, secs=list,
                 valid_loss_curves=list, book_acc=float, book_best=float, device=str, torch=str, fastai=str)
    for k,t in types.items(): assert isinstance(rec[k], t), k
    assert rec['wd'] is None and rec['epochs'] == 1 and rec['seeds'] == [0, 1]
    assert len(rec['acc']) == len(rec['valid_loss']) == len(rec['secs']) == 2
    assert all(0.15 < a < 1 for a in rec['acc'])
    for png in ('accuracy.png', 'losses.png'): assert (tmp_path/png).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'

def test_train_command_prints_table_and_saves(tmp_path):
    fn = tmp_path/'m.pkl'
    hnlm = Path(sys.executable).parent/'hnlm'
    r = subprocess.run([str(hnlm), 'train', 'LMModel1', '--epochs', '1', '--save', str(fn)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'accuracy' in r.stdout and fn.exists()   # fastai's epoch table, and the export

def test_saved_learner_predicts_the_same_in_a_fresh_process(tmp_path):
    fn = tmp_path/'m.pkl'
    learn = rp.train_cmd('LMModel7', epochs=1, save=fn)
    x,_ = learn.dls.valid.one_batch()
    learn.model.eval(); learn.model.reset()
    want = learn.model(x)[0].detach().cpu()
    torch.save(x.cpu(), tmp_path/'x.pt')
    code = f"""
import torch
from fastai.learner import load_learner
learn = load_learner({str(fn)!r})
learn.model.eval(); learn.model.reset()
torch.save(learn.model(torch.load({str(tmp_path/'x.pt')!r}))[0].detach(), {str(tmp_path/'p.pt')!r})
"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    got = torch.load(tmp_path/'p.pt')
    assert got.shape == (64, 16, 30)
    torch.testing.assert_close(got, want)
