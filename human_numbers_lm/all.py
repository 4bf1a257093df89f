"The chapter's public names, for `from human_numbers_lm.all import *` (written by hand: nbdev exports the modules, not this list). The opt-in speed layer, `human_numbers_lm.accel`, is not among them."
from .data import *
from .simple_rnn import *
from .stateful_rnn import *
from .multilayer_rnn import *
from .lstm_cell import *
from .regularization import *
from .recipes import *
from .runner import *
from .sampling import *
from .checkpoint import *
from .stats import *
from .counting import *
from .lstm_gru_layers import *
from .awd_lstm import *
from .inside import *
from .cli import *
from .reproduce import *
