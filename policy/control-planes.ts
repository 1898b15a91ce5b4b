// Istio control planes as a stack declares them: istiod Helm releases/charts, IstioOperator resources, Sail
// `Istio` resources and asmcli installs run by a Command. One reader, shared by every rule that needs istiod's
// version, revision or ENABLE_NATIVE_SIDECARS.

import { asmcliInstalls, flagValues, hasFlag, OVERLAY_FLAG, readLiteral, REVISION_FLAG } from "./asmcli";
import { at, CANNOT_TELL, isPlainObject, readArray, readString, type CannotTell } from "./read";
import { parseVersion } from "../components/versions";

/** yaml is loaded on the first overlay met, not with the pack: most audits never read one (docs/BENCHMARKS.md). */
function parseYaml(text: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("yaml") as typeof import("yaml")).parse(text);
}

export const HELM_TYPES = new Set([
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
]);
export const ISTIO_OPERATOR = "kubernetes:install.istio.io/v1alpha1:IstioOperator";
export const SAIL_ISTIO = "kubernetes:sailoperator.io/v1:Istio";
export const ASM_MESH_CONFIG = "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig";
export const ALIBABA_SERVICE_MESH = "alicloud:servicemesh/serviceMesh:ServiceMesh";

export const NATIVE_SIDECARS_ENV = "ENABLE_NATIVE_SIDECARS";

/** Charts `istiod`, `istio/istiod`, or any path or URL ending in `/istiod` (FACTS.md "Istio: installing it"). */
export function isIstiodChart(chart: unknown): boolean {
    return typeof chart === "string" && (chart === "istiod" || chart === "istio/istiod" || chart.endsWith("/istiod"));
}

export interface FieldText {
    field: string;
    text: string | CannotTell;
}

export interface EnvSetting {
    field: string;
    /** As written (string, boolean...), or CANNOT_TELL. */
    value: unknown;
}

export type EnvReading = { kind: "read"; settings: EnvSetting[] } | { kind: "cannot-tell"; why: string };

export interface ControlPlane {
    kind: "helm" | "istio-operator" | "sail" | "asmcli";
    /** The version istiod runs, where the stack says it: undefined when not pinned. */
    version: FieldText | undefined;
    /** The revision it serves: a name, undefined for the default revision, CANNOT_TELL when unreadable. */
    revision: string | undefined | CannotTell;
    /** Revision tags pointing at it (istiod chart `revisionTags`). Tags made by `istioctl tag set` in a Command
     *  are read apart (istioctl.ts), since any Command may point them at any revision. */
    tags: Array<string | CannotTell>;
    env: EnvReading;
    /** Where mesh-wide settings live (Helm values, IstioOperator spec...), for searches such as
     *  holdApplicationUntilProxyStarts; undefined when it has none we can read. */
    settingsRoot: unknown;
}

function fieldText(field: string, value: unknown): FieldText | undefined {
    const text = readString(value);
    return text === undefined ? undefined : { field, text };
}

/** Reads ENABLE_NATIVE_SIDECARS from maps of env vars at the given paths. */
function envFromMaps(props: unknown, paths: string[][]): EnvReading {
    const settings: EnvSetting[] = [];
    for (const path of paths) {
        const value = at(props, ...path, NATIVE_SIDECARS_ENV);
        if (value === CANNOT_TELL) return { kind: "cannot-tell", why: `${path.join(".")} cannot be read` };
        if (value !== undefined) settings.push({ field: [...path, NATIVE_SIDECARS_ENV].join("."), value });
    }
    return { kind: "read", settings };
}

function helmControlPlane(props: unknown): ControlPlane | undefined {
    if (!isIstiodChart(at(props, "chart"))) return undefined;
    // The image tag decides what runs when it is a version; otherwise the chart version does.
    const tag = fieldText("values.global.tag", at(props, "values", "global", "tag"));
    const chartVersion = fieldText("version", at(props, "version"));
    const version = tag && typeof tag.text === "string" && parseVersion(tag.text) ? tag : chartVersion;
    const revision = readString(at(props, "values", "revision"));
    const tagList = readArray(at(props, "values", "revisionTags"));
    const tags: Array<string | CannotTell> =
        tagList === CANNOT_TELL ? [CANNOT_TELL] : (tagList ?? []).map((entry) => readString(entry) ?? CANNOT_TELL);
    return {
        kind: "helm",
        version,
        revision: revision === "" || revision === "default" ? undefined : revision,
        tags,
        // pilot.env works in every version >= 1.19; from 1.24 the chart also reads top-level env (FACTS.md).
        env: envFromMaps(props, [
            ["values", "env"],
            ["values", "pilot", "env"],
        ]),
        settingsRoot: at(props, "values"),
    };
}

function istioOperatorControlPlane(props: unknown): ControlPlane {
    const tag = fieldText("spec.tag", at(props, "spec", "tag"));
    const revisionText = readString(at(props, "spec", "revision"));
    // asmcli-style (asm-11910-26) and Helm-style (1-28-1) revision names carry the version (FACTS.md).
    const revisionVersion =
        typeof revisionText === "string" && parseVersion(revisionText)
            ? { field: "spec.revision", text: revisionText }
            : undefined;
    const fromMap = envFromMaps(props, [["spec", "values", "pilot", "env"]]);
    let env: EnvReading = fromMap;
    const list = readArray(at(props, "spec", "components", "pilot", "k8s", "env"));
    if (fromMap.kind === "read") {
        if (list === CANNOT_TELL) env = { kind: "cannot-tell", why: "spec.components.pilot.k8s.env cannot be read" };
        else {
            list?.forEach((entry, index) => {
                if (isPlainObject(entry) && entry.name === NATIVE_SIDECARS_ENV) {
                    const value = at(entry, "value");
                    fromMap.settings.push({ field: `spec.components.pilot.k8s.env[${index}].value`, value });
                } else if (!isPlainObject(entry)) {
                    env = { kind: "cannot-tell", why: `spec.components.pilot.k8s.env[${index}] cannot be read` };
                }
            });
        }
    }
    return {
        kind: "istio-operator",
        version: tag ?? revisionVersion,
        revision: revisionText === "" || revisionText === "default" ? undefined : revisionText,
        tags: [],
        env,
        settingsRoot: at(props, "spec"),
    };
}

function sailControlPlane(props: unknown): ControlPlane {
    // Sail names the revision after the Istio resource with the default InPlace strategy, and after
    // name + version with RevisionBased (sail-operator `Istio` CRD, spec.updateStrategy).
    const strategy = readString(at(props, "spec", "updateStrategy", "type"));
    const name = readString(at(props, "metadata", "name"));
    const revision = strategy === undefined || strategy === "InPlace" ? (name ?? CANNOT_TELL) : CANNOT_TELL;
    return {
        kind: "sail",
        version: fieldText("spec.version", at(props, "spec", "version")),
        revision: revision === "default" ? undefined : revision,
        tags: [],
        env: envFromMaps(props, [["spec", "values", "pilot", "env"]]),
        settingsRoot: at(props, "spec", "values"),
    };
}

/** IstioOperator overlays handed to the Command through its environment (how our AsmInstall passes the
 *  --custom_overlay file's content), as [variable name, parsed document]. */
function overlaysInEnvironment(props: unknown): Array<[string, unknown]> {
    const environment = at(props, "environment");
    if (!isPlainObject(environment)) return [];
    const overlays: Array<[string, unknown]> = [];
    for (const [name, value] of Object.entries(environment)) {
        if (typeof value !== "string" || !value.includes("IstioOperator")) continue;
        try {
            const document: unknown = parseYaml(value);
            if (at(document, "kind") === "IstioOperator") overlays.push([name, document]);
        } catch {
            // Not YAML: not an overlay.
        }
    }
    return overlays;
}

function asmcliControlPlanes(type: string, props: unknown): ControlPlane[] {
    return asmcliInstalls(type, props).map((install) => {
        // The last --revision_name wins (parse.sh assigns REVISION_LABEL on each). Without one, asmcli computes
        // the name from its release, which the resource does not say.
        const revisions = flagValues(install, REVISION_FLAG);
        const revision = revisions.length > 0 ? readLiteral(revisions[revisions.length - 1]) : CANNOT_TELL;
        const version =
            typeof revision === "string" && parseVersion(revision)
                ? { field: "--revision_name", text: revision }
                : undefined;
        // Without any overlay the env var is unset. An overlay file's content is not part of the resource unless the
        // Command gets it through its environment.
        let env: EnvReading = { kind: "read", settings: [] };
        if (hasFlag(install, OVERLAY_FLAG)) {
            const overlays = overlaysInEnvironment(props);
            env =
                overlays.length === 0
                    ? { kind: "cannot-tell", why: "the --custom_overlay file is not part of the resource" }
                    : { kind: "read", settings: [] };
            for (const [name, document] of overlays) {
                const read = istioOperatorControlPlane(document).env;
                if (read.kind === "cannot-tell") env = read;
                else if (env.kind === "read") {
                    env.settings.push(
                        ...read.settings.map((setting) => ({
                            ...setting,
                            field: `environment.${name} overlay ${setting.field}`,
                        })),
                    );
                }
            }
        }
        return { kind: "asmcli" as const, version, revision, tags: [], env, settingsRoot: undefined };
    });
}

/** The Istio control planes a resource installs (usually zero or one). */
export function controlPlanesOf(type: string, props: unknown): ControlPlane[] {
    if (HELM_TYPES.has(type)) {
        const plane = helmControlPlane(props);
        return plane ? [plane] : [];
    }
    if (type === ISTIO_OPERATOR) return [istioOperatorControlPlane(props)];
    if (type === SAIL_ISTIO) return [sailControlPlane(props)];
    return asmcliControlPlanes(type, props);
}
