"""A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe):
no websocket, no driver, no extra package.  Used by tests/test_html.py and benchmarks/html_bench.py.

    with Browser() as b:
        result = b.open("/tmp/report.html")   # load, wait for the charts, collect console errors
        png = b.screenshot()

Debian's `chromium` package (``apt-get install -y chromium``; .ci/run installs it when missing).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
    "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe",
]  # fmt: skip

# Every element, through open shadow roots (Bokeh draws inside them).
_DEEP = """
function deep(root, sel, out) {
  out = out || [];
  root.querySelectorAll(sel).forEach(function (e) { out.push(e); });
  root.querySelectorAll('*').forEach(function (e) { if (e.shadowRoot) deep(e.shadowRoot, sel, out); });
  return out;
}
"""

# Canvases with drawn pixels (anything not fully transparent and not white), SVGs with shapes,
# table rows, and whether BokehJS finished rendering.
_STATE = _DEEP + """
(function () {
  var drawn = 0, canvases = deep(document, 'canvas');
  canvases.forEach(function (c) {
    if (!c.width || !c.height) return;
    var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
    for (var i = 0; i < d.length; i += 16) { if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) n++; }
    if (n > 200) drawn++;
  });
  var svgs = deep(document, 'svg').filter(function (s) { return s.querySelector('path,rect,circle,line'); }).length;
  var tables = {}, dataRows = {};
  document.querySelectorAll('table').forEach(function (t, i) {
    tables[t.id || ('table' + i)] = t.tBodies.length ? t.tBodies[0].rows.length : 0;
    if (t.dataset.rows) dataRows[t.id] = +t.dataset.rows;
  });
  var plots = deep(document, '.bk-Figure, .bk-Plot').length;
  return JSON.stringify({canvases: canvases.length, drawn: drawn, svgs: svgs, tables: tables, dataRows: dataRows, plots: plots,
                         chartDivs: document.querySelectorAll('.chart').length, title: document.title});
})()
"""


# Cheap to poll: the tables have rows and every Bokeh root view has finished rendering.
_READY = """
(function () {
  var tables = document.querySelectorAll('table.sortable'), rows = true;
  tables.forEach(function (t) { if (!t.tBodies.length || !t.tBodies[0].rows.length) rows = false; });
  if (!rows) return -1;
  if (!window.Bokeh || !Bokeh.index) return 0;
  var views = Object.values(Bokeh.index), done = 0;
  views.forEach(function (v) { if (v.has_finished && v.has_finished()) done++; });
  return done === views.length ? views.length : 0;
})()
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, width: int = 1280, height: int = 900, exe: str | None = None) -> None:
        exe = exe or find_chromium()
        if exe is None:
            raise RuntimeError("no chromium found (apt-get install -y chromium)")
        self.profile = tempfile.mkdtemp(prefix="dscost-chromium-")
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()

        def fds() -> None:  # the child reads commands on fd 3 and writes replies on fd 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)  # above 4, so the dup2s cannot clobber each other
            os.dup2(a, 3)  # dup2 makes them inheritable
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False,
        )  # fmt: skip
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height, deviceScaleFactor=1, mobile=False)

    # -- protocol
    def _send(self, msg: dict) -> None:
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._w, data)
            data = data[n:]

    def _recv(self, timeout: float) -> dict:
        import select

        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, session: bool = False, timeout: float = 30, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self._send(msg)
        while True:
            reply = self._recv(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 30) -> dict:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            e = self._recv(max(0.01, deadline - time.monotonic()))
            if e.get("method") == method:
                return e
            self.events.append(e)

    def evaluate(self, expression: str):
        r = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate: {r['exceptionDetails']}")
        return r["result"].get("value")

    # -- what the tests and the benchmark use
    def open(self, path: str | Path, charts: int = 1, timeout: float = 30) -> dict:
        """Load ``path``; wait until ``charts`` canvases have drawn pixels (or ``timeout``).
        Returns the page state, ``seconds`` (navigation start to charts drawn) and ``errors``
        (console errors, uncaught exceptions, failed loads)."""
        self.events.clear()
        t0 = time.perf_counter()
        self.call("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        self.wait_event("Page.loadEventFired", timeout)
        deadline = time.monotonic() + timeout
        while (self.evaluate(_READY) or 0) < min(charts, 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        seconds = time.perf_counter() - t0
        while True:  # then look at the pixels (charts drawn on canvases)
            state = json.loads(self.evaluate(_STATE))
            if state["drawn"] >= charts or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        state["seconds"] = max(seconds, time.perf_counter() - t0) if state["drawn"] < charts else seconds
        # collect what arrived meanwhile
        try:
            while True:
                self.events.append(self._recv(0.2))
        except TimeoutError:
            pass
        state["errors"] = self.errors()
        return state

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(f"exception: {p.get('exceptionDetails', {}).get('exception', {}).get('description') or p}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return out

    def screenshot(self, full_page: bool = False) -> bytes:
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            h = self.evaluate("document.documentElement.scrollHeight")
            params["clip"] = {"x": 0, "y": 0, "width": self.evaluate("document.documentElement.scrollWidth"), "height": h, "scale": 1}
        return base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"])

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
