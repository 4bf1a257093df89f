"Everything public, for `from human_numbers_lm.all import *` (written by hand: nbdev exports the modules, not this list)."
from .data import *
from .training import *
from .simple_rnn import *
from .stateful_rnn import *
from .multilayer_rnn import *
from .lstm import *
from .regularization import *
from .reproduce import *
from .awd_lstm import *
