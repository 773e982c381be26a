# glassbox: the explainer container (glassbox serve) and the CLI (fit, explain-batch, serve-model).
#
#   docker build -t glassbox:0.1.0 .
#   docker run --rm -p 8080:8080 -v "$PWD/explainers/adult:/mnt/models:ro" glassbox:0.1.0 \
#     serve --predictor-url http://income-predictor/v2/models/income/infer --model-name income
#
# The entrypoint is `glassbox`; the default command `serve` reads its settings from GLASSBOX_*
# variables and from KServe's container arguments (--model_name, --predictor_host, --http_port), which
# KServe appends to the container's args. The saved explainer is read from /mnt/models (where KServe's
# storage initializer puts a storageUri) unless --explainer says otherwise.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: the same steps as CI, `npm ci` then `npm run build` (tsc -p tsconfig.build.json). Install
# scripts are skipped: `prepare` would build before the sources are copied (the build is the next step),
# and no dependency needs one (onnxruntime-node's CPU binaries ship in its package; package.json's
# allowScripts denies its CUDA download).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && chmod +x dist/cli/main.js

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# 3. The image: compiled JavaScript, production dependencies, the Open Inference Protocol's gRPC proto
# (for grpc:// predictor URLs), the bundled data and demo models (for `glassbox fit adult` and
# `serve-model adult`), run as the unprivileged `node` user (uid 1000). The optional peers
# (onnxruntime-node, puppeteer-core, tfjs-node) are not installed: the server calls its model by URL.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    GLASSBOX_HOST=0.0.0.0 \
    GLASSBOX_PORT=8080 \
    GLASSBOX_EXPLAINER=/mnt/models
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE NOTICE README.md CHANGELOG.md ./
COPY datasets ./datasets
COPY models ./models
COPY protos ./protos
RUN ln -s /app/dist/cli/main.js /usr/local/bin/glassbox
USER node
EXPOSE 8080
# Liveness only: readiness (the model answering) is for the orchestrator's readiness probe,
# GET /v2/health/ready. The image has no curl; Node 20's fetch does the check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.GLASSBOX_PORT || 8080) + '/v2/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["glassbox"]
CMD ["serve"]
