"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev-readme` needs, can't be installed here).

`python tools/readme.py` writes it; `python tools/readme.py --check` exits 1 if README.md is stale."""
import sys, json
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def _src(c): return ''.join(c['source'])

def _outputs(c):
    for o in c.get('outputs', []):
        d = o.get('data', {})
        if 'text/markdown' in d: yield ''.join(d['text/markdown'])
        elif 'image/png' in d: continue   # plots in the README are committed files under results/
        elif 'text/html' in d and ''.join(d.get('text/plain', '')).startswith('<IPython.core.display.HTML'):
            yield ''.join(d['text/html']).strip()   # `display(HTML(...))`, as fastai shows tables: its text is a placeholder
        elif 'text/plain' in d: yield '```\n' + ''.join(d['text/plain']).rstrip() + '\n```'
        elif o.get('output_type') == 'stream' and o.get('name') == 'stdout': yield '```\n' + ''.join(o['text']).rstrip() + '\n```'

def render(nb_path=root/'nbs'/'index.ipynb'):
    "Markdown for the README: markdown cells as they are, code cells without `#|` directives, and their outputs"
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for c in nb['cells']:
        src = _src(c)
        if c['cell_type'] == 'markdown': parts.append(src.strip().replace('](../', '](')); continue   # links from nbs/ to the root
        lines = src.splitlines()
        dirs = [l for l in lines if l.startswith('#|')]
        if any(d.replace(' ', '') in ('#|hide', '#|include:false') for d in dirs): continue
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code and not any('echo: false' in d for d in dirs): parts.append('```python\n' + code + '\n```')
        parts.extend(_outputs(c))
    return '<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, then `make readme`. -->\n\n' + '\n\n'.join(p for p in parts if p) + '\n'

if __name__ == '__main__':
    md, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != md: sys.exit('README.md is out of date with nbs/index.ipynb: run `make readme`.')
    else: readme.write_text(md)
