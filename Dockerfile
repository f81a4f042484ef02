# The README's install, in a container: `pip install .`, then serve on every interface.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
EXPOSE 8080
CMD ["mock-carriers", "serve", "--host", "0.0.0.0"]
