/**
 * Pure rendering of what an asmcli install needs: the IstioOperator overlay and the shell script that runs
 * `asmcli install` with it. No Pulumi here, so both are tested as plain strings.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { nativeSidecarEnv } from "./istioValues";

/**
 * The overlay for `asmcli install --custom_overlay`. The seed's overlay, corrected: the env value is the
 * string "true" and sits at `spec.values.pilot.env` (FACTS.md, "Google: self-managed ASM with asmcli").
 * asmcli sets the revision itself from `--revision_name`, so the overlay does not.
 */
export function renderAsmOverlay(version: string, nativeSidecars: boolean): string {
    const env = nativeSidecarEnv(version, nativeSidecars);
    const overlay = {
        apiVersion: "install.istio.io/v1alpha1",
        kind: "IstioOperator",
        spec: env === undefined ? {} : { values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: env } } } },
    };
    return stringify(overlay);
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

/** A kubeconfig given by its contents rather than by a path (asmcli's --kubeconfig takes a path). */
export function isKubeconfigContents(kubeconfig: string): boolean {
    return kubeconfig.includes("\n");
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

/**
 * The install script run by the `command:local:Command`. The overlay arrives in $NATIVEMESH_OVERLAY and is
 * written to a file for `--custom_overlay`. The script refuses an asmcli of another release (asmcli installs
 * the release it was built for), never passes `--managed` (deprecated, and managed control planes cannot
 * set istiod's env), and sets revision tags with the istioctl asmcli leaves in its output directory, on the
 * same cluster: through the kubeconfig asmcli writes there for a GKE target (`asm_kubeconfig`, asmcli's
 * `set_up_local_workspace`), or through the kubeconfig and context it was given. A kubeconfig given by its
 * contents arrives on standard input (a secret of its own, so the overlay stays readable) and is written to
 * a file of the output directory that only the user can read. Every path is absolute.
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
        `overlay="$out/nativemesh-overlay.yaml"`,
        `printf '%s\\n' "$NATIVEMESH_OVERLAY" > "$overlay"`,
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
            lines.push(`kubeconfig="$out/nativemesh-kubeconfig"`, `(umask 077; cat > "$kubeconfig")`);
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
        lines.push(
            `"$out"/istio-*/bin/istioctl tag set ${q(tag)} --revision ${q(o.revision)} --overwrite ${tagTarget}`,
        );
    }
    return lines.join("\n") + "\n";
}
