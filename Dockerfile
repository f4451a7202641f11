# CPU image: the package, its registry and prompts; model weights live in a volume at /models.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WIREBRIEF_HOST=0.0.0.0 \
    WIREBRIEF_PORT=8000 \
    WIREBRIEF_MODELS_DIR=/models \
    WIREBRIEF_DATA_DIR=/data

WORKDIR /app
# torch from the CPU wheel index first, so pip does not pull a multi-GB CUDA build
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY service ./service
COPY models/registry.toml ./models/registry.toml
COPY prompts ./prompts
# the wheel carries the registry and prompts (service/defaults); the sources are removed after the install
RUN pip install . && rm -rf /app/service /app/models /app/prompts && useradd --create-home --uid 1000 wirebrief && mkdir -p /models /data \
    && chown wirebrief /models /data
USER wirebrief

VOLUME ["/models", "/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# Fetch missing models at start when the hub is reachable; serve either way (missing models answer 503).
CMD ["sh", "-c", "wirebrief models pull || true; exec wirebrief serve"]
