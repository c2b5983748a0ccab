"""What a page costs a phone on mobile data: the bytes on the wire of the page and of every
file it loads (stylesheets, scripts, the ES modules those import), as a browser that accepts
gzip gets them from gunicorn, headers included.

The scanner page is weighed twice: as a browser with BarcodeDetector opens it (Android Chrome)
and as one without, which also fetches the QR decoder when the camera is opened. What the page
then asks the API for (the ticket list, the figures) is data, not the page, and not counted.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from urllib.parse import urlencode, urljoin

from bench.load import REQUEST_TIMEOUT

_LINKS = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')
_SCRIPTS = re.compile(r'<script[^>]+src="([^"]+)"')
_IMPORTS = re.compile(r'(?:^|\n)\s*(?:import|export)\b[^"\']*?from\s+["\']([^"\']+)["\']')
_CONFIG = re.compile(r'<script type="application/json" id="scanner-config">(.*?)</script>', re.S)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One keep-alive connection, its cookies, gzip accepted; counts what comes over the wire."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, bytes, int]:
        """(status, body as sent, bytes on the wire: status line, headers and body)."""
        return self.request("GET", path)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Accept-Encoding": "gzip", "Accept": "*/*"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + len(str(response.headers))
        return response.status, data, head + len(data)

    def log_in(self, email: str, password: str) -> None:
        _status, page, _size = self.get("/login")
        match = _CSRF.search(page.decode())
        form = {"email": email, "password": password, "csrf_token": match.group(1) if match else ""}
        status, _body, _size = self.request("POST", "/login", form)
        if status != 302:
            raise RuntimeError(f"bench: log-in as {email} answered {status}")

    def close(self) -> None:
        self.conn.close()


def _text(body: bytes) -> str:
    if body[:2] == b"\x1f\x8b":
        import gzip

        body = gzip.decompress(body)
    return body.decode("utf-8", "replace")


def weigh(browser: Browser, path: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The page at ``path``, every stylesheet and script it names, every module those import,
    and ``extra`` files; each fetched once, as a browser with an empty cache would."""
    status, body, size = browser.get(path)
    html = _text(body)
    files: dict[str, int] = {}
    queue = [urljoin(path, u) for u in (*_LINKS.findall(html), *_SCRIPTS.findall(html), *extra)]
    while queue:
        url = queue.pop(0)
        if url in files:
            continue
        file_status, file_body, file_size = browser.get(url)
        files[url] = file_size if file_status == 200 else -file_status
        if url.endswith(".js") and file_status == 200:
            queue.extend(urljoin(url, u) for u in _IMPORTS.findall(_text(file_body)))
    return {
        "status": status,
        "page_bytes": size,
        "files": files,
        "total_bytes": size + sum(max(v, 0) for v in files.values()),
        "missing": [url for url, v in files.items() if v < 0],
    }


def scanner_config(html: str) -> dict[str, Any]:
    match = _CONFIG.search(html)
    return json.loads(match.group(1)) if match else {}


def page_weights(port: int, door_path: str, scanner_path: str, staff: tuple[str, str]) -> Any:
    """The door page as a participant's phone opens it, and the scanner page as door staff's."""
    out: dict[str, Any] = {}
    browser = Browser(port)
    try:
        out["door"] = weigh(browser, door_path)
    finally:
        browser.close()
    browser = Browser(port)
    try:
        browser.log_in(*staff)
        _status, body, _size = browser.get(scanner_path)
        decoder = scanner_config(_text(body)).get("urls", {}).get("decoder", "")
        out["scanner"] = weigh(browser, scanner_path)
        out["scanner_with_decoder"] = weigh(browser, scanner_path, (decoder,) if decoder else ())
        # The service worker's script too: the page registers it on the first open (the files
        # it keeps are the ones just fetched: the browser's cache answers or revalidates them).
        worker = browser.get("/scanner-sw.js")[2]
        for key in ("scanner", "scanner_with_decoder"):
            out[key]["files"]["/scanner-sw.js"] = worker
            out[key]["total_bytes"] += worker
    finally:
        browser.close()
    return out
