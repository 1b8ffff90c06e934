# A minimal image of aslrun: the static binary, CA certificates (HTTP Tasks call HTTPS endpoints) and a
# writable /data for the SQLite store. `docker run -p 8083:8083 aslrun` serves the API.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# The whole context, .git included: the go command stamps the version and commit from it.
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=true -ldflags='-s -w' -o /out/aslrun ./cmd/aslrun \
	&& mkdir -p /out/data

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/aslrun /usr/local/bin/aslrun
COPY --from=build --chown=65532:65532 /out/data /data
# No passwd file in scratch: a numeric user, which owns /data. XDG_DATA_HOME puts serve's default store
# there (/data/aslrun/aslrun.db), since HOME is unset; scratch has no /tmp, so temporary files go there too.
USER 65532:65532
ENV PATH=/usr/local/bin XDG_DATA_HOME=/data TMPDIR=/data
VOLUME /data
EXPOSE 8083
ENTRYPOINT ["aslrun"]
# Inside a container the API must listen on every interface to be reached through a published port.
CMD ["serve", "--addr", "0.0.0.0:8083"]
