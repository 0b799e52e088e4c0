# nudgebot's image, in two stages:
#   build    builds the project's wheel and installs it with its dependencies in /venv
#   runtime  the slim base, /venv, an unprivileged user and nothing else (no source tree,
#            no pip, no compiler, no tests)
# `docker build -t nudgebot .`; docs/DEPLOY.md says how to run it (one process, Compose,
# Kubernetes).

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package is made of (the playground, tests and benches stay out: the
# playground serves 127.0.0.1 only and has no use in a container).
COPY pyproject.toml README.md app.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY models ./models
# The last step imports the installed app: a missing dependency fails the build, not the start.
RUN pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv --without-pip /venv \
    && pip --python /venv/bin/python install /wheels/nudgebot-*.whl \
    && /venv/bin/python -P -m app --help >/dev/null

FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH

# The code belongs to root and cannot be changed by the app; its data lives in /data,
# which belongs to the app's user (mount a volume there to keep it). pip, setuptools and
# wheel are not needed at run time.
RUN useradd --create-home --uid 10001 nudgebot \
    && mkdir /data && chown nudgebot:nudgebot /data && chmod 700 /data \
    && python -m pip uninstall -y -q pip setuptools wheel
COPY --from=build /venv /venv

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
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; h = os.environ.get('HOST') or '127.0.0.1'; h = {'0.0.0.0': '127.0.0.1', '::': '[::1]'}.get(h, '[%s]' % h if ':' in h else h); u.urlopen('http://%s:%s/healthz' % (h, os.environ.get('PORT') or '3000'), timeout=4)"

# The role is the argument: `docker run IMAGE` (web and scheduler), `docker run IMAGE web`,
# `docker run IMAGE scheduler`, `docker run IMAGE rotate-keys`. The app is the installed
# module `app`; -P keeps the working directory (/data, writable) off the import path.
# SIGTERM finishes acked work for up to 20 s: give `docker stop` (or the orchestrator) at
# least 30 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-P", "-m", "app"]
