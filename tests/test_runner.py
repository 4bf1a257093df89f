"""Real signals and dead workers. `hnlm reproduce` stopped at any moment (Ctrl-C to its process group, SIGTERM to its main
process, `kill -9` of a worker) ends with one line and its exit status, leaves no process behind, and leaves the results
an earlier run finished exactly as they were. What the runner does with tasks (order, numbers, failures) is shown in
`nbs/08_runner.ipynb`; here is what a notebook can't show: signals, processes and files."""
import json, os, re, shutil, signal, subprocess, sys, time, pytest
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from human_numbers_lm.runner import RESULT_FILES, PARTIAL_FILE, read_results, run_seeds

PY = sys.executable
RUN = ['--models', 'LMModel1,LMModel2', '--seeds', '2', '--epochs', '1', '--jobs', '2']   # 4 short trainings on 2 workers
LINE = re.compile(r'LMModel[12] seed [01]: accuracy')

def start(*args, out=None):
    "Start `python -m human_numbers_lm ARGS` as a terminal starts a job: in its own process group, with SIGINT not ignored"
    cmd = [PY, '-m', 'human_numbers_lm', *args] + (['--out', str(out)] if out else [])
    # a background job of a non-interactive shell starts with SIGINT ignored, and Python then never raises KeyboardInterrupt
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

def rest_of(p, timeout):
    """`p`'s remaining stdout and its stderr once it ends. Not `communicate`: it reads the pipes' file descriptors and so
    drops what an earlier `readline` had already buffered, e.g. a second training line that came with the first"""
    p.wait(timeout=timeout)   # a guard against a hang; the outputs are a few lines, far below a pipe's buffer
    return p.stdout.read(), p.stderr.read()

def group_alive(pgid):
    try: os.killpg(pgid, 0); return True
    except ProcessLookupError: return False

def group_gone(pgid, wait=30):
    "Whether the process group has no process left, polled for up to `wait` seconds (a guard against hangs, not a timing check)"
    end = time.monotonic() + wait
    while group_alive(pgid) and time.monotonic() < end: time.sleep(0.1)
    return not group_alive(pgid)

def files(d): return {p.name: p.read_bytes() for p in sorted(Path(d).iterdir())}

@pytest.fixture(scope='module')
def earlier(tmp_path_factory):
    "A folder holding a complete earlier run's results, and how long such a run takes here"
    d = tmp_path_factory.mktemp('earlier')/'r'
    t = time.monotonic()
    r = subprocess.run([PY, '-m', 'human_numbers_lm', 'reproduce', *RUN, '--out', str(d)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(files(d)) == sorted(RESULT_FILES)
    return d, time.monotonic() - t

def copy_of(earlier, to):
    shutil.copytree(earlier[0], to)
    return to

def check_stopped(out, before, rc, err, stdout, what):
    "What any stopped run must leave: one line, exit 130, the earlier files unchanged, and only a partial file beside them"
    problems = []
    finished = len(LINE.findall(stdout))
    if rc == 0 or 'as the run finished' in err:   # the run completed before the signal: a complete new set of results
        doc = read_results(out/'results.json')
        if not (doc and not doc['partial'] and doc['done'] == doc['total'] == 4): problems.append(f'{what}: incomplete results.json after exit {rc}')
        if (out/PARTIAL_FILE).exists(): problems.append(f'{what}: a partial file beside complete results')
        return problems
    if rc != 130: problems.append(f'{what}: exit {rc}, not 130')
    if not (len(err.strip().splitlines()) == 1 and re.match(r'hnlm( reproduce)?: interrupted', err)): problems.append(f'{what}: stderr {err!r}')
    now = files(out)
    if {k: now.get(k) for k in RESULT_FILES} != {k: before[k] for k in RESULT_FILES}: problems.append(f'{what}: the earlier results changed')
    if set(now) - {*RESULT_FILES, PARTIAL_FILE}: problems.append(f'{what}: left {sorted(set(now) - {*RESULT_FILES, PARTIAL_FILE})}')
    if PARTIAL_FILE in now:
        doc = read_results(out/PARTIAL_FILE)
        if not (doc and doc['partial'] and doc['total'] == 4 and 1 <= doc['done'] <= finished): return problems + [f'{what}: partial file {doc}']
        if f'partial results, {doc["done"]} of 4 trainings' not in err: problems.append(f'{what}: the message does not say what was kept: {err!r}')
    elif not re.search(r'no training had finished; nothing in|interrupted(; no file was left half-written)?$', err.strip()):
        problems.append(f'{what}: no partial file, and the message says {err!r}')
    return problems

def interrupt(out, when):
    "Run `hnlm reproduce` into `out` and send Ctrl-C to its process group `when`: ('s', seconds) or ('line', k, seconds after the k-th line)"
    p = start('reproduce', *RUN, out=out)
    stdout = ''
    if when[0] == 's': time.sleep(when[1])
    else:
        while stdout.count('\n') < when[1]:
            l = p.stdout.readline()
            if not l: break   # it ended first
            stdout += l
        time.sleep(when[2])
    try: os.killpg(p.pid, signal.SIGINT)
    except ProcessLookupError: pass   # it had ended
    more,err = rest_of(p, 180)
    return p.pid, p.returncode, stdout + more, err

@pytest.mark.slow
@pytest.mark.train
def test_ctrl_c_at_many_moments_loses_nothing(earlier, tmp_path):
    """Ctrl-C to the process group at 22 moments: while Python and torch import, while the workers start and warm up,
    mid-training, right after a training, and while the new files are written; two runs at a time"""
    d,secs = earlier
    before = files(d)
    moments = ([('s', f*secs) for f in (0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)] +
               [('line', 1, 0), ('line', 1, 0.3), ('line', 2, 0.1), ('line', 3, 0)] +
               [('line', 4, s) for s in (0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.2)])
    outs = [copy_of(earlier, tmp_path/f'm{i}') for i in range(len(moments))]
    with ThreadPoolExecutor(2) as ex: got = list(ex.map(interrupt, outs, moments))
    problems,codes = [],[]
    for m,out,(pid,rc,stdout,err) in zip(moments, outs, got):
        codes.append(rc)
        if not group_gone(pid): problems.append(f'{m}: processes left behind')
        if 'leaked' in err or 'Traceback' in err: problems.append(f'{m}: {err!r}')
        problems += check_stopped(out, before, rc, err, stdout, m)
    assert not problems, problems
    assert codes.count(130) >= len(moments) // 2, codes   # most moments land before the run's end: the test is not vacuous

def started_training(p):
    "Read `p`'s output up to its first finished training: the workers are warm and training"
    l = p.stdout.readline()
    assert LINE.match(l), (l, p.stderr.read() if p.poll() is not None else '')
    return l

@pytest.mark.train
def test_sigterm_to_the_main_process_only_ends_the_workers_too(earlier, tmp_path):
    "As `timeout`, systemd or a batch scheduler stop a job: SIGTERM to the main process, not to the group"
    out = copy_of(earlier, tmp_path/'r')
    before = files(out)
    p = start('reproduce', *RUN, out=out)
    first = started_training(p)
    os.kill(p.pid, signal.SIGTERM)
    rest,err = rest_of(p, 120)
    assert group_gone(p.pid), 'workers or the resource tracker left behind'
    assert 'leaked' not in err, err
    assert not check_stopped(out, before, p.returncode, err, first + rest, 'SIGTERM')
    assert p.returncode == 130

def workers_of(pid):
    "The worker processes a `run_seeds` process started (not its resource tracker)"
    kids = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            if stat.read_text().rsplit(')', 1)[1].split()[1] == str(pid) and b'spawn_main' in (stat.parent/'cmdline').read_bytes():
                kids.append(int(stat.parent.name))
        except (OSError, IndexError): pass
    return kids

@pytest.mark.train
def test_a_killed_worker_ends_the_run_naming_its_training(earlier, tmp_path):
    "`kill -9` of a worker, as the kernel's out-of-memory killer does: one line naming the training, exit 1, nothing hangs"
    out = copy_of(earlier, tmp_path/'r')
    before = files(out)
    p = start('reproduce', *RUN, out=out)
    first = started_training(p)
    ws = workers_of(p.pid)
    assert len(ws) == 2, ws
    os.kill(ws[0], signal.SIGKILL)
    rest,err = rest_of(p, 120)
    assert p.returncode == 1 and len(err.strip().splitlines()) == 1, err
    m = re.match(r'hnlm reproduce: error: a worker died \(killed by SIGKILL: out of memory, or kill -9\) '
                 r'(while training (LMModel\d seed \d)|between trainings); partial results, (\d) of 4 trainings', err)
    assert m, err
    assert group_gone(p.pid), 'processes left behind'
    assert {k: v for k,v in files(out).items() if k in RESULT_FILES} == before   # byte for byte
    doc = read_results(out/PARTIAL_FILE)
    assert doc['partial'] and doc['done'] == int(m[3]) >= 1
    if m[2]:   # the training it names did not finish
        name,seed = m[2].split(' seed ')
        assert all(not (r['model'] == name and int(seed) in r['seeds']) for r in doc['records']), (m[2], doc['records'])

def test_ctrl_c_to_a_python_program_using_run_seeds(tmp_path):
    "The library, not the command: Ctrl-C to a script that runs `run_seeds` stops its workers, and it can catch the interrupt"
    prog = tmp_path/'prog.py'
    prog.write_text("from human_numbers_lm.runner import run_seeds, _toy\n"
                    "if __name__ == '__main__':\n"
                    "    try: run_seeds(_toy, [dict(seed=s, secs=60) for s in range(4)], jobs=2, on_result=print)\n"
                    "    except KeyboardInterrupt: print('stopped', flush=True)\n")
    p = subprocess.Popen([PY, str(prog)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    end = time.monotonic() + 120
    while len(workers_of(p.pid)) < 2 and time.monotonic() < end: time.sleep(0.2)
    time.sleep(1)
    os.killpg(p.pid, signal.SIGINT)
    out,err = p.communicate(timeout=120)
    assert p.returncode == 0 and out == 'stopped\n' and err == '', err
    assert group_gone(p.pid)

def test_workers_end_when_their_parent_is_killed_outright(tmp_path):
    "`kill -9` of the main process gives it no chance to stop its workers: they notice, and end"
    prog = tmp_path/'prog.py'
    prog.write_text("from human_numbers_lm.runner import run_seeds, _toy\n"
                    "if __name__ == '__main__': run_seeds(_toy, [dict(seed=s, secs=60) for s in range(4)], jobs=2)\n")
    p = subprocess.Popen([PY, str(prog)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    end = time.monotonic() + 120
    while len(workers_of(p.pid)) < 2 and time.monotonic() < end: time.sleep(0.2)
    ws = workers_of(p.pid)
    assert len(ws) == 2, ws
    time.sleep(1)
    p.kill(); p.communicate(timeout=60)
    assert group_gone(p.pid), [q for q in ws if Path(f'/proc/{q}').exists()]

@pytest.mark.train
def test_a_variants_settings_reach_its_training():
    "A variant is a changed `BookRun`, sent to a worker with its task: its training uses it"
    from human_numbers_lm.recipes import BOOK_RUNS
    from human_numbers_lm.reproduce import train_one
    book,small = BOOK_RUNS['LMModel1'],replace(BOOK_RUNS['LMModel1'], n_hidden=8)
    tasks = [dict(name='LMModel1', seed=0, epochs=1, device='cpu'), dict(name='LMModel1', seed=0, epochs=1, device='cpu', run=small)]
    recs = run_seeds(train_one, tasks, jobs=2)
    assert [r['params'] for r in recs] == [sum(p.numel() for p in r.make_model(30).parameters()) for r in (book, small)]
    assert recs[0]['values'] != recs[1]['values']
