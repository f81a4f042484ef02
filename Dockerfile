# The README's install (`pip install .`) in a container: it serves on every interface, as a user
# that is not root, and tells Docker (and so Kubernetes-style probes and Testcontainers) when it is
# up through GET /__admin/livez, which needs no admin token. The slim image has no curl: Python asks.
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install .
# A numeric user, so a platform that insists on `runAsNonRoot` can see it is not root.
RUN useradd --create-home --uid 10001 --user-group mock-carriers
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/__admin/livez' % os.environ.get('MOCK_CARRIERS_PORT', '8080'), timeout=2)"
CMD ["mock-carriers", "serve", "--host", "0.0.0.0"]
