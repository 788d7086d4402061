"""Fixtures of the board's browser tests: a `fieldplan serve` on a fresh database (tokens made
before it starts), and headless Chromium from Debian driven by Playwright."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / "target" / "release" / "fieldplan"
NOW = "2026-11-30T09:20:00+08:00"
DAY = "2026-11-30"
SHOTS = REPO / "bench-out" / "board"

# Responses the page expects to fail, and handles: no plan yet for the day (404), the fault
# list on a service that has none yet (404/405). Chromium logs them as console errors.
EXPECTED_FAILURES = [
    re.compile(r"/v1/plans/\d{4}-\d{2}-\d{2}$"),
    re.compile(r"/v1/faults\?status=open$"),
]


class Server:
    def __init__(self, base, tokens, proc):
        self.base = base
        self.tokens = tokens
        self.proc = proc

    def api(self, method, path, role="dispatcher", body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.tokens[role]}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as res:
            return json.loads(res.read())


@pytest.fixture(scope="session")
def server():
    assert BINARY.exists(), f"build it first: cargo build --release ({BINARY})"
    tmp = tempfile.mkdtemp(prefix="board-")
    db = os.path.join(tmp, "board.db")
    tokens = {}
    for role in ["dispatcher", "planner", "manager", "viewer"]:
        out = subprocess.run([str(BINARY), "token", "create", "--role", role, "--db", db],
                             cwd=REPO, check=True, capture_output=True, text=True)
        tokens[role] = out.stdout.strip()
    proc = subprocess.Popen(
        [str(BINARY), "serve", "--now", NOW, "--listen", "127.0.0.1:0", "--db", db],
        cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    found = threading.Event()
    address = {}

    def read():
        for line in proc.stderr:
            m = re.search(r"listening on (http://\S+)", line)
            if m and not found.is_set():
                address["base"] = m.group(1)
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(60):
        proc.kill()
        pytest.fail("fieldplan serve did not say where it listens")
    yield Server(address["base"], tokens, proc)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium")
    assert chromium, "apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


class Console:
    """Collects console errors and page errors, less the expected failed requests."""

    def __init__(self, page):
        self.errors = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def on_console(self, msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if "Failed to load resource" in msg.text and any(p.search(url) for p in EXPECTED_FAILURES):
            return
        self.errors.append(f"{msg.text} ({url})")

    def check(self):
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)


@pytest.fixture
def page_for(browser, server):
    """A logged-in page for a role, at 1366x768; fails the test on any console error."""
    opened = []

    def make(role):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
        page = context.new_page()
        console = Console(page)
        opened.append((context, console))
        page.goto(server.base + "/")
        page.get_by_label("Access token").fill(server.tokens[role])
        page.get_by_role("button", name="Open the board").click()
        page.wait_for_selector("#tabs:not([hidden])")
        return page

    yield make
    for context, console in opened:
        context.close()
    for _, console in opened:
        console.check()
