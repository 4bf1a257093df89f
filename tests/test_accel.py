"The opt-in fast path (`human_numbers_lm.accel`) records what fastai's own `Learner` records, on the chapter's models and callbacks."
import subprocess, sys, warnings, pytest, torch
import numpy as np
from fastai.text.all import Learner, TextLearner, ModelResetter, accuracy, set_seed
from human_numbers_lm.all import *
from human_numbers_lm.accel import *

NUMS = load_nums()[0]

def _fit(name, fast):
    "One epoch of model `name` with the book's callbacks; only the loop differs between `fast` and not"
    run = BOOK_RUNS[name]
    set_seed(0, reproducible=True)
    model,cbs = book_model(name, NUMS),[NumThreads(1)]
    kw = dict(loss_func=plain_loss(run.loss_func), metrics=accuracy, opt_func=FusedAdam)
    dls = run.dls(NUMS)
    if run.text_learner:
        learn = (FastTextLearner if fast else TextLearner)(dls, model, alpha=run.alpha, beta=run.beta, cbs=cbs, **kw)
    else: learn = (FastLearner if fast else Learner)(dls, model, cbs=cbs + ([ModelResetter()] if run.chunked else []), **kw)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(1, run.lr, wd=run.wd)
    return learn

@pytest.mark.train
@pytest.mark.parametrize('name', ['LMModel1', 'LMModel4', 'LMModel7'])
def test_fast_loop_records_the_same(name):
    "`ModelResetter`, `TextLearner`'s `RNNRegularizer` and dropout included: the same numbers, bit for bit"
    fast,plain = _fit(name, True),_fit(name, False)
    for attr in ('values', 'losses', 'lrs', 'hps', 'iters'):
        assert getattr(fast.recorder, attr) == getattr(plain.recorder, attr), attr
    for a,b in zip(fast.model.parameters(), plain.model.parameters()): assert torch.equal(a, b)

# Edge cases, each against fastai's `Learner` on a tiny model
from fastai.text.all import (Callback, CancelEpochException, CancelFitException, ParamScheduler, SchedCos, nn, F,
                             CrossEntropyLossFlat)

def _tiny(fast, cbs=None, fit=None):
    set_seed(0, reproducible=True)
    learn = (FastLearner if fast else Learner)(seq_dls(NUMS), nn.Sequential(nn.Embedding(30, 8), nn.Flatten(), nn.Linear(24, 30)),
            loss_func=CrossEntropyLossFlat(), metrics=accuracy, opt_func=FusedAdam, cbs=cbs)
    with learn.no_bar(), learn.no_logging(): (fit or (lambda l: l.fit_one_cycle(2, 1e-2)))(learn)
    return learn

def _same(fast, plain):
    for attr in ('values', 'losses', 'lrs', 'iters'): assert getattr(fast.recorder, attr) == getattr(plain.recorder, attr), attr
    assert fast.recorder.smooth_loss.count == plain.recorder.smooth_loss.count
    assert torch.equal(fast.recorder.smooth_loss.value, plain.recorder.smooth_loss.value)

class Cancel(Callback):
    "Raise `ex` at batch 5 of each epoch"
    def __init__(self, ex): self.ex = ex
    def after_batch(self):
        if self.training and self.iter == 5: raise self.ex()

@pytest.mark.train
@pytest.mark.parametrize('ex', [CancelEpochException, CancelFitException])
def test_cancelled_epoch_or_fit(ex):
    "`after_train` is skipped: the losses are still smoothed in time for `after_epoch` and `after_fit`"
    _same(_tiny(True, Cancel(ex)), _tiny(False, Cancel(ex)))

class CountAll(Callback):
    "Sees every event through its own `__call__`, as fastai's `VerboseCallback` does"
    def __init__(self): self.n = 0
    def __call__(self, event_name): self.n += 1; return super().__call__(event_name)

@pytest.mark.train
def test_callback_with_own_call_sees_every_event():
    assert _tiny(True, CountAll()).count_all.n == _tiny(False, CountAll()).count_all.n > 1000

@pytest.mark.train
def test_method_patched_in_between_fits():
    def fits(learn):
        learn.fit(1, 1e-3)
        class Late(Callback): pass
        learn.add_cb(Late()); learn.fit(1, 1e-3)
        Late.after_batch = lambda self: setattr(self, 'n', getattr(self, 'n', 0) + 1)
        learn.fit(1, 1e-3)
    fast,plain = _tiny(True, fit=fits),_tiny(False, fit=fits)
    assert fast.late.n == plain.late.n == len(fast.dls.train) + len(fast.dls.valid)

@pytest.mark.train
def test_recorder_removed_mid_fit():
    class Drop(Callback):
        order = 60   # after `Recorder` has logged the batch
        def after_batch(self):
            if self.training and self.iter == 5: self.learn.remove_cb(self.learn.recorder)
    fits = lambda l: (setattr(l, 'rec', l.recorder), l.fit(1, 1e-3))
    fast,plain = _tiny(True, Drop(), fits),_tiny(False, Drop(), fits)
    assert [float(o) for o in fast.rec.losses] == [float(o) for o in plain.rec.losses] and len(fast.rec.losses) == 6

@pytest.mark.train
def test_param_scheduler_passed_in():
    "The caller's `ParamScheduler` gets its `hps`; a schedule with the wrong number of values fails as in fastai"
    for fast in (True, False):
        s = ParamScheduler({'lr': SchedCos(1e-3, 1e-5)})
        _tiny(fast, fit=lambda l: l.fit(1, cbs=s))
        assert len(s.hps['lr']) == len(seq_dls(NUMS).train)
        bad = ParamScheduler({'lr': SchedCos(np.array([1e-3]*3), np.array([1e-5]*3))})
        with pytest.raises(AssertionError, match='Trying to set 3 values for lr'): _tiny(fast, fit=lambda l: l.fit(1, cbs=bad))

def test_chapter_api_loads_no_fastai_internals():
    "`import human_numbers_lm.all` leaves the speed layer (private fastai names, `mallopt`) unloaded"
    code = "import sys, human_numbers_lm.all; print(sorted(m for m in sys.modules if m.startswith('human_numbers_lm')))"
    r = subprocess.run([sys.executable, '-W', 'ignore', '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'human_numbers_lm.accel' not in r.stdout and 'human_numbers_lm.recipes' in r.stdout

@pytest.mark.parametrize('change,why', [
    ('version', r"it is verified on fastai 2\.8\.12, not 2\.9\.0"),
    ('private', r"this fastai lacks fastai\.learner\.Learner\._grab_cbs")])
def test_unverified_fastai_falls_back_to_plain(monkeypatch, change, why):
    "Another fastai version, or one without a private name the fast path reads: one warning line, fastai's plain learner"
    import fastai, fastai.learner
    if change == 'version': monkeypatch.setattr(fastai, '__version__', '2.9.0')
    else: monkeypatch.delattr(fastai.learner.Learner, '_grab_cbs')
    run = BOOK_RUNS['LMModel7']
    with pytest.warns(UserWarning, match=why + "; using fastai's plain Learner") as w:
        learn = fast_learner(run, run.dls(NUMS), book_model('LMModel7', NUMS))
    assert len(w) == 1 and '\n' not in str(w[0].message)
    assert type(learn) is TextLearner and not any(type(cb).__name__ == 'NumThreads' for cb in learn.cbs)

@pytest.mark.train
def test_threads_restored_after_interrupted_fit():
    "fastai skips `after_fit` on Ctrl-C; the fast loop restores the thread count anyway"
    class Interrupt(Callback):
        def after_batch(self): raise KeyboardInterrupt
    before = torch.get_num_threads()
    run = BOOK_RUNS['LMModel1']
    learn = fast_learner(run, run.dls(NUMS), book_model('LMModel1', NUMS), threads=1, cbs=Interrupt())
    with pytest.raises(KeyboardInterrupt), learn.no_bar(), learn.no_logging(): learn.fit(1)
    assert torch.get_num_threads() == before
