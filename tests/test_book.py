"The chapter notebooks' literal `Learner(...)`/`TextLearner(...)` and `fit_one_cycle(...)` cells agree with `BOOK_RUNS`, the table the command line trains from."
import ast, json, pytest
from pathlib import Path
from human_numbers_lm.recipes import BOOK_RUNS

NBS = Path(__file__).parent.parent/'nbs'
CHAPTER = ['01_simple_rnn', '02_stateful_rnn', '03_multilayer_rnn', '04_lstm_cell', '05_regularization']

def _val(node):
    "A literal, or the source of anything else"
    try: return ast.literal_eval(node)
    except ValueError: return ast.unparse(node)

def book_fits(name):
    "Each top-level `learn.fit_one_cycle(...)` of notebook `name`, with the learner call before it"
    cells = json.loads((NBS/f'{name}.ipynb').read_text())['cells']
    fits,learner = [],None
    for c in cells:
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source'])
        if src.lstrip().startswith(('#| export', '#| hide')): continue
        for stmt in ast.parse(src).body:   # top level only: our checks inside `with no_random():` are not the book's runs
            call = getattr(stmt, 'value', None)
            if not isinstance(call, ast.Call): continue
            fn = ast.unparse(call.func)
            if isinstance(stmt, ast.Assign) and fn in ('Learner', 'TextLearner'):
                model = call.args[1]
                learner = dict(cls=fn, model=ast.unparse(model.func), model_args=[_val(a) for a in model.args],
                               **{k.arg: ast.unparse(k.value) for k in call.keywords})
            elif fn == 'learn.fit_one_cycle':
                fits.append(dict(learner, epochs=_val(call.args[0]), lr=_val(call.args[1]),
                                 wd=next((_val(k.value) for k in call.keywords if k.arg == 'wd'), None)))
    return fits

FITS = {f['model']: f for name in CHAPTER for f in book_fits(name)}

def test_every_model_has_its_book_cell():
    assert list(FITS) == list(BOOK_RUNS)

@pytest.mark.parametrize('model', list(BOOK_RUNS))
def test_cells_agree_with_the_table(model):
    run,fit = BOOK_RUNS[model],FITS[model]
    assert (fit['epochs'], fit['lr'], fit['wd']) == (run.epochs, run.lr, run.wd)
    assert fit['cls'] == ('TextLearner' if run.text_learner else 'Learner')
    assert fit['model_args'] == ['len(vocab)', run.n_hidden, *run.model_kw.values()]
    loss = {'F.cross_entropy': 'cross_entropy', 'loss_func': 'lm_loss', 'CrossEntropyLossFlat()': 'CrossEntropyLossFlat'}[fit['loss_func']]
    assert loss == getattr(run.loss_func, '__name__', type(run.loss_func).__name__)
    assert (fit.get('cbs') == 'ModelResetter') == (run.chunked and not run.text_learner)
    assert fit['metrics'] == 'accuracy'

def test_a_changed_cell_is_caught(tmp_path, monkeypatch):
    "The check can fail: a notebook whose LMModel6 cell trains 14 epochs disagrees with the table"
    nb = json.loads((NBS/'04_lstm_cell.ipynb').read_text())
    for c in nb['cells']:
        if 'learn.fit_one_cycle(15, 1e-2)' in ''.join(c['source']):
            c['source'] = ''.join(c['source']).replace('fit_one_cycle(15, 1e-2)', 'fit_one_cycle(14, 1e-2)')
    (tmp_path/'04_lstm_cell.ipynb').write_text(json.dumps(nb))
    monkeypatch.setattr(__import__(__name__), 'NBS', tmp_path)
    assert book_fits('04_lstm_cell')[0]['epochs'] == 14 != BOOK_RUNS['LMModel6'].epochs
