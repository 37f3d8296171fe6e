"""What a browser fetches when a student follows the teacher's link to the descent view.

Found by reading the page as a browser does, not from a list that could go stale: the files
the HTML names, then the modules those import, wave by wave, with the descent view (which the
shell imports on demand) in the shell's wave, and last the catalogue calls the page makes.
`tests/browser/test_page_assets.py` checks the result against what Chromium really fetches.
"""

import re
from collections.abc import Callable

ASSET = re.compile(r'(?:src|href)="(/(?:static|vendor)/[^"#?]+)"')
IMPORT = re.compile(r'(?:\bfrom\s*|^\s*import\s*)"(\./[\w.\-]+\.js)"', re.MULTILINE)  # not import()
CATALOGUE = ["/api/v1/i18n/en", "/api/v1/optimizers", "/api/v1/surfaces"]


def module_imports(path: str, text: str) -> list[str]:
    """The modules a script imports statically (`from "./x.js"`), as absolute paths."""
    folder = path.rsplit("/", 1)[0]
    return [f"{folder}/{name[2:]}" for name in IMPORT.findall(text)]


def discover(get: Callable[[str], str], entry_view: str = "descent") -> list[list[str]]:
    """The page's files in waves: each wave is what the previous one makes the browser fetch.

    `get(path)` returns a file's text. The catalogue calls come last, as one wave.
    """
    html = get("/")
    waves = [sorted(set(ASSET.findall(html)))]
    seen = set(waves[0])
    while waves[-1]:
        found: set[str] = set()
        for path in waves[-1]:
            if not path.endswith(".js") or path.startswith("/vendor/"):
                continue
            imported = module_imports(path, get(path))
            if path.endswith("/app.js"):
                imported.append(f"/static/js/{entry_view}.js")
            found.update(p for p in imported if p not in seen)
        seen |= found
        waves.append(sorted(found))
    return [w for w in waves if w] + [CATALOGUE]
