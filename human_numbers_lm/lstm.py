"""This module's name before 0.2, kept for pickles: `hnlm train --save` files name LMModel6 as `human_numbers_lm.lstm.LMModel6` (written by hand, not exported: the code is in `lstm_cell`)."""
from .lstm_cell import *
