#!/usr/bin/env bash
# The project's checks on a lent GPU machine (torch there, no fastai, no network): run by the session's device tool as
#   bash tools/gpu_check.sh     with .whl (fastai and its pure-Python needs, downloaded here for Python 3.12) carried.
# It writes its figures under $OUT: the pytest log, reproduce runs with --jobs 1 and default jobs, a benchmark.
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 PYTHONWARNINGS='ignore::FutureWarning'
nvidia-smi -L; python3 -c "import torch, fastai; print('torch', torch.__version__, 'fastai', fastai.__version__, torch.cuda.get_device_name())"
t() { local s=$(date +%s.%N); "$@"; local rc=$?; echo "[$(python3 -c "print(f'{$(date +%s.%N)-$s:.1f}')") s, exit $rc] $*"; }
t timeout 240 python3 -m pytest -q -p no:cacheprovider tests/test_models.py tests/test_learner_api.py tests/test_accel.py \
  tests/test_checkpoint.py tests/test_book.py 2>&1 | tail -15 | tee $OUT/pytest.txt
t python3 -m human_numbers_lm reproduce --seeds 2 --device cuda --jobs 1 --out $OUT/jobs1 2>&1 | tail -9
t python3 -m human_numbers_lm reproduce --seeds 2 --device cuda --out $OUT/jobsdefault 2>&1 | tail -9
t python3 -m human_numbers_lm.bench --models LMModel6,LMModel7 --seeds 2 --device cuda --out $OUT/bench_gpu.json 2>&1 | tail -5
python3 - <<'PY'
import os
from human_numbers_lm.runner import read_results
a,b = (read_results(f"{os.environ['OUT']}/{d}/results.json")['records'] for d in ('jobs1', 'jobsdefault'))
print('identical per-seed numbers, --jobs 1 vs default:', all(x[k] == y[k] for x,y in zip(a,b) for k in ('acc', 'valid_loss', 'next_number_acc')))
PY
