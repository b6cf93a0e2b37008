# A static ipsec_trap_exporter built from source in a Go image, in a
# distroless image, running as a non-root user: for building without Go
# installed. The Containerfile makes the same kind of image from a release's
# binary instead, offline. Build and run:
#
#   docker build -t ipsec_trap_exporter \
#     --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run -d --name ipsec_trap_exporter -p 162:162/udp -p 9983:9983 \
#     -v ipsec_trap_exporter:/var/lib/ipsec_trap_exporter \
#     -v /etc/ipsec_trap_exporter:/etc/ipsec_trap_exporter:ro \
#     ipsec_trap_exporter --config.file=/etc/ipsec_trap_exporter/ipsec_trap_exporter.yml \
#     --trap.listen-address=:162 --storage.path=/var/lib/ipsec_trap_exporter
#
# Port 162 without root and without a capability: Docker (20.10 and later)
# sets net.ipv4.ip_unprivileged_port_start=0 in a container's own network
# namespace, so the non-root user binds 162 there; with Podman 4 pass
# --sysctl net.ipv4.ip_unprivileged_port_start=0. With
# --network=host, or a runtime that does not (Kubernetes: set that sysctl in
# the pod's securityContext, it is a safe sysctl), listen on a high port with
# --trap.listen-address=:9162 and map or redirect 162 to it. No file
# capability is set on the binary: one would make the container fail to start
# wherever NET_BIND_SERVICE is dropped (--cap-drop=ALL).
#
# The config file must be readable by uid 65532, the image's user.
#
# The README says what of this is tested.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=unknown
ARG REVISION=unknown
# Static (no cgo, no libc), reproducible paths, version information for
# --version and ipsec_trap_exporter_build_info.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X github.com/prometheus/common/version.Version=${VERSION} -X github.com/prometheus/common/version.Revision=${REVISION} -X github.com/prometheus/common/version.Branch=docker" -o /out/ipsec_trap_exporter .
# The state directory, owned by the image's non-root user.
RUN mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ipsec_trap_exporter /bin/ipsec_trap_exporter
COPY --from=build --chown=65532:65532 /out/state /var/lib/ipsec_trap_exporter
USER 65532:65532
EXPOSE 162/udp 9983/tcp
VOLUME ["/var/lib/ipsec_trap_exporter"]
WORKDIR /var/lib/ipsec_trap_exporter
ENTRYPOINT ["/bin/ipsec_trap_exporter"]
# Arguments given to `docker run` replace these: repeat the ones you keep.
CMD ["--trap.listen-address=:162", "--web.listen-address=:9983", "--storage.path=/var/lib/ipsec_trap_exporter"]
