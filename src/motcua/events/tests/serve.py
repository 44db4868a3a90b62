"""Serve MotCua's WSGI application on 127.0.0.1 (a port given, or a free one) for tests.

Prints the port once it listens, then serves until SIGTERM. Settings come from the
environment like any MotCua process (DATABASE_URL, MOTCUA_FEDERATION_MODE, …).
"""

import os
import signal
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = make_server(
        "127.0.0.1", port, application, server_class=ThreadingServer, handler_class=QuietHandler
    )
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
