#!/usr/bin/env bash
# Builds a release: `make release VERSION=vX.Y.Z` (or scripts/release.sh vX.Y.Z).
#
# Into dist/ (DIST=dir to change it), for each platform:
#   ipsec_trap_exporter-X.Y.Z.linux-ARCH.tar.gz   static binary (CGO_ENABLED=0,
#       -trimpath), README, LICENSE, THIRD_PARTY_LICENSES, CHANGELOG, the
#       example config, the systemd files, alerts/, dashboards/, the mixin, docs/
#   ipsec_trap_exporter-X.Y.Z.linux-ARCH.cdx.json CycloneDX SBOM of the binary
#   ipsec-trap-exporter_X.Y.Z-1_ARCH.deb, ipsec-trap-exporter-X.Y.Z-1.RPMARCH.rpm
# and sha256sums.txt over all of them; dist/container/ is the build context
# of the Containerfile (`make image`).
#
# The version, the commit and the commit's time are stamped into the binary
# (--version, ipsec_trap_exporter_build_info). The commit time, not the
# clock, dates the build, the archives and the packages, so two runs on the
# same commit give the same files, byte for byte. A tree with uncommitted
# changes is refused (ALLOW_DIRTY=1 builds it, with "-modified" after the
# revision); so is a tag VERSION that names another commit.
#
# Network: the Go module proxy only. nFPM and cyclonedx-gomod are built from
# their modules at the versions pinned below and cached under
# ${XDG_CACHE_HOME:-~/.cache}/ipsec_trap_exporter/, so they are no
# dependency of this module.
#
# PLATFORMS="linux/amd64" builds a subset; MAINTAINER sets the packages'
# maintainer.
set -euo pipefail
cd "$(dirname "$0")/.."

nfpm_version=v2.48.0
cyclonedx_version=v1.10.0
platforms=${PLATFORMS:-linux/amd64 linux/arm64}
dist=${DIST:-dist}
maintainer=${MAINTAINER:-ipsec_trap_exporter maintainers <ipsec-trap-exporter@users.noreply.github.com>}

die() { echo "release: $*" >&2; exit 1; }

tag=${VERSION:-${1:-}}
[[ $tag =~ ^v([0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?)$ ]] ||
  die "VERSION must be vX.Y.Z or vX.Y.Z-PRERELEASE (got '$tag'): make release VERSION=v1.2.3"
version=${BASH_REMATCH[1]} # as Prometheus projects report it: 1.2.3

revision=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  [ "${ALLOW_DIRTY:-}" = 1 ] || die "uncommitted changes: commit them, or ALLOW_DIRTY=1 for a test build"
  revision=$revision-modified
fi
if tagged=$(git rev-parse -q --verify "refs/tags/$tag^{commit}"); then
  [ "$tagged" = "$(git rev-parse HEAD)" ] || die "tag $tag is commit $tagged, not HEAD"
fi
branch=$(git rev-parse --abbrev-ref HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
build_date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d-%H:%M:%S)

# The licence file must cover every module the platforms compile in.
(cd internal/licenses && go run ./gen -check -platforms "$platforms") ||
  die "THIRD_PARTY_LICENSES does not cover $platforms"

# tool NAME PACKAGE VERSION: a Go command built once per version, cached.
tool() {
  local dir=${XDG_CACHE_HOME:-$HOME/.cache}/ipsec_trap_exporter/$1-$3
  if [ ! -x "$dir/$1" ]; then
    local tmp
    tmp=$(mktemp -d)
    echo "Building $2@$3 into $dir" >&2
    env -u GOOS -u GOARCH GOBIN="$tmp" GOFLAGS=-buildvcs=false CGO_ENABLED=0 go install "$2@$3" >&2
    mkdir -p "$dir"
    mv "$tmp/$1" "$dir/$1"
    rmdir "$tmp"
  fi
  echo "$dir/$1"
}
nfpm=$(tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm "$nfpm_version")
cyclonedx=$(tool cyclonedx-gomod github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod "$cyclonedx_version")

pkg=github.com/prometheus/common/version
ldflags="-s -w -X $pkg.Version=$version -X $pkg.Revision=$revision -X $pkg.Branch=$branch"
ldflags+=" -X $pkg.BuildUser=release -X $pkg.BuildDate=$build_date"

# Only ever remove a directory that holds a release, or nothing.
if [ -e "$dist" ] && [ "$dist" != dist ] && [ -n "$(ls -A "$dist")" ] && [ ! -e "$dist/sha256sums.txt" ]; then
  die "$dist is not empty and holds no release: not removing it"
fi
rm -rf "$dist"
mkdir -p "$dist/container"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build GOOS GOARCH OUT: the release binary.
build() {
  CGO_ENABLED=0 GOOS=$1 GOARCH=$2 go build -trimpath -ldflags "$ldflags" -o "$3" .
}

# The files every archive holds beside the binary, as in the repository.
archive_files() {
  local dir=$1
  cp README.md LICENSE THIRD_PARTY_LICENSES CHANGELOG.md "$dir/"
  mkdir -p "$dir/examples/systemd" "$dir/docs"
  cp examples/ipsec_trap_exporter.yml "$dir/examples/"
  cp examples/systemd/ipsec_trap_exporter.service examples/systemd/ipsec_trap_exporter.sysusers "$dir/examples/systemd/"
  share_files "$dir"
  cp docs/*.md "$dir/docs/"
}

# Rules and their tests (promtool's, and vmalert-tool's in tests/vmalert/),
# the SLO specifications (Sloth, OpenSLO), the Alertmanager example and its
# templates, dashboards, and the mixin with what it imports: archives and
# packages.
share_files() {
  local dir=$1
  mkdir -p "$dir/alerts/json" "$dir/alerts/tests/vmalert" "$dir/alerts/templates" "$dir/alerts/sloth-windows" "$dir/dashboards"
  cp alerts/*.rules.yml alerts/alertmanager.yml alerts/*.sloth.yml alerts/*.openslo.yml "$dir/alerts/"
  cp alerts/sloth-windows/*.yml "$dir/alerts/sloth-windows/"
  cp alerts/json/*.json "$dir/alerts/json/"
  cp alerts/tests/*.yml "$dir/alerts/tests/"
  cp alerts/tests/vmalert/*.yml "$dir/alerts/tests/vmalert/"
  cp alerts/templates/* "$dir/alerts/templates/"
  cp dashboards/*.json "$dir/dashboards/"
  cp mixin.libsonnet jsonnetfile.json "$dir/"
}

# tarball DIR: DIR.tar.gz, byte for byte the same for the same commit.
tarball() {
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    --mode=u+rwX,go+rX,go-w -C "$(dirname "$1")" -cf - "$(basename "$1")" | gzip -9n >"$1.tar.gz"
}

# stage_package DIR BIN: what the packages hold that is made at release time.
stage_package() {
  local dir=$1 doc=$1/doc-deb
  mkdir -p "$doc" "$dir/share"
  cp "$2" "$dir/ipsec_trap_exporter"
  # The unit of the packages runs the binary where they put it.
  sed 's|/usr/local/bin/ipsec_trap_exporter|/usr/bin/ipsec_trap_exporter|g' \
    examples/systemd/ipsec_trap_exporter.service >"$dir/ipsec_trap_exporter.service"
  gzip -9n <"$work/ipsec_trap_exporter.1" >"$dir/ipsec_trap_exporter.1.gz"
  share_files "$dir/share"
  cp packaging/deb/copyright "$doc/copyright"
  gzip -9n <CHANGELOG.md >"$doc/changelog.gz"
  gzip -9n <README.md >"$doc/README.md.gz"
  gzip -9n <THIRD_PARTY_LICENSES >"$doc/THIRD_PARTY_LICENSES.gz"
  {
    echo "ipsec-trap-exporter (${version/-/\~}-1) unstable; urgency=medium"
    echo
    echo "  * Release $tag; what it changes is in changelog.gz (CHANGELOG.md)."
    echo
    echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
  } | gzip -9n >"$doc/changelog.Debian.gz"
  # nFPM dates what it takes from a directory by the files' times.
  find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# The man page, from the binary of the machine running this.
host_bin=$work/host/ipsec_trap_exporter
build "$(go env GOHOSTOS)" "$(go env GOHOSTARCH)" "$host_bin"
"$host_bin" --help-man |
  sed '/^\.SH "NAME"$/{n;s/^ipsec_trap_exporter$/ipsec_trap_exporter \\- Prometheus exporter for Huawei IPSec SNMP traps and syslog/}' \
    >"$work/ipsec_trap_exporter.1"

for platform in $platforms; do
  goos=${platform%/*} goarch=${platform#*/}
  name=ipsec_trap_exporter-$version.$goos-$goarch
  echo "Building $name" >&2
  mkdir -p "$work/$name"
  build "$goos" "$goarch" "$work/$name/ipsec_trap_exporter"
  archive_files "$work/$name"
  tarball "$work/$name"
  mv "$work/$name.tar.gz" "$dist/"

  # CycloneDX SBOM of the binary: the modules its build information lists,
  # the standard library, and the licences found in the modules (as
  # evidence: detection is a guess; THIRD_PARTY_LICENSES has the texts).
  # The modules come from the module cache, where the build just put them,
  # through a file proxy: nothing is fetched. No serial number or timestamp,
  # so that it is reproducible like the rest.
  GOOS=$goos GOARCH=$goarch GOPROXY=file://$(go env GOMODCACHE)/cache/download GOSUMDB=off GOFLAGS=-mod=mod "$cyclonedx" bin \
    -json -licenses -std -noserial -notimestamp -version "$tag" -output "$dist/$name.cdx.json" "$work/$name/ipsec_trap_exporter" 2>&1 |
    { grep -v 'ipsec_trap_exporter@' >&2 || true; } # the main module is not in the cache: expected

  stage=$work/package-$goarch
  stage_package "$stage" "$work/$name/ipsec_trap_exporter"
  for packager in deb rpm; do
    STAGE=$stage ARCH=$goarch VERSION=$tag MAINTAINER=$maintainer \
      "$nfpm" package --config packaging/nfpm.yaml --packager "$packager" --target "$dist/" >&2
  done

  mkdir -p "$dist/container/$goos-$goarch"
  cp "$work/$name/ipsec_trap_exporter" "$dist/container/$goos-$goarch/"
done

# The container build context: the binaries by platform, the licences, an
# empty state directory for the image's volume.
cp LICENSE THIRD_PARTY_LICENSES "$dist/container/"
mkdir -p "$dist/container/state"

(cd "$dist" && find . -maxdepth 1 -type f ! -name sha256sums.txt -printf '%f\n' | sort | xargs sha256sum >sha256sums.txt)
echo "Release $tag (revision $revision, built $build_date) in $dist/:" >&2
(cd "$dist" && ls -l --time-style=+ ./*.tar.gz ./*.deb ./*.rpm ./*.cdx.json sha256sums.txt) >&2
