"""A local site that misbehaves on purpose: one fault per article URL of a workercn-shaped list."""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from workercrawl.demo import SITES

GOOD = (SITES / "workercn" / "c" / "2024-05-20" / "7100001.shtml").read_bytes()


def gbk_page(paragraphs: int) -> bytes:
    return ("<html><head><title>职工书屋建设五年间-工会-中工网</title></head><body><h1>职工书屋建设五年间</h1>"
            "<div class='info'>2024-05-17 08:30:00 来源：工人日报</div><div id='article'>"
            + "".join(f"<p>第{n}段：全国各级工会持续推进职工书屋建设，让广大职工有书读、读好书，"
                      "书屋成为职工的精神家园和学习阵地。</p>" for n in range(paragraphs))
            + "</div></body></html>").encode("gbk")


# Two different articles (the same text twice on one host would be stored once, as an alias).
GBK_PAGE, GBK_PAGE_2 = gbk_page(12), gbk_page(13)


def path(n: int) -> str:
    return f"/c/2024-05-20/71001{n:02d}.shtml"


# n → what the server does for path(n)
FAULTS = {
    0: "good",
    1: "500",
    2: "503",
    3: "timeout",
    4: "404",
    5: "redirect-loop",
    6: "reset",
    7: "truncated",
    8: "wrong-charset",
    9: "missing-charset",
    10: "huge",
    11: "binary",
    12: "robots",
}


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # resets on purpose: no tracebacks in test output
        pass


class FaultServer:
    def __init__(self, timeout_delay: float = 3.0):
        self.log: list[str] = []
        self.delay = timeout_delay
        self.httpd = _Quiet(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, target: str) -> int:
        return sum(1 for p in self.log if p == target)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def send(self, status, body: bytes, ctype="text/html; charset=utf-8", length=None, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                here = urlsplit(self.path).path
                server.log.append(here)
                if here == "/robots.txt":
                    return self.send(200, f"User-agent: *\nDisallow: {path(12)}\n".encode(), "text/plain")
                if here == "/list/":
                    links = "".join(f"<li><a href='{path(n)}'>第{n}条新闻</a></li>" for n in FAULTS)
                    return self.send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
                if here == "/loop-b":
                    return self.send(302, b"", headers=[("Location", path(5))])
                fault = next((f for n, f in FAULTS.items() if path(n) == here), None)
                if fault == "good":
                    return self.send(200, GOOD)
                if fault in ("500", "503"):
                    return self.send(int(fault), b"<html><body>Server Error</body></html>")
                if fault == "timeout":
                    time.sleep(server.delay)
                    return self.send(200, GOOD)
                if fault == "redirect-loop":
                    return self.send(302, b"", headers=[("Location", "/loop-b")])
                if fault == "reset":  # RST instead of an answer
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return None
                if fault == "truncated":
                    self.send(200, GOOD[:2000], length=len(GOOD))
                    self.close_connection = True
                    return None
                if fault == "wrong-charset":  # GBK bytes, header claims UTF-8
                    return self.send(200, GBK_PAGE, "text/html; charset=utf-8")
                if fault == "missing-charset":  # GBK bytes, no charset anywhere
                    return self.send(200, GBK_PAGE_2, "text/html")
                if fault == "huge":
                    return self.send(200, b"<html><body>" + b"<p>" + b"x" * (10 * 1024 * 1024) + b"</p></body></html>")
                if fault == "binary":
                    return self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 200)
                return self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>")

            def log_message(self, *args):
                pass

        return Handler
