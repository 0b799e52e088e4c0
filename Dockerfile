FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The code belongs to root and cannot be changed by the app; its data lives in /data,
# which belongs to the app's user (mount a volume there to keep it).
RUN useradd --create-home --uid 10001 nudgebot \
    && mkdir /data && chown nudgebot:nudgebot /data && chmod 700 /data
WORKDIR /app

COPY pyproject.toml README.md app.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY models ./models
RUN pip install .

USER nudgebot
# The working directory is the data directory: a relative sqlite:///nudgebot.db lands here.
WORKDIR /data
VOLUME ["/data"]
# The container's network is its own: listen on every interface of it.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/nudgebot.db
EXPOSE 3000

# Every role serves /healthz on HOST:PORT: web, scheduler and Socket Mode alike.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; h = os.environ.get('HOST') or '127.0.0.1'; h = {'0.0.0.0': '127.0.0.1', '::': '[::1]'}.get(h, '[%s]' % h if ':' in h else h); u.urlopen('http://%s:%s/healthz' % (h, os.environ.get('PORT') or '3000'), timeout=4)"

# The role is the argument: `docker run IMAGE` (web and scheduler), `docker run IMAGE web`,
# `docker run IMAGE scheduler`. SIGTERM finishes acked work for up to 20 s: give
# `docker stop` (or the orchestrator) at least 30 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "/app/app.py"]
