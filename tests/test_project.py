"The project's shape: nbdev 3 config only, and a README that is the index notebook."
import sys, subprocess
from pathlib import Path

root = Path(__file__).parent.parent

def test_nbdev3_config_only():
    assert not (root/'settings.ini').exists() and not (root/'setup.py').exists()
    cfg = (root/'pyproject.toml').read_text()   # tomllib would need Python 3.11; we support 3.10
    assert '[tool.nbdev]' in cfg and 'lib_path = "human_numbers_lm"' in cfg

def test_readme_matches_index_notebook():
    r = subprocess.run([sys.executable, str(root/'tools'/'readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
