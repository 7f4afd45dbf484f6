# takeaway in a container: a static binary (reports, glossary and time zones embedded) on a
# distroless base, running as a non-root user. Socket Mode needs nothing but the two tokens:
#
#   docker build -t takeaway .
#   docker run -e SLACK_BOT_TOKEN=xoxb-… -e SLACK_APP_TOKEN=xapp-… -v takeaway-data:/data takeaway
#
# HTTP mode adds -e SLACK_SIGNING_SECRET=… -p 3000:3000; several replicas share their state
# through -e TAKEAWAY_DATABASE_URL=postgres://…. /healthz, /readyz and /metrics are served on
# port 3000 in both modes. The base images are pinned by tag; pin them by digest too where a
# bot such as Renovate keeps the digests current.

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
ENV GOFLAGS=-mod=readonly
# Modules first, so that editing the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same command as .ci/run's static build (cmd/takeaway's TestDockerfile keeps them equal).
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -trimpath -ldflags='-s -w' -o /out/takeaway ./cmd/takeaway \
 && mkdir -p /out/data

# static-debian12 has CA certificates, /etc/passwd with the nonroot user (65532) and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/takeaway /takeaway
# The data directory is created in the image, owned by nonroot, so that a fresh named volume
# mounted on it starts writable (Docker copies the ownership into the volume).
COPY --from=build --chown=65532:65532 /out/data /data
ENV TAKEAWAY_DATA_DIR=/data
VOLUME /data
EXPOSE 3000
USER 65532:65532
ENTRYPOINT ["/takeaway"]
CMD ["serve"]
