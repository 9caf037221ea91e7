# moto_bedrock_server in a container: docker build -t moto-bedrock . && docker run -p 5000:5000 moto-bedrock
FROM python:3.12-slim
WORKDIR /src
COPY setup.cfg pyproject.toml README.md ./
COPY moto_bedrock ./moto_bedrock
RUN pip install --no-cache-dir . && rm -rf /src
WORKDIR /
EXPOSE 5000
# 0.0.0.0: reachable through the published port (the default, 127.0.0.1, is not).
ENTRYPOINT ["moto_bedrock_server", "-H", "0.0.0.0", "-p", "5000"]
