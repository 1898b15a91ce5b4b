/**
 * Pure rendering of what an asmcli install needs: the IstioOperator overlay and the shell script that runs
 * `asmcli install` with it. No Pulumi here, so both are tested as plain strings.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { GKE_CNI_BIN_DIR, nativeSidecarEnv } from "./istioValues";

/** Where asmcli's Istio CNI goes: the node agent runs `system-node-critical`, which GKE admits outside
 *  kube-system only under a ResourceQuota (istio.io "Platform-Specific Prerequisites", GKE); Google's own
 *  `--option cni-gcp` overlay installs it there (GoogleCloudPlatform/anthos-service-mesh-packages
 *  asm/istio/options/cni-gcp.yaml). */
export const ASM_CNI_NAMESPACE = "kube-system";

/** The Istio CNI part of an asmcli overlay. */
export interface AsmCniOptions {
    /** The cluster is GKE: the node agent writes to GKE's CNI bin dir. */
    gke: boolean;
}

/**
 * The overlay for `asmcli install --custom_overlay`. The env value is the string "true" (istiod's env
 * values are strings) and sits at `spec.values.pilot.env`, which every istiod chart from 1.19 reads
 * (istio/istio manifests/charts/istio-control/istio-discovery/values.yaml, `pilot.env`).
 * asmcli sets the revision itself from `--revision_name`, so the overlay does not.
 *
 * With `cni`, the overlay turns on IstioOperator's `cni` component as Google's `cni-gcp` option does
 * (components.cni enabled in kube-system, GKE's bin dir, istio-system and kube-system excluded;
 * anthos-service-mesh-packages asm/istio/options/cni-gcp.yaml), and says `values.pilot.cni.enabled`, which
 * istioctl would also derive from the component (istio/istio operator/pkg/render/manifest.go), with
 * `global.proxy.seccompProfile` RuntimeDefault so the containers Istio adds pass Pod Security restricted.
 */
export function renderAsmOverlay(version: string, nativeSidecars: boolean, cni?: AsmCniOptions): string {
    const env = nativeSidecarEnv(version, nativeSidecars);
    const spec: Record<string, unknown> = {};
    const values: Record<string, unknown> = {};
    const pilot: Record<string, unknown> = {};
    if (env !== undefined) pilot.env = { ENABLE_NATIVE_SIDECARS: env };
    if (cni !== undefined) {
        spec.components = { cni: { enabled: true, namespace: ASM_CNI_NAMESPACE } };
        pilot.cni = { enabled: true };
        values.cni = {
            ...(cni.gke ? { cniBinDir: GKE_CNI_BIN_DIR } : {}),
            excludeNamespaces: ["istio-system", "kube-system"],
        };
        values.global = { proxy: { seccompProfile: { type: "RuntimeDefault" } } };
    }
    if (Object.keys(pilot).length > 0) values.pilot = pilot;
    if (Object.keys(values).length > 0) spec.values = values;
    return stringify({ apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", spec });
}

/** sha256 of a text, used as a Command trigger so a changed overlay re-runs the install. */
export function sha256(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** Where asmcli finds the cluster: by GKE coordinates, or by kubeconfig and context. */
export type AsmTarget =
    | { kind: "gke"; project: string; clusterName: string; location: string }
    | { kind: "kubeconfig"; kubeconfig: string; context?: string };

/** What an asmcli install is run with. */
export interface AsmcliScriptOptions {
    /** Path of the asmcli script of that release. */
    asmcli: string;
    /** ASM release, MAJOR.MINOR.POINT-asm.REV, e.g. `1.19.10-asm.26`; the script refuses another asmcli. */
    version: string;
    /** Revision name given to `--revision_name`. */
    revision: string;
    /** Revision tags set with istioctl after the install. */
    revisionTags: string[];
    /** Certificate authority: mesh_ca, citadel, gcp_cas or managed_cas. */
    ca: string;
    /** Fleet host project, when not the cluster's project. */
    fleetId?: string;
    /** asmcli's `--output_dir`. */
    outputDir: string;
    /** Let asmcli enable APIs, roles, labels and fleet registration (`--enable_all`). */
    enableAll: boolean;
    /** Extra `--option` values. */
    options: string[];
    /** The cluster asmcli installs on. */
    target: AsmTarget;
}

/**
 * A kubeconfig given by its contents rather than by a path (asmcli's --kubeconfig takes a path). Contents are
 * YAML over several lines, or JSON, which may be one line: a path never starts with `{` nor holds a line break,
 * and `apiVersion:` or `kind:` at the start is a document, not a file name.
 */
export function isKubeconfigContents(kubeconfig: string): boolean {
    const text = kubeconfig.trim();
    return kubeconfig.includes("\n") || text.startsWith("{") || /^(apiVersion|kind|clusters)\s*:/.test(text);
}

/** Single-quotes a word for POSIX sh. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path for sh that means the same wherever it is used: asmcli changes directory to its output directory
 * and keeps `--kubeconfig` as given, so `~/x` becomes `"$HOME"/x` and a relative path is taken from the
 * directory the install starts in.
 */
export function absoluteShellPath(path: string): string {
    if (path === "~") return '"$HOME"';
    if (path.startsWith("~/")) return `"$HOME"/${shellQuote(path.slice(2))}`;
    if (path.startsWith("/")) return shellQuote(path);
    return `"$PWD"/${shellQuote(path)}`;
}

/** Where asmcli unpacks the release it installs: `istio-${RELEASE}` in its output directory (asmcli sets
 *  `ISTIO_FOLDER_NAME="istio-${RELEASE}"` and `ISTIOCTL_REL_PATH="${ISTIO_FOLDER_NAME}/bin/istioctl"`,
 *  GoogleCloudPlatform/anthos-service-mesh-packages asmcli). After an upgrade the folder of the previous release
 *  is still there, so the release is named exactly. */
export function istioctlPath(version: string): string {
    return `"$out"/${shellQuote(`istio-${version}`)}/bin/istioctl`;
}

/**
 * The install script run by the `command:local:Command`. The overlay arrives in $NATIVEMESH_OVERLAY (where the
 * policy pack reads it) and is written for `--custom_overlay` into a private folder made by `mktemp -d` (mode
 * 0700, a new name every run, so no file or link planted beforehand is ever written through) and removed when
 * the script ends, whatever the outcome. A kubeconfig given by its contents arrives on standard input (a secret
 * of its own) and goes to the same folder, mode 0600, and is removed with it. The script refuses an asmcli of
 * another release (asmcli installs the release it was built for), never passes `--managed` (deprecated, and
 * managed control planes cannot set istiod's env), and sets revision tags with the istioctl of this release, on
 * the same cluster: through the kubeconfig asmcli writes in its output directory for a GKE target
 * (`asm_kubeconfig`, asmcli's `set_up_local_workspace`), or through the kubeconfig and context it was given.
 * Every path is absolute, since asmcli changes directory.
 */
export function asmcliInstallScript(o: AsmcliScriptOptions): string {
    const q = shellQuote;
    const { target } = o;
    const lines = [
        "set -eu",
        `installed="$(${q(o.asmcli)} --version 2>/dev/null || true)"`,
        // asmcli prints RELEASE or RELEASE+configN: 1.19.10-asm.2 must not accept 1.19.10-asm.26.
        `case "$installed" in ${q(o.version)}|${q(o.version)}+*) ;; *) echo "nativemesh: asmcli is '$installed', not ${o.version}: use the asmcli of that release" >&2; exit 1;; esac`,
        `mkdir -p ${absoluteShellPath(o.outputDir)}`,
        `out="$(cd ${absoluteShellPath(o.outputDir)} && pwd)"`,
        // A private folder for what the install reads, removed on every exit.
        `work="$(umask 077 && mktemp -d "\${TMPDIR:-/tmp}/nativemesh-asmcli.XXXXXX")"`,
        `trap 'rm -rf "$work"' EXIT`,
        `trap 'exit 1' HUP INT TERM`,
        `overlay="$work/overlay.yaml"`,
        `(umask 077 && printf '%s\\n' "$NATIVEMESH_OVERLAY" > "$overlay")`,
    ];
    let where: string[];
    let tagTarget: string;
    if (target.kind === "gke") {
        where = [
            `--project_id ${q(target.project)}`,
            `--cluster_name ${q(target.clusterName)}`,
            `--cluster_location ${q(target.location)}`,
        ];
        tagTarget = `--kubeconfig "$out/asm_kubeconfig"`;
    } else {
        if (isKubeconfigContents(target.kubeconfig)) {
            lines.push(`kubeconfig="$work/kubeconfig"`, `(umask 077 && cat > "$kubeconfig")`);
        } else {
            lines.push(`kubeconfig=${absoluteShellPath(target.kubeconfig)}`);
        }
        const context = target.context ? ` --context ${q(target.context)}` : "";
        where = [`--kubeconfig "$kubeconfig"${context}`];
        tagTarget = `--kubeconfig "$kubeconfig"${context}`;
    }
    const flags = [
        ...where,
        ...(o.fleetId ? [`--fleet_id ${q(o.fleetId)}`] : []),
        `--ca ${q(o.ca)}`,
        `--output_dir "$out"`,
        `--custom_overlay "$overlay"`,
        `--revision_name ${q(o.revision)}`,
        ...(o.enableAll ? ["--enable_all"] : ["--enable_cluster_roles", "--enable_cluster_labels"]),
        ...o.options.map((opt) => `--option ${q(opt)}`),
    ];
    lines.push(`${q(o.asmcli)} install \\\n  ${flags.join(" \\\n  ")}`);
    for (const tag of o.revisionTags) {
        lines.push(`${istioctlPath(o.version)} tag set ${q(tag)} --revision ${q(o.revision)} --overwrite ${tagTarget}`);
    }
    return lines.join("\n") + "\n";
}
