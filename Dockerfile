FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 nudgebot
WORKDIR /app

COPY pyproject.toml README.md app.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY models ./models
RUN pip install .

USER nudgebot
ENV PORT=3000 \
    DATABASE_URL=sqlite:////home/nudgebot/nudgebot.db
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["python", "app.py"]
