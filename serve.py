"""Start Journey Lab: ``streamlit run app.py`` with TCP_NODELAY on the websocket connections.

Streamlit 1.67 serves through uvicorn, which creates its listening socket with protocol 0;
asyncio turns on TCP_NODELAY only for sockets whose protocol is IPPROTO_TCP, so every
accepted connection keeps Nagle's algorithm and small websocket frames wait for the
browser's delayed ACK (about 40 ms per interaction here: see ``bench/latency.py``). This
launcher widens asyncio's check to any TCP stream socket, then hands over to Streamlit's own
command line. ``JOURNEY_TCP_NODELAY=0`` leaves asyncio alone (for the benchmark).

    python serve.py [streamlit options, e.g. --server.port 8501]
"""

import asyncio.base_events
import os
import socket
import sys


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def main() -> None:
    if os.environ.get("JOURNEY_TCP_NODELAY", "1") != "0":
        asyncio.base_events._set_nodelay = _set_nodelay
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", os.path.join(os.path.dirname(__file__), "app.py"),
                *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
