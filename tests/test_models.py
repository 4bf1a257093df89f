"Every model of the chapter, from the public API: the book's signatures, and state that follows the input."
import inspect, pytest, torch
from human_numbers_lm.all import *

SIGS = {'LMModel1': ['vocab_sz', 'n_hidden'], 'LMModel2': ['vocab_sz', 'n_hidden'], 'LMModel3': ['vocab_sz', 'n_hidden'],
        'LMModel4': ['vocab_sz', 'n_hidden'], 'LMModel5': ['vocab_sz', 'n_hidden', 'n_layers'],
        'LMModel6': ['vocab_sz', 'n_hidden', 'n_layers'], 'LMModel7': ['vocab_sz', 'n_hidden', 'n_layers', 'p'],
        'LSTMCell': ['ni', 'nh'], 'LSTMCellGates': ['ni', 'nh'], 'Dropout': ['p']}

@pytest.mark.parametrize('name,params', SIGS.items())
def test_book_signatures(name, params):
    assert list(inspect.signature(globals()[name]).parameters) == params

STATEFUL = {'LMModel3': (LMModel3(30, 64), 3, lambda bs: (bs, 30)),
            'LMModel4': (LMModel4(30, 64), 16, lambda bs: (bs, 16, 30)),
            'LMModel5': (LMModel5(30, 64, 2), 16, lambda bs: (bs, 16, 30)),
            'LMModel6': (LMModel6(30, 64, 2), 16, lambda bs: (bs, 16, 30)),
            'LMModel7': (LMModel7(30, 64, 2, 0.4), 16, lambda bs: (bs, 16, 30))}

@pytest.mark.parametrize('name', STATEFUL)
def test_state_follows_batch_size_and_reset(name):
    m,sl,shape = STATEFUL[name]
    check_state(m, shape, sl=sl)

@pytest.mark.parametrize('name', STATEFUL)
def test_training_batches_of_64_7_1(name):
    "In training mode too (dropout on), with gradients: the last short batch and a batch of 1 just work"
    m,sl,shape = STATEFUL[name]
    m.train(); m.reset()
    for bs in (64, 7, 1, 64):
        out = m(torch.randint(0, 30, (bs, sl)))
        out = out[0] if isinstance(out, tuple) else out
        assert out.shape == shape(bs)
        out.sum().backward()   # the carried state is detached: no 'backward through the graph a second time'

def test_every_model_in_the_table():
    assert list(MODELS) == list(BOOK_RUNS) == [f'LMModel{i}' for i in range(1, 8)]

def test_get_preds_on_a_test_dl_like_the_book():
    "`test_dl` hands `TensorDL` a list of items: it collates them as the book's `DataLoader` does"
    nums,vocab = load_nums()
    run,x = BOOK_RUNS['LMModel1'],encode('one hundred twenty', vocab)
    preds = []
    for fast in (False, True):
        torch.manual_seed(0)
        learn = run.learner(run.dls(nums, fast=fast), LMModel1(len(vocab), 64), fast=fast)
        with learn.no_bar(): preds.append(learn.get_preds(dl=learn.dls.test_dl([(x,), (x,)]))[0])
    assert preds[1].shape == (2, 30)
    torch.testing.assert_close(preds[0], preds[1])
