from .reproduce import hnlm

hnlm()
