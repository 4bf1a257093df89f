"`python -m human_numbers_lm`: the `hnlm` command"
from .cli import hnlm

hnlm()
