"The fast path records what fastai's own `Learner` records, on the chapter's models and callbacks."
import pytest, torch
from fastai.text.all import Learner, TextLearner, ModelResetter, accuracy, set_seed
from human_numbers_lm.all import *

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

@pytest.mark.parametrize('name', ['LMModel1', 'LMModel4', 'LMModel7'])
def test_fast_loop_records_the_same(name):
    "`ModelResetter`, `TextLearner`'s `RNNRegularizer` and dropout included: the same numbers, bit for bit"
    fast,plain = _fit(name, True),_fit(name, False)
    for attr in ('values', 'losses', 'lrs', 'hps', 'iters'):
        assert getattr(fast.recorder, attr) == getattr(plain.recorder, attr), attr
    for a,b in zip(fast.model.parameters(), plain.model.parameters()): assert torch.equal(a, b)

def test_plain_accuracy_is_accuracy():
    inp,targ = torch.randn(64, 16, 30),torch.randint(0, 30, (64, 16))
    assert plain_accuracy(inp, targ) == accuracy(inp, targ)
    assert PlainAccuracy().name == 'accuracy'
    with pytest.raises(ValueError, match='1024 predictions for 63 targets'): plain_accuracy(inp, targ[:63, :1])
