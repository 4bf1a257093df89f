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
def test_training_batches_of_64_7_1(name):
    "In training mode too (dropout on), with gradients: the last short batch and a batch of 1 just work"
    m,sl,shape = STATEFUL[name]
    m.train(); m.reset()
    for bs in (64, 7, 1, 64):
        out = m(torch.randint(0, 30, (bs, sl)))
        out = out[0] if isinstance(out, tuple) else out
        assert out.shape == shape(bs)
        out.sum().backward()   # the carried state is detached: no 'backward through the graph a second time'
