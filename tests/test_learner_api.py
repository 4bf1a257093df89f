"fastai's learner API on the package's learners and data, on both paths: fastai's own `Learner` and the opt-in fast one."
import subprocess, sys, warnings, pytest, torch
from pathlib import Path
from functools import partial
from fastai.text.all import Learner, TextLearner, load_learner, set_seed
from human_numbers_lm.all import *
from human_numbers_lm.accel import fast_learner, FastLearner, FastTextLearner

pytestmark = pytest.mark.train   # every test here trains a learner

NUMS,VOCAB = load_nums()
PATHS = ['plain', 'fast']

def make(name, path, **kw):
    "A fresh learner for chapter model `name`, with the book's settings, on the plain or the fast path"
    run = BOOK_RUNS[name]
    set_seed(0)
    dls = run.dls(NUMS, VOCAB)
    learn = (partial(fast_learner, run) if path == 'fast' else run.learner)(dls, book_model(name, NUMS), **kw)
    assert type(learn) is {('plain', False): Learner, ('plain', True): TextLearner,
                           ('fast', False): FastLearner, ('fast', True): FastTextLearner}[path, run.text_learner]
    return learn

@pytest.mark.parametrize('path', PATHS)
@pytest.mark.parametrize('name', ['LMModel1', 'LMModel7'])
def test_get_preds_and_validate(name, path):
    learn = make(name, path)
    with learn.no_bar():
        preds,targs = learn.get_preds()
        loss,acc = learn.validate()
    n = len(learn.dls.valid.dataset)//64*64 if name == 'LMModel7' else len(learn.dls.valid.dataset)
    assert preds.shape[0] == targs.shape[0] == n and preds.shape[-1] == 30
    acc_ = (preds.argmax(-1) == targs).float().mean().item()
    assert abs(acc - acc_) < 1e-4 and loss > 0

@pytest.mark.parametrize('path', PATHS)
def test_get_preds_on_a_test_dl(path):
    "`test_dl` takes token-id tensors, or words"
    learn = make('LMModel1', path)
    x = encode('one hundred twenty', VOCAB)
    with learn.no_bar():
        a,_ = learn.get_preds(dl=learn.dls.test_dl([(x,), (x,)]))
        b,_ = learn.get_preds(dl=learn.dls.test_dl(['one hundred twenty']))
    assert a.shape == (2, 30)
    torch.testing.assert_close(a[:1], b)

@pytest.mark.parametrize('path', PATHS)
@pytest.mark.parametrize('name', ['LMModel1', 'LMModel7'])
def test_predict_gives_words(name, path):
    learn = make(name, path)
    prompt = 'one hundred one' if name == 'LMModel1' else 'eight thousand one hundred one . eight thousand'
    with learn.no_bar(): words,dec,probs = learn.predict(prompt)
    n = 1 if name == 'LMModel1' else 8   # LMModel1 reads 3 words and predicts one; LMModel7 predicts after each word
    assert len(words.split()) == n and all(w in VOCAB for w in words.split())
    assert probs.shape[-1] == 30 and decode(probs.argmax(-1).reshape(-1), VOCAB) == words

def test_predict_without_vocab_says_what_to_do():
    run = BOOK_RUNS['LMModel1']
    learn = run.learner(run.dls(NUMS), book_model('LMModel1', NUMS))
    with pytest.raises(ValueError, match=r'needs the vocabulary: build the data with `seq_dls\(nums, vocab=vocab\)`'), learn.no_bar():
        learn.predict('one . two')

@pytest.mark.parametrize('path', PATHS)
def test_lr_find_and_summary(path, tmp_path):
    learn = make('LMModel7', path)
    learn.path = tmp_path   # `lr_find` saves the model in `learn.path/'models'` for a while: not in the repository
    here = sorted(Path.cwd().iterdir())
    with learn.no_bar(), learn.no_logging(): res = learn.lr_find(num_it=12, show_plot=False)
    assert res.valley > 0 and len(learn.recorder.lrs) > 5
    assert sorted(Path.cwd().iterdir()) == here and (tmp_path/'models').is_dir()   # nothing left where the tests ran
    s = learn.summary()
    assert 'LMModel7' in s and 'Embedding' in s and 'LSTM' in s

@pytest.mark.parametrize('path', PATHS)
def test_show_batch_prints_words(path, capsys):
    learn = make('LMModel4', path)
    df = learn.dls.valid.show_batch(max_n=2, show=False)
    assert list(df.columns) == ['text', 'target'] and all(w in VOCAB for w in df.text[0].split())
    learn.dls.show_batch(max_n=2)
    assert capsys.readouterr().out   # displayed (as text outside a notebook)

@pytest.mark.parametrize('path', PATHS)
@pytest.mark.parametrize('name', ['LMModel1', 'LMModel7'])
def test_show_results_prints_words(name, path, capsys):
    "fastai's `learn.show_results()`: a validation batch with the model's predictions, as words"
    learn = make(name, path)
    with learn.no_bar(): learn.show_results(max_n=2)
    assert capsys.readouterr().out   # displayed
    b = learn.dls.valid.one_batch()
    with learn.no_bar(): _,_,dec = learn.get_preds(dl=[b], with_decoded=True)
    df = learn.dls.valid.show_results(b, dec, max_n=2, show=False)
    assert list(df.columns) == ['text', 'target', 'prediction'] and len(df) == 2
    assert all(len(p.split()) == len(t.split()) for p,t in zip(df.prediction, df.target))   # a word predicted per word targeted

@pytest.mark.parametrize('path', ['plain'])   # the fast path's export is what `hnlm train --save` writes: tests/test_cli.py
def test_export_and_load_learner_in_a_fresh_process(path, tmp_path):
    learn = make('LMModel7', path)
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-3)
    x = encode('one . two . three . four . five . six . seven . eight', VOCAB)[None]   # (1, 16)
    learn.model.eval(); learn.model.reset()
    want = learn.model(x.to(learn.dls.device))[0].detach().cpu()   # trained on the GPU if there is one; loaded on the CPU
    learn.export(tmp_path/'m.pkl')
    torch.save(x, tmp_path/'x.pt')
    code = f"""
import warnings, torch
from fastai.learner import load_learner
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    learn = load_learner({str(tmp_path/'m.pkl')!r})
learn.model.eval(); learn.model.reset()
torch.save(learn.model(torch.load({str(tmp_path/'x.pt')!r}))[0].detach(), {str(tmp_path/'p.pt')!r})
print(type(learn).__name__)
"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == type(learn).__name__
    # loaded on the CPU: where it ran on a GPU, cuDNN's LSTM computed in TF32 (`cudnn.allow_tf32`), 10 bits of mantissa
    tol = dict(rtol=3e-3, atol=3e-3) if torch.device(learn.dls.device).type == 'cuda' else {}
    torch.testing.assert_close(torch.load(tmp_path/'p.pt'), want, **tol)
