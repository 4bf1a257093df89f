"`python -m human_numbers_lm`: the `hnlm` command"
import sys
try: from .cli import hnlm
except KeyboardInterrupt: sys.stderr.write('hnlm: interrupted\n'); sys.exit(130)   # Ctrl-C in the first moments

hnlm()
