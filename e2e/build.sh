#!/usr/bin/env bash
# Builds the real tools of the end-to-end testbed from the Go module proxy, once, into
# $E2E_TOOLS/<tool>-<version>/ (default ~/.cache/nativemesh-e2e/tools, outside any clone, so a fresh clone on the
# same machine reuses them), and links .e2e/tools to that folder.
# Each tool is built in a small wrapper module of its own (.e2e/build/<tool>-<version>/) that states the replace
# directives the tool's own go.mod would have said, since Go ignores a dependency's replaces.
# A finished tool leaves a stamp file; a second run with the same versions builds nothing.
# Usage: e2e/build.sh [tool ...]   (default: all)
# Tools: kube etcd kwok istio istio-charts istio-previous pulumi langhost kubeprovider yaml python
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

cache="${E2E_CACHE:-$root/.e2e}"
tools="${E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/nativemesh-e2e/tools}"
work="$(dirname "$tools")/build"
mkdir -p "$tools" "$work" "$cache"
# The stack file names charts under .e2e/tools: that path is a link to the shared tools folder.
if [ "$(readlink -f "$cache/tools" 2>/dev/null)" != "$(readlink -f "$tools")" ]; then
  rm -rf "$cache/tools"
  ln -s "$tools" "$cache/tools"
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local GONOSUMDB= GOWORK=off
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
# go.sum entries are checked against the checksum database unless told otherwise; the wrappers are throwaway.
export GOFLAGS="-mod=mod -trimpath"

log() { printf '[e2e build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# done_or_build NAME VERSION FUNCTION: runs FUNCTION with $out set, unless the stamp of NAME-VERSION exists.
done_or_build() {
  local name=$1 version=$2 fn=$3
  out="$tools/$name-$version"
  if [ -f "$out/.built" ]; then
    log "$name $version: cached"
    return 0
  fi
  rm -rf "$out"
  mkdir -p "$out"
  local start=$SECONDS
  log "$name $version: building (cold builds take minutes; see docs/TESTING.md)"
  "$fn"
  touch "$out/.built"
  log "$name $version: built in $((SECONDS - start)) s"
}

# new_wrapper DIR: an empty module to pin versions in.
new_wrapper() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$1" && go mod init e2e-tools >/dev/null 2>&1 && printf 'package tools\n' >tools.go)
}

build_kube() {
  local w="$work/kube-$KUBERNETES_VERSION" minor=${KUBERNETES_VERSION#*.}
  minor=${minor%%.*}
  new_wrapper "$w"
  cd "$w"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging/...:
  # the wrapper points each one at the published v0.<minor>.<patch>.
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  local staging
  staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
  local m
  for m in $staging; do
    go mod edit -replace "$m=$m@v0.${KUBERNETES_VERSION#*.}"
  done
  go mod edit -require "k8s.io/kubernetes@v$KUBERNETES_VERSION"
  local pkgs="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
  local p
  for p in $pkgs; do
    go get "$p@v$KUBERNETES_VERSION" >/dev/null
  done
  local v="k8s.io/component-base/version" cv="k8s.io/client-go/pkg/version"
  local ld="-s -w -X $v.gitVersion=v$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $cv.gitVersion=v$KUBERNETES_VERSION -X $cv.gitMajor=1 -X $cv.gitMinor=$minor"
  for p in $pkgs; do
    go build -ldflags "$ld" -o "$out/$(basename "$p")" "$p"
  done
}

build_etcd() {
  local w="$work/etcd-$ETCD_VERSION"
  new_wrapper "$w"
  cd "$w"
  # etcd's server module replaces its sibling modules with ../api etc.: the wrapper takes the same release.
  local m
  for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
    go mod edit -replace "$m=$m@v$ETCD_VERSION"
  done
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null
  go build -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
}

build_kwok() {
  local w="$work/kwok-$KWOK_VERSION"
  new_wrapper "$w"
  cd "$w"
  go get "sigs.k8s.io/kwok@v$KWOK_VERSION" >/dev/null
  go build -ldflags "-s -w" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok
  # The stages that move fake pods through their lifecycle ship in the module: copy them beside the binary.
  local dir
  dir=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$out/stages"
  cp "$dir"/kustomize/stage/pod/fast/*.yaml "$out/stages/"
  cp "$dir"/kustomize/stage/node/fast/*.yaml "$out/stages/" 2>/dev/null || true
  chmod -R u+w "$out/stages"
}

# istio_release VERSION MODULE_VERSION [MODULE=REPLACEMENT ...]: pilot-discovery, the base and istiod charts and
# the CRDs of one istio.io/istio commit into $out, stamped VERSION, from a wrapper module of its own. The replaces
# stand for versions its go.mod asks for that the proxy does not serve. Both Istio releases share the Go build
# and module caches (GOCACHE, GOMODCACHE: go's defaults), so the second compiles only what differs.
istio_release() {
  local version=$1 module=$2
  shift 2
  local w="$work/istio-$version"
  new_wrapper "$w"
  cd "$w"
  local r
  for r in "$@"; do
    go mod edit -replace "$r"
  done
  go get "istio.io/istio@$module" >/dev/null
  go build -ldflags "-s -w -X istio.io/istio/pkg/version.buildVersion=$version" -o "$out/pilot-discovery" istio.io/istio/pilot/cmd/pilot-discovery
  # The base and istiod Helm charts are part of the same module: copy them out (writable) for a local chart path.
  local dir
  dir=$(go list -m -f '{{.Dir}}' istio.io/istio)
  mkdir -p "$out/charts"
  cp -r "$dir/manifests/charts/base" "$out/charts/base"
  cp -r "$dir/manifests/charts/istio-control/istio-discovery" "$out/charts/istiod"
  chmod -R u+w "$out/charts"
  # The release builder stamps chart versions; the module carries a placeholder. Stamp the one we build.
  stamp_chart "$version" "$out/charts/base/Chart.yaml" "$out/charts/istiod/Chart.yaml"
  # The Istio CRDs, for the server-side dry run of every plan.
  cp "$dir/manifests/charts/base/files/crd-all.gen.yaml" "$out/crd-all.gen.yaml"
}

# stamp_chart VERSION FILE...: a chart's version and appVersion (istiod's Deployment carries the appVersion as
# app.kubernetes.io/version, which the testbed's istiod supervisor reads to pick the release's pilot-discovery).
stamp_chart() {
  local version=$1
  shift
  sed -i "s/^version: .*/version: $version/; s/^appVersion: .*/appVersion: $version/" "$@"
}

# copy_cni_chart VERSION CHARTS: the Istio CNI chart of the istio.io/istio module of the current wrapper into
# CHARTS/cni, stamped VERSION. The chart is published as `cni` (istio.io "Install with Helm").
copy_cni_chart() {
  local version=$1 charts=$2 dir
  dir=$(go list -m -f '{{.Dir}}' istio.io/istio)
  rm -rf "$charts/cni"
  cp -r "$dir/manifests/charts/istio-cni" "$charts/cni"
  chmod -R u+w "$charts/cni"
  stamp_chart "$version" "$charts/cni/Chart.yaml"
}

build_istio() {
  istio_release "$ISTIO_VERSION" "$ISTIO_MODULE_VERSION"
}

# The older release of the two-release upgrade, with the replaces of e2e/versions.env (why each: there), and its
# cni chart beside its base and istiod charts, so its charts folder holds every chart nativemesh installs.
build_istio_previous() {
  istio_release "$ISTIO_PREVIOUS_VERSION" "$ISTIO_PREVIOUS_MODULE_VERSION" \
    "istio.io/api=istio.io/api@$ISTIO_PREVIOUS_API_VERSION" \
    "istio.io/client-go=istio.io/client-go@$ISTIO_PREVIOUS_CLIENT_GO_VERSION" \
    "github.com/envoyproxy/go-control-plane/envoy=github.com/envoyproxy/go-control-plane/envoy@$ISTIO_PREVIOUS_ENVOY_VERSION" \
    "github.com/envoyproxy/go-control-plane/contrib=github.com/envoyproxy/go-control-plane/contrib@$ISTIO_PREVIOUS_ENVOY_CONTRIB_VERSION" \
    "github.com/agentgateway/agentgateway/api=github.com/agentgateway/agentgateway/api@$ISTIO_PREVIOUS_AGENTGATEWAY_API_VERSION"
  copy_cni_chart "$ISTIO_PREVIOUS_VERSION" "$out/charts"
}

# The Istio CNI chart, from the same Istio module as the base and istiod charts, into the istio tool's charts
# folder (the local stack's mesh.chartPath), so that folder holds every chart nativemesh installs. Its own step
# and stamp: it reuses the istio wrapper module (no rebuild of istiod), and runs again whenever the istio step
# rebuilt that folder without it.
build_istio_charts() {
  local w="$work/istio-$ISTIO_VERSION" charts="$tools/istio-$ISTIO_VERSION/charts"
  if [ ! -f "$w/go.mod" ] || [ ! -d "$charts" ]; then
    echo "e2e/build.sh istio-charts: build the istio tool first (e2e/build.sh istio)" >&2
    return 1
  fi
  cd "$w"
  go mod download istio.io/istio
  copy_cni_chart "$ISTIO_VERSION" "$charts"
  touch "$out/cni-chart-copied"
}

build_pulumi() {
  local w="$work/pulumi-$PULUMI_VERSION"
  new_wrapper "$w"
  cd "$w"
  # pkg/v3 replaces sdk/v3 with ../sdk and atotto/clipboard with a fork; say both here.
  go mod edit -replace "github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
  go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" >/dev/null
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" >/dev/null
  go build -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_langhost() {
  # The Node.js language host of this Pulumi release is not served by the module proxy this machine reaches,
  # so the testbed builds its own small host (e2e/langhost) against the same Pulumi SDK module. It starts
  # @pulumi/pulumi's own run, run-policy-pack and run-plugin entry points, which do the real work.
  local w="$work/langhost-$PULUMI_VERSION"
  rm -rf "$w"
  mkdir -p "$w"
  cp "$here"/langhost/*.go "$w/"
  cd "$w"
  go mod init e2e-langhost >/dev/null 2>&1
  go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >/dev/null
  go mod tidy >/dev/null
  go build -ldflags "-s -w -X main.version=$PULUMI_VERSION" -o "$out/pulumi-language-nodejs" .
}

build_kubeprovider() {
  local w="$work/kubeprovider-$KUBERNETES_PROVIDER_VERSION"
  local mod=github.com/pulumi/pulumi-kubernetes/provider/v4
  rm -rf "$w"
  mkdir -p "$w"
  local dir
  dir=$(cd "$work" && go mod download -json "$mod@$KUBERNETES_PROVIDER_MODULE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  # The module's main package embeds schema-embed.json and terraform-mapping-embed.json, which upstream makes
  # with go generate and leaves out of git, so the module zip lacks them: copy the source out and generate them.
  cp -r "$dir/." "$w/"
  chmod -R u+w "$w"
  cd "$w"
  go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4
  go mod download >/dev/null 2>&1 || true
  (cd cmd/pulumi-resource-kubernetes && VERSION="$KUBERNETES_PROVIDER_VERSION" go run generate.go)
  go build -ldflags "-s -w -X $mod/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" \
    -o "$out/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
}

build_yaml() {
  local w="$work/yaml-$YAML_VERSION"
  new_wrapper "$w"
  cd "$w"
  # pulumi-yaml's own requirements (pulumi pkg/sdk 3.206.0) are kept: it does not compile against 3.248.0. pkg/v3
  # replaces atotto/clipboard with a fork; say it here too.
  go mod edit -replace "github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
  go get "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" >/dev/null
  go get "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_VERSION" >/dev/null
  go build -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
    -o "$out/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

build_python() {
  # Upstream's Python language host (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not
  # served by the module proxy either: the testbed's own (e2e/langhost-python) runs programs with the PyPI pulumi
  # package and generates SDKs with Pulumi's Python code generator (pkg/v3/codegen/python).
  local w="$work/python-$PULUMI_VERSION"
  rm -rf "$w"
  mkdir -p "$w"
  cp "$here"/langhost-python/main.go "$w/"
  cd "$w"
  go mod init e2e-langhost-python >/dev/null 2>&1
  go mod edit -replace "github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
  go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" >/dev/null
  go mod tidy >/dev/null
  go build -ldflags "-s -w -X main.version=$PULUMI_VERSION" -o "$out/pulumi-language-python" .
  cp "$here/langhost-python/exec.py" "$out/exec.py"
  # The pulumi package from PyPI at the CLI's release, and what a generated SDK requires beside it.
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$PULUMI_VERSION" parver semver
}

all="kube etcd kwok istio istio-charts istio-previous pulumi langhost kubeprovider yaml python"
want=${*:-$all}
total=$SECONDS
for t in $want; do
  case $t in
    kube) done_or_build kube "$KUBERNETES_VERSION" build_kube ;;
    etcd) done_or_build etcd "$ETCD_VERSION" build_etcd ;;
    kwok) done_or_build kwok "$KWOK_VERSION" build_kwok ;;
    istio) done_or_build istio "$ISTIO_VERSION" build_istio ;;
    istio-charts)
      # A rebuilt istio folder has lost the cni chart: copy it again.
      [ -f "$tools/istio-$ISTIO_VERSION/charts/cni/Chart.yaml" ] || rm -f "$tools/istio-charts-$ISTIO_VERSION/.built"
      done_or_build istio-charts "$ISTIO_VERSION" build_istio_charts ;;
    # Into istio-<previous version>/, the folder layout of the istio step.
    istio-previous) done_or_build istio "$ISTIO_PREVIOUS_VERSION" build_istio_previous ;;
    pulumi) done_or_build pulumi "$PULUMI_VERSION" build_pulumi ;;
    langhost) done_or_build langhost "$PULUMI_VERSION" build_langhost ;;
    kubeprovider) done_or_build kubeprovider "$KUBERNETES_PROVIDER_VERSION" build_kubeprovider ;;
    yaml) done_or_build yaml "$YAML_VERSION" build_yaml ;;
    python) done_or_build python "$PULUMI_VERSION" build_python ;;
    *) echo "e2e/build.sh: unknown tool '$t' (allowed: $all)" >&2; exit 2 ;;
  esac
  cd "$root"
done
log "tools ready in $((SECONDS - total)) s"
