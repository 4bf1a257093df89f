"Bad input to the data layer gets one clear error; nothing on disk is left half-written."
import os, pytest
from pathlib import Path
from human_numbers_lm.all import *
from human_numbers_lm.data import _split_lines

@pytest.fixture
def data(tmp_path): return human_numbers_path(tmp_path/'hn')

def test_generates_published_format(data):
    train,valid = (data/'train.txt').read_text(),(data/'valid.txt').read_text()
    assert train.startswith('one \ntwo \n') and train.endswith('seven thousand nine hundred ninety nine \n')
    assert valid.startswith('eight thousand one \n') and valid.endswith('nine thousand nine hundred ninety nine \n')
    assert (len(train.splitlines()), len(valid.splitlines())) == (7999, 1999)
    assert 'eight thousand \n' not in train + valid

def test_existing_folder_is_validated_not_rewritten(data):
    before = (data/'train.txt').stat().st_mtime_ns
    human_numbers_path(data)
    assert (data/'train.txt').stat().st_mtime_ns == before

def test_line_removed(data):
    lines = (data/'valid.txt').read_text().splitlines(keepends=True)
    (data/'valid.txt').write_text(''.join(lines[:10] + lines[11:]))
    with pytest.raises(HumanNumbersError, match=r"valid\.txt.*1998 lines \(expected 1999\).*line 11"): human_numbers_path(data)

def test_last_line_truncated(data):
    (data/'train.txt').write_text((data/'train.txt').read_text()[:-30])
    with pytest.raises(HumanNumbersError, match=r"train\.txt.*line 7999"): human_numbers_path(data)

def test_word_misspelled(data):
    (data/'train.txt').write_text((data/'train.txt').read_text().replace('forty two \n', 'fourty two \n', 1))
    with pytest.raises(HumanNumbersError, match=r"train\.txt.*line 42 is 'fourty two \\n' where 'forty two \\n'"): human_numbers_path(data)

def test_binary_garbage(data):
    (data/'train.txt').write_bytes(b'\xff\xfe' + b'x'*10)
    with pytest.raises(HumanNumbersError, match='not UTF-8'): human_numbers_path(data)

def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(*a, **k): raise KeyboardInterrupt
    monkeypatch.setattr(os, 'replace', boom)
    with pytest.raises(KeyboardInterrupt): human_numbers_path(tmp_path/'hn')
    assert list((tmp_path/'hn').iterdir()) == []   # no train.txt, and no temporary file either
    monkeypatch.undo()
    human_numbers_path(tmp_path/'hn')                # the next run writes both files whole

def test_env_var_sets_default(tmp_path, monkeypatch):
    monkeypatch.setenv('HNLM_DATA', str(tmp_path/'env'))
    assert human_numbers_path() == tmp_path/'env'
    assert (tmp_path/'env'/'valid.txt').read_text() == ''.join(_split_lines(range(8001, 10000)))

def test_word_outside_vocab():
    nums,vocab = load_nums()
    with pytest.raises(ValueError, match="'eleventy' is not in the vocabulary of 30 words"): encode('one eleventy', vocab)

def test_public_names():
    import human_numbers_lm.all as a
    for n in ['num2words', 'words2num', 'human_numbers_path', 'group_chunks']: assert hasattr(a, n), n

def test_written_files_are_ordinary_files(data):
    umask = os.umask(0); os.umask(umask)
    assert (data/'train.txt').stat().st_mode & 0o777 == 0o666 & ~umask   # not mkstemp's private 0o600
