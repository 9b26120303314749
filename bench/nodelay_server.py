"""For bench/latency.py only: ``streamlit run app.py`` with TCP_NODELAY on its connections.

Streamlit 1.67 serves through uvicorn, which creates its listening socket with protocol 0;
asyncio turns on TCP_NODELAY only for sockets whose protocol is IPPROTO_TCP, so accepted
connections keep Nagle's algorithm. This launcher widens asyncio's check (a private function)
so the benchmark can compare both. Measured here, the difference is within the noise, so the
app itself runs plain ``streamlit run app.py``. ``JOURNEY_TCP_NODELAY=0`` leaves asyncio alone.

    python bench/nodelay_server.py [streamlit options, e.g. --server.port 8501]
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

    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]  # app.py of the working folder
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
