# gdviz: docker build -t gdviz . && docker run -p 8000:8000 gdviz
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=2

RUN useradd --create-home --uid 10001 gdviz
WORKDIR /srv/gdviz

# Dependencies first, so code changes reuse this layer; the app itself runs from this folder.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
RUN pip install . && pip uninstall --yes gdviz && rm -rf build ./*.egg-info

COPY app ./app
COPY templates ./templates
COPY static ./static

USER gdviz
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# uvicorn reads WEB_CONCURRENCY for its worker count; each worker is an identical replica.
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
