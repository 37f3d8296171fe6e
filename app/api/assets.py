"""Third-party browser assets served from installed Python packages, so the page works offline."""

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly
import swagger_ui_bundle

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)


@dataclass(frozen=True)
class Asset:
    """A file held gzip-compressed in memory, with a content hash for its ETag."""

    gzipped: bytes
    etag: str
    media_type: str


@cache
def plotly_version() -> str:
    """The plotly.js version in the installed plotly package, e.g. '4.1.1'."""
    with PLOTLY_JS.open("rb") as f:
        head = f.read(200).decode("ascii", "replace")
    match = re.search(r"plotly\.js v([\w.\-]+)", head)
    return match.group(1) if match else "unknown"


@cache
def load(path: Path, media_type: str) -> Asset:
    """Read and compress a file once per process; later calls reuse it."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Asset(gzip.compress(raw, compresslevel=6, mtime=0), f'"{digest}"', media_type)
