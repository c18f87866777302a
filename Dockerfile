# The scheduled service (`python cli.py serve`) in a container. See docs/service.md.
#
#   docker build -t khoknongna .
#   docker run -d --name khoknongna --restart unless-stopped --stop-timeout 300 \
#     -v /srv/khoknongna/data:/app/data \
#     -v /srv/khoknongna/config:/app/config:ro \
#     --env-file /srv/khoknongna/secrets.env \
#     khoknongna
#   docker exec khoknongna python cli.py history
#
# /app/data holds the workbooks, the summary, the outbox and the state folder (lock files, run
# history); it must be writable by uid 10001 and on a local disk (the locks use flock).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Bangkok \
    KHOKNONGNA_CONFIG=/app/config/config.yaml \
    KHOKNONGNA_LOG_FORMAT=json

# WeasyPrint (PDF memos) needs Pango and HarfBuzz; fontconfig finds the bundled Thai font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig tzdata \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, pinned by constraints.txt, so that a code change does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY cli.py ./
COPY sync ./sync
COPY rules ./rules
COPY templates ./templates
COPY config ./config

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin khoknongna \
    && mkdir -p /app/data \
    && chown khoknongna:khoknongna /app/data
USER khoknongna
VOLUME ["/app/data"]

# Exit 1 when the last run failed, was killed, or is older than the schedule allows.
HEALTHCHECK --interval=5m --timeout=60s --start-period=15m --retries=2 CMD ["python", "cli.py", "status"]

# SIGTERM: the district in hand is finished, the run is recorded as stopped, exit 0.
STOPSIGNAL SIGTERM
CMD ["python", "cli.py", "serve"]
