"""Third-party browser assets served from installed Python packages, so the page works offline."""

import re
from functools import cache
from pathlib import Path

import plotly
import swagger_ui_bundle

from app.api.cached import Encoded, pack

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)


@cache
def plotly_version() -> str:
    """The plotly.js version in the installed plotly package, e.g. '4.1.1'."""
    with PLOTLY_JS.open("rb") as f:
        head = f.read(200).decode("ascii", "replace")
    match = re.search(r"plotly\.js v([\w.\-]+)", head)
    return match.group(1) if match else "unknown"


@cache
def load(path: Path) -> Encoded:
    """Read and compress a file once per process; later calls reuse it."""
    return pack(path.read_bytes())
