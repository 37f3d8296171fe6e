"""Real headless Chromium (Debian's), driven by Playwright from PyPI."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = os.environ.get("GDVIZ_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session; missing Chromium fails under CI and skips elsewhere."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Console:
    """What the page said: console errors and uncaught exceptions."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} at {message.location}")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def console() -> Console:
    return Console()


PageFactory = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser, server_url: str, console: Console) -> Iterator[PageFactory]:
    """Open fresh pages (own context: storage, language) whose console errors go to `console`."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "en-US") -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
        contexts.append(context)
        pg = context.new_page()
        pg.on("console", console.on_console)
        pg.on("pageerror", console.on_page_error)
        pg.set_default_timeout(30_000)
        return pg

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    """A fresh English page on the live server, its console errors collected in `console`."""
    return new_page()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
