"""The book's chapter 12 cells, in the book's order, in one process: `python tools/book_chapter.py [SEED]`.

fastbook's `from fastbook import *` calls `set_seed(42)` once, and the book's cells (fastbook's `12_nlp_dive.ipynb`)
then run one after another, so each model's starting weights depend on everything drawn before it. This script runs
them that way (the data written locally instead of downloaded, the training tables hidden) and prints each model's
accuracy after every epoch, and the seconds the whole process took; `results/book_chapter.txt` holds its output.
With seed 42, on our CPU, it prints to the last digit the accuracies of the book's LMModel1 and LMModel2 tables. It
also prints those of a public run of the chapter (`12_chapter_notebook.ipynb` in the GitHub repository
ferjorosa/learn-fastai, folder "12 - A Language Model from Scratch") for the first four epochs of LMModel3 (0.467548,
0.388942, 0.462500, 0.515144) and of LMModel4 (0.212565, 0.425781, 0.441488, 0.494303), and for the ten epochs that
run printed of LMModel5 (0.455811, 0.471029, 0.340576, 0.471517, 0.494792, 0.502848, 0.520101, 0.522624, 0.525716,
0.529785). The benchmark times it as a whole process (`18_bench`)."""
import sys, time, warnings
t0 = time.perf_counter()
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
from fastai.text.all import *
from human_numbers_lm.data import human_numbers_path
set_seed(int(sys.argv[1]) if len(sys.argv) > 1 else 42)   # what `from fastbook import *` does
path = human_numbers_path()
lines = L()
with open(path/'train.txt') as f: lines += L(*f.readlines())
with open(path/'valid.txt') as f: lines += L(*f.readlines())
text = ' . '.join([l.strip() for l in lines]); tokens = text.split(' ')
vocab = L(*tokens).unique(); word2idx = {w:i for i,w in enumerate(vocab)}; nums = L(word2idx[i] for i in tokens)
L((tokens[i:i+3], tokens[i+3]) for i in range(0,len(tokens)-4,3))
seqs = L((tensor(nums[i:i+3]), nums[i+3]) for i in range(0,len(nums)-4,3))
bs = 64; cut = int(len(seqs) * 0.8)
dls = DataLoaders.from_dsets(seqs[:cut], seqs[cut:], bs=64, shuffle=False)
def show(name, learn): print(name, ' '.join(f'{v[2]:.6f}' for v in learn.recorder.values), flush=True)
class LMModel1(Module):
    def __init__(self, vocab_sz, n_hidden):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.h_h = nn.Linear(n_hidden, n_hidden); self.h_o = nn.Linear(n_hidden,vocab_sz)
    def forward(self, x):
        h = F.relu(self.h_h(self.i_h(x[:,0]))); h = h + self.i_h(x[:,1]); h = F.relu(self.h_h(h))
        h = h + self.i_h(x[:,2]); h = F.relu(self.h_h(h)); return self.h_o(h)
learn = Learner(dls, LMModel1(len(vocab), 64), loss_func=F.cross_entropy, metrics=accuracy)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(4, 1e-3)
show('LMModel1', learn)
n,counts = 0,torch.zeros(len(vocab))
for x,y in dls.valid:
    n += y.shape[0]
    for i in range_of(vocab): counts[i] += (y==i).long().sum()
class LMModel2(Module):
    def __init__(self, vocab_sz, n_hidden):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.h_h = nn.Linear(n_hidden, n_hidden); self.h_o = nn.Linear(n_hidden,vocab_sz)
    def forward(self, x):
        h = 0
        for i in range(3): h = h + self.i_h(x[:,i]); h = F.relu(self.h_h(h))
        return self.h_o(h)
learn = Learner(dls, LMModel2(len(vocab), 64), loss_func=F.cross_entropy, metrics=accuracy)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(4, 1e-3)
show('LMModel2', learn)
class LMModel3(Module):
    def __init__(self, vocab_sz, n_hidden):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.h_h = nn.Linear(n_hidden, n_hidden); self.h_o = nn.Linear(n_hidden,vocab_sz); self.h = 0
    def forward(self, x):
        for i in range(3): self.h = self.h + self.i_h(x[:,i]); self.h = F.relu(self.h_h(self.h))
        out = self.h_o(self.h); self.h = self.h.detach(); return out
    def reset(self): self.h = 0
m = len(seqs)//bs
def group_chunks(ds, bs):
    m = len(ds) // bs; new_ds = L()
    for i in range(m): new_ds += L(ds[i + m*j] for j in range(bs))
    return new_ds
cut = int(len(seqs) * 0.8)
dls = DataLoaders.from_dsets(group_chunks(seqs[:cut], bs), group_chunks(seqs[cut:], bs), bs=bs, drop_last=True, shuffle=False)
learn = Learner(dls, LMModel3(len(vocab), 64), loss_func=F.cross_entropy, metrics=accuracy, cbs=ModelResetter)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(10, 3e-3)
show('LMModel3', learn)
sl = 16
seqs = L((tensor(nums[i:i+sl]), tensor(nums[i+1:i+sl+1])) for i in range(0,len(nums)-sl-1,sl))
cut = int(len(seqs) * 0.8)
dls = DataLoaders.from_dsets(group_chunks(seqs[:cut], bs), group_chunks(seqs[cut:], bs), bs=bs, drop_last=True, shuffle=False)
class LMModel4(Module):
    def __init__(self, vocab_sz, n_hidden):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.h_h = nn.Linear(n_hidden, n_hidden); self.h_o = nn.Linear(n_hidden,vocab_sz); self.h = 0
    def forward(self, x):
        outs = []
        for i in range(sl):
            self.h = self.h + self.i_h(x[:,i]); self.h = F.relu(self.h_h(self.h)); outs.append(self.h_o(self.h))
        self.h = self.h.detach(); return torch.stack(outs, dim=1)
    def reset(self): self.h = 0
def loss_func(inp, targ): return F.cross_entropy(inp.view(-1, len(vocab)), targ.view(-1))
learn = Learner(dls, LMModel4(len(vocab), 64), loss_func=loss_func, metrics=accuracy, cbs=ModelResetter)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(15, 3e-3)
show('LMModel4', learn)
class LMModel5(Module):
    def __init__(self, vocab_sz, n_hidden, n_layers):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.rnn = nn.RNN(n_hidden, n_hidden, n_layers, batch_first=True)
        self.h_o = nn.Linear(n_hidden, vocab_sz); self.h = torch.zeros(n_layers, bs, n_hidden)
    def forward(self, x):
        res,h = self.rnn(self.i_h(x), self.h); self.h = h.detach(); return self.h_o(res)
    def reset(self): self.h.zero_()
learn = Learner(dls, LMModel5(len(vocab), 64, 2), loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=ModelResetter)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(15, 3e-3)
show('LMModel5', learn)
class LMModel6(Module):
    def __init__(self, vocab_sz, n_hidden, n_layers):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.rnn = nn.LSTM(n_hidden, n_hidden, n_layers, batch_first=True)
        self.h_o = nn.Linear(n_hidden, vocab_sz); self.h = [torch.zeros(n_layers, bs, n_hidden) for _ in range(2)]
    def forward(self, x):
        res,h = self.rnn(self.i_h(x), self.h); self.h = [h_.detach() for h_ in h]; return self.h_o(res)
    def reset(self):
        for h in self.h: h.zero_()
learn = Learner(dls, LMModel6(len(vocab), 64, 2), loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=ModelResetter)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(15, 1e-2)
show('LMModel6', learn)
class LMModel7(Module):
    def __init__(self, vocab_sz, n_hidden, n_layers, p):
        self.i_h = nn.Embedding(vocab_sz, n_hidden); self.rnn = nn.LSTM(n_hidden, n_hidden, n_layers, batch_first=True)
        self.drop = nn.Dropout(p); self.h_o = nn.Linear(n_hidden, vocab_sz); self.h_o.weight = self.i_h.weight
        self.h = [torch.zeros(n_layers, bs, n_hidden) for _ in range(2)]
    def forward(self, x):
        raw,h = self.rnn(self.i_h(x), self.h); out = self.drop(raw); self.h = [h_.detach() for h_ in h]; return self.h_o(out),raw,out
    def reset(self):
        for h in self.h: h.zero_()
learn = Learner(dls, LMModel7(len(vocab), 64, 2, 0.5), loss_func=CrossEntropyLossFlat(), metrics=accuracy, cbs=[ModelResetter, RNNRegularizer(alpha=2, beta=1)])
learn = TextLearner(dls, LMModel7(len(vocab), 64, 2, 0.4), loss_func=CrossEntropyLossFlat(), metrics=accuracy)
with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(15, 1e-2, wd=0.1)
show('LMModel7', learn)
print(f'seconds {time.perf_counter() - t0:.1f}')
