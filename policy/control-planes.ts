// Istio control planes as a stack declares them: istiod Helm releases/charts, IstioOperator resources, Sail
// `Istio`/`IstioRevision` resources, asmcli installs run by a Command, and istiod Deployments given as plain
// manifests or patches. One reader, shared by every rule that needs istiod's version, revision or
// ENABLE_NATIVE_SIDECARS.

import { asmcliInstalls, flagValues, overlayFiles, readLiteral, REVISION_FLAG } from "./asmcli";
import {
    compatibilityOf,
    helmValues,
    imageVersion,
    istiodChart,
    looksLikeIstiodValues,
    type Compatibility,
} from "./helm-values";
import { istiodManifestOf } from "./istiod-manifest";
import { isCommand } from "./command";
import { commandResources } from "./commands";
import { at, CANNOT_TELL, isPlainObject, readArray, readString, readVersionText, type CannotTell } from "./read";
import { parseVersion } from "./facts/versions";

export const HELM_TYPES = new Set([
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
]);
export const ISTIO_OPERATOR = "kubernetes:install.istio.io/v1alpha1:IstioOperator";
export const SAIL_ISTIO = "kubernetes:sailoperator.io/v1:Istio";
export const ASM_MESH_CONFIG = "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig";
export const ALIBABA_SERVICE_MESH = "alicloud:servicemesh/serviceMesh:ServiceMesh";

// Any served version of these kinds: Sail serves sailoperator.io v1 and v1alpha1 (sail-operator api/), and a
// later install.istio.io or istio.alibabacloud.com version would carry the same fields.
const ISTIO_OPERATOR_TYPES = /^kubernetes:install\.istio\.io\/[^:]+:IstioOperator$/;
const SAIL_TYPES = /^kubernetes:sailoperator\.io\/[^:]+:(Istio|IstioRevision)$/;
const ASM_MESH_CONFIG_TYPES = /^kubernetes:istio\.alibabacloud\.com\/[^:]+:ASMMeshConfig$/;

export const isIstioOperator = (type: string): boolean => ISTIO_OPERATOR_TYPES.test(type);
export const isSail = (type: string): boolean => SAIL_TYPES.test(type);
export const isAsmMeshConfig = (type: string): boolean => ASM_MESH_CONFIG_TYPES.test(type);

export const NATIVE_SIDECARS_ENV = "ENABLE_NATIVE_SIDECARS";

/** Charts `istiod`, `istio/istiod`, any path or URL ending in `/istiod`, or a packaged `istiod-<version>.tgz`. */
export function isIstiodChart(chart: unknown): boolean {
    return istiodChart(chart) !== undefined;
}

export interface FieldText {
    field: string;
    text: string | CannotTell;
}

export interface EnvSetting {
    field: string;
    /** As written (string, boolean...), or CANNOT_TELL. */
    value: unknown;
    /** Whether it wins over a profile's or compatibility version's default (the chart merges user values over
     *  profiles, then copies pilot.* over the top level, so only pilot.env and k8s overlays do). */
    beatsProfile: boolean;
}

export type EnvReading = { kind: "read"; settings: EnvSetting[] } | { kind: "cannot-tell"; why: string };

export interface ControlPlane {
    kind: "helm" | "istio-operator" | "sail" | "asmcli" | "manifest";
    /** A patch of an existing istiod: it sets only what it names, so what it leaves out is not "unset". */
    partial: boolean;
    /** The version istiod runs, where the stack says it: undefined when not pinned. */
    version: FieldText | undefined;
    /** The revision it serves: a name, undefined for the default revision, CANNOT_TELL when unreadable. */
    revision: string | undefined | CannotTell;
    /** Revision tags pointing at it (istiod chart `revisionTags`). Tags made by `istioctl tag set` in a Command
     *  are read apart (istioctl.ts), since any Command may point them at any revision. */
    tags: Array<string | CannotTell>;
    env: EnvReading;
    /** A compatibility version (or profile) that changes istiod's defaults. */
    compatibility: Compatibility | undefined;
    /** Why part of its settings cannot be read (a values file the pack cannot see, a chart it cannot name). */
    unreadable: string | undefined;
    /** Where mesh-wide settings live (Helm values, IstioOperator spec...), for searches such as
     *  holdApplicationUntilProxyStarts; undefined when it has none we can read. */
    settingsRoot: unknown;
}

function fieldText(field: string, value: unknown): FieldText | undefined {
    const text = readVersionText(value);
    return text === undefined ? undefined : { field, text };
}

function tagsOf(value: unknown): Array<string | CannotTell> {
    const list = readArray(value);
    if (list === CANNOT_TELL) return [CANNOT_TELL];
    return (list ?? []).map((entry) => readString(entry) ?? CANNOT_TELL);
}

function revisionOf(value: unknown): string | undefined | CannotTell {
    const revision = readString(value);
    return revision === "" || revision === "default" ? undefined : revision;
}

/** ENABLE_NATIVE_SIDECARS in chart values: pilot.env wins (zzy_descope_legacy.yaml copies pilot.* over the top
 *  level), and only it beats a profile's default. */
function envFromValues(values: unknown, prefix: string): EnvReading {
    for (const [path, beatsProfile] of [
        [["pilot", "env"], true],
        [["env"], false],
    ] as const) {
        const value = at(values, ...path, NATIVE_SIDECARS_ENV);
        const where = `${prefix}${path.join(".")}`;
        if (value === CANNOT_TELL) return { kind: "cannot-tell", why: `${where} cannot be read` };
        if (value !== undefined) {
            return { kind: "read", settings: [{ field: `${where}.${NATIVE_SIDECARS_ENV}`, value, beatsProfile }] };
        }
    }
    return { kind: "read", settings: [] };
}

function helmControlPlane(props: unknown): ControlPlane | undefined {
    const chartValue = at(props, "chart");
    const chart = istiodChart(chartValue);
    const { values, unreadable } = helmValues(props);
    const named = chart !== undefined;
    if (!named && !looksLikeIstiodValues(values) && chartValue !== CANNOT_TELL) return undefined;
    const image = imageVersion(values);
    const chartVersion =
        fieldText("version", at(props, "version")) ??
        (chart?.packageVersion ? { field: "chart", text: chart.packageVersion } : undefined);
    return {
        kind: "helm",
        partial: false,
        // The image decides what runs when the values override it; otherwise the chart's version does.
        version: image
            ? { field: image.field, text: image.text }
            : named
              ? chartVersion
              : { field: "chart", text: CANNOT_TELL },
        revision: revisionOf(at(values, "revision")),
        tags: tagsOf(at(values, "revisionTags")),
        env: envFromValues(values, "values."),
        compatibility: compatibilityOf(values, "values.", true),
        unreadable:
            unreadable ??
            (named
                ? undefined
                : `the chart ${chartValue === CANNOT_TELL ? "cannot be read" : "is not one the pack can name"} (istiod?)`),
        settingsRoot: values,
    };
}

function istioOperatorControlPlane(props: unknown): ControlPlane {
    const tag = fieldText("spec.tag", at(props, "spec", "tag"));
    const revisionText = readString(at(props, "spec", "revision"));
    // asmcli-style (asm-11910-26) and Helm-style (1-28-1) revision names carry the version.
    const revisionVersion =
        typeof revisionText === "string" && parseVersion(revisionText)
            ? { field: "spec.revision", text: revisionText }
            : undefined;
    const values = at(props, "spec", "values");
    const fromValues = envFromValues(values, "spec.values.");
    let env: EnvReading = fromValues;
    // istioctl passes spec.values to the chart and applies k8s overlays to the rendered Deployment, after it.
    if (fromValues.kind === "read") {
        fromValues.settings.forEach((setting) => (setting.beatsProfile = true));
        const list = readArray(at(props, "spec", "components", "pilot", "k8s", "env"));
        if (list === CANNOT_TELL) env = { kind: "cannot-tell", why: "spec.components.pilot.k8s.env cannot be read" };
        else {
            list?.forEach((entry, index) => {
                if (isPlainObject(entry) && entry.name === NATIVE_SIDECARS_ENV) {
                    const value = entry.valueFrom !== undefined ? CANNOT_TELL : at(entry, "value");
                    const field = `spec.components.pilot.k8s.env[${index}].value`;
                    fromValues.settings.push({ field, value, beatsProfile: true });
                } else if (!isPlainObject(entry) || isOpaqueName(entry.name)) {
                    env = { kind: "cannot-tell", why: `spec.components.pilot.k8s.env[${index}] cannot be read` };
                }
            });
        }
    }
    const ownCompat = at(props, "spec", "compatibilityVersion");
    return {
        kind: "istio-operator",
        partial: false,
        version: tag ?? revisionVersion,
        revision: revisionOf(revisionText),
        tags: [],
        env,
        // IstioOperator spec.compatibilityVersion (istioctl), else the one in spec.values.
        compatibility:
            ownCompat !== undefined
                ? compatibilityOf({ compatibilityVersion: ownCompat }, "spec.", false)
                : compatibilityOf(values, "spec.values.", false),
        unreadable: undefined,
        settingsRoot: at(props, "spec"),
    };
}

function isOpaqueName(name: unknown): boolean {
    return name !== undefined && typeof name !== "string";
}

function sailControlPlane(type: string, props: unknown): ControlPlane {
    // Sail names the revision after the Istio resource with the default InPlace strategy, and after
    // name + version with RevisionBased (sail-operator `Istio` CRD, spec.updateStrategy); an IstioRevision is
    // the revision itself.
    const strategy = readString(at(props, "spec", "updateStrategy", "type"));
    const name = readString(at(props, "metadata", "name"));
    const inPlace = type.endsWith(":IstioRevision") || strategy === undefined || strategy === "InPlace";
    const revision = inPlace ? (name ?? CANNOT_TELL) : CANNOT_TELL;
    const values = at(props, "spec", "values");
    const profile = at(props, "spec", "profile");
    return {
        kind: "sail",
        partial: false,
        version: fieldText("spec.version", at(props, "spec", "version")),
        revision: revision === "default" ? undefined : revision,
        tags: [],
        env: envFromValues(values, "spec.values."),
        compatibility:
            compatibilityOf(values, "spec.values.", true) ??
            compatibilityOf(profile === undefined ? {} : { profile }, "spec.", true),
        unreadable: undefined,
        settingsRoot: values,
    };
}

/** The control planes asmcli installs in a Command. */
export function asmcliControlPlanes(type: string, props: unknown): ControlPlane[] {
    return asmcliInstalls(type, props).map((install) => {
        // The last --revision_name wins (parse.sh assigns REVISION_LABEL on each). Without one, asmcli computes
        // the name from its release, which the resource does not say.
        const revisions = flagValues(install, REVISION_FLAG);
        const revision = revisions.length > 0 ? readLiteral(revisions[revisions.length - 1]) : CANNOT_TELL;
        const version =
            typeof revision === "string" && parseVersion(revision)
                ? { field: "--revision_name", text: revision }
                : undefined;
        // Without any overlay the env var is unset. Each --custom_overlay file is read where the Command writes it
        // from its environment or a here-document; a file the pack cannot see is "cannot tell".
        let env: EnvReading = { kind: "read", settings: [] };
        for (const overlay of overlayFiles(install)) {
            if (overlay.document === CANNOT_TELL) {
                env = { kind: "cannot-tell", why: overlay.why };
                continue;
            }
            const read = istioOperatorControlPlane({ spec: at(overlay.document, "spec") }).env;
            if (read.kind === "cannot-tell") env = read;
            else if (env.kind === "read") {
                env.settings.push(
                    ...read.settings.map((setting) => ({
                        ...setting,
                        field: `${overlay.name} overlay ${setting.field}`,
                    })),
                );
            }
        }
        return {
            kind: "asmcli" as const,
            partial: false,
            version,
            revision,
            tags: [],
            env,
            compatibility: undefined,
            unreadable: undefined,
            settingsRoot: undefined,
        };
    });
}

function manifestControlPlane(type: string, props: unknown): ControlPlane | undefined {
    const manifest = istiodManifestOf(type, props, NATIVE_SIDECARS_ENV);
    if (!manifest) return undefined;
    return {
        kind: "manifest",
        partial: manifest.patch,
        version: manifest.tag,
        revision: manifest.revision,
        tags: [],
        env: { kind: "read", settings: manifest.env ? [{ ...manifest.env, beatsProfile: true }] : [] },
        compatibility: undefined,
        unreadable: undefined,
        settingsRoot: undefined,
    };
}

/** The Istio control planes a resource installs (usually zero or one). */
export function controlPlanesOf(type: string, props: unknown): ControlPlane[] {
    if (HELM_TYPES.has(type)) {
        const plane = helmControlPlane(props);
        return plane ? [plane] : [];
    }
    if (isIstioOperator(type)) return [istioOperatorControlPlane(props)];
    if (isSail(type)) return [sailControlPlane(type, props)];
    const manifest = manifestControlPlane(type, props);
    if (manifest) return [manifest];
    if (!isCommand(type)) return [];
    // A Command: asmcli's installs, and what its istioctl, helm, kubectl or curl lines apply.
    return [
        ...asmcliControlPlanes(type, props),
        ...commandResources(type, props).flatMap((resource) =>
            isCommand(resource.type) ? [] : controlPlanesOf(resource.type, resource.props),
        ),
    ];
}
