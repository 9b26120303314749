# Journey Lab in a container. The build runs `make install`, the same target `make test`
# (and so CI) builds on a fresh clone, so CI's fresh install covers every step here; it also
# installs the PDF report's system libraries (scripts/install-system-deps.sh).
FROM python:3.11-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt Makefile ./
COPY scripts/install-system-deps.sh scripts/
RUN make install
COPY . .

ENV JOURNEY_DB=/data/journey.db \
    JOURNEY_BACKUP_DIR=/data/backups \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=true
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD [".venv/bin/python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
