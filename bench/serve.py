"""The benchmark's web server: `python -m http.server`'s handler, with a listen backlog and
keep-alive that a crawl with 32 requests in flight needs.

    python bench/serve.py PORT DIRECTORY

http.server listens with a backlog of 5: at 32 concurrent connections the kernel drops SYNs
(ListenOverflows) and each dropped one costs the client a 1-second retransmit, which made the
benchmark measure TCP timeouts. HTTP/1.1 keeps connections open, as real sites do.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def main(argv=None) -> int:
    port, directory = (argv or sys.argv[1:])[:2]
    handler = functools.partial(Handler, directory=directory)
    with Server(("127.0.0.1", int(port)), handler) as server:
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
