# syndicator: worker + feed server in one process.
#   docker build -t syndicator .
#   docker run -p 8080:8080 -v syndicator-data:/data -v "$PWD/feeds.toml:/config/feeds.toml:ro" \
#              -e SYNDICATOR_BASE_URL=https://feeds.example.org/ syndicator
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SYNDICATOR_CONFIG=/config/feeds.toml \
    SYNDICATOR_HOST=0.0.0.0 \
    SYNDICATOR_DATABASE_URL=sqlite:////data/syndicator.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY syndicator ./syndicator
# The project itself is installed from source; its dependencies are bounded in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir ".[postgres]" \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin syndicator \
    && mkdir -p /data /config \
    && chown syndicator /data
COPY feeds.toml /config/feeds.toml

USER 10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

STOPSIGNAL SIGTERM
CMD ["syndicator", "run"]
