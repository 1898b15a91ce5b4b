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
import { cachedPerObject } from "./evaluation-cache";
import { istiodManifestOf } from "./istiod-manifest";
import { podTemplatePath } from "./workloads";
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
    /** Why sidecars may not follow istiod's ENABLE_NATIVE_SIDECARS even when it reads on: something that can
     *  rewrite what is rendered (a Helm post-renderer, reused values, IstioOperator k8s overlays) or injection
     *  templates/an injector the pack cannot read. Empty when none. */
    overrides?: string[];
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

/** Fields of a Helm release that change what is applied beyond its chart and values (pulumi-kubernetes
 *  helm/v3 Release `postrender`, `reuseValues`; helm/v4 Chart `postRenderer`): the pack cannot read their
 *  effect. `resetValues`, `skipCrds`, `version`, `repositoryOpts` change nothing it has not read. */
function helmOverrides(props: unknown): string[] {
    const found: string[] = [];
    for (const field of ["postrender", "postRenderer"]) {
        const value = at(props, field);
        if (value !== undefined && value !== "" && !(isPlainObject(value) && Object.keys(value).length === 0))
            found.push(`${field} rewrites the rendered manifests (it may change istiod's env)`);
    }
    const reuse = at(props, "reuseValues");
    if (reuse === true)
        found.push("reuseValues merges the values of the release in the cluster, which the pack cannot see");
    else if (reuse !== undefined && reuse !== false) found.push("reuseValues cannot be read");
    return found;
}

/** Injection the pack cannot follow from istiod's env: custom templates applied to every pod, a template that
 *  replaces the built-in `sidecar`, or pods sent to an injector elsewhere (istio-discovery values.yaml
 *  `sidecarInjectorWebhook.templates`, `defaultTemplates`, `istiodRemote.enabled`). */
function injectionOverrides(values: unknown, prefix: string): string[] {
    const found: string[] = [];
    const templates = at(values, "sidecarInjectorWebhook", "templates");
    if (templates === CANNOT_TELL) found.push(`${prefix}sidecarInjectorWebhook.templates cannot be read`);
    else if (isPlainObject(templates) && "sidecar" in templates)
        found.push(`${prefix}sidecarInjectorWebhook.templates replaces the built-in sidecar template`);
    const defaults = readArray(at(values, "sidecarInjectorWebhook", "defaultTemplates"));
    if (defaults === CANNOT_TELL) found.push(`${prefix}sidecarInjectorWebhook.defaultTemplates cannot be read`);
    else if (defaults && defaults.some((name) => name !== "sidecar"))
        found.push(
            `${prefix}sidecarInjectorWebhook.defaultTemplates applies templates other than sidecar to every pod`,
        );
    // istiodRemote.enabled renders only the webhook and leaves injection to an istiod installed elsewhere, whose
    // env these values do not set. An injectionURL alone points the webhook at the istiod these values install,
    // run outside the cluster (istio.io "Install Istio with an external control plane"; our local testbed).
    const remote = at(values, "istiodRemote", "enabled");
    if (remote === CANNOT_TELL) found.push(`${prefix}istiodRemote.enabled cannot be read`);
    else if (remote === true || remote === "true")
        found.push(`${prefix}istiodRemote.enabled leaves injection to an istiod installed elsewhere`);
    return found;
}

function helmControlPlane(props: unknown): ControlPlane | undefined {
    const chartValue = at(props, "chart");
    const chart = istiodChart(chartValue);
    const { values, unreadable } = helmValues(props);
    const named = chart !== undefined;
    if (!named && !looksLikeIstiodValues(values) && chartValue !== CANNOT_TELL) return undefined;
    const image = imageVersion(values);
    const overrides = [...helmOverrides(props), ...injectionOverrides(values, "values.")];
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
        overrides,
        unreadable:
            unreadable ??
            (named
                ? undefined
                : `the chart ${chartValue === CANNOT_TELL ? "cannot be read" : "is not one the pack can name"} (istiod?)`),
        settingsRoot: values,
    };
}

/** spec.values with spec.unvalidatedValues over them: after validation istioctl merges unvalidatedValues into
 *  spec.values (istio/istio operator/pkg/render/manifest.go; field in operator/pkg/apis/types.go). */
function operatorValues(props: unknown): unknown {
    const values = at(props, "spec", "values");
    const unvalidated = at(props, "spec", "unvalidatedValues");
    if (unvalidated === undefined) return values;
    if (!isPlainObject(unvalidated)) return CANNOT_TELL;
    if (values !== undefined && !isPlainObject(values)) return values;
    return mergeValues(values ?? {}, unvalidated);
}

function mergeValues(base: unknown, over: unknown, depth = 0): unknown {
    if (!isPlainObject(base) || !isPlainObject(over) || depth > 32) return over === undefined ? base : over;
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) merged[key] = mergeValues(base[key], value, depth + 1);
    return merged;
}

// k8s overlays patch the rendered objects by path (istio/istio operator/pkg/apis/types.go KubernetesOverlay: kind,
// name, patches[].path "a.[key1:value1].b", e.g. `spec.template.spec.containers.[name:discovery].env.[name:X].value`).
const OVERLAY_ENV = new RegExp(`\\[name:${NATIVE_SIDECARS_ENV}\\]\\.value$`);

/** What spec.components.pilot.k8s.overlays do to istiod's env: settings read from patches that name the
 *  variable, or why they cannot be read (a patch of the Deployment's containers or env the pack cannot follow). */
function overlaySettings(props: unknown): { settings: EnvSetting[]; why: string | undefined } {
    const result: { settings: EnvSetting[]; why: string | undefined } = { settings: [], why: undefined };
    const overlays = readArray(at(props, "spec", "components", "pilot", "k8s", "overlays"));
    const base = "spec.components.pilot.k8s.overlays";
    if (overlays === CANNOT_TELL) return { settings: [], why: `${base} cannot be read` };
    (overlays ?? []).forEach((overlay, index) => {
        const kind = readString(at(overlay, "kind"));
        if (typeof kind === "string" && kind !== "Deployment") return;
        const patches = readArray(at(overlay, "patches"));
        if (kind === CANNOT_TELL || patches === CANNOT_TELL) {
            result.why ??= `${base}[${index}] cannot be read`;
            return;
        }
        (patches ?? []).forEach((patch, position) => {
            const path = readString(at(patch, "path"));
            const field = `${base}[${index}].patches[${position}]`;
            if (typeof path !== "string") result.why ??= `${field}.path cannot be read`;
            else if (OVERLAY_ENV.test(path))
                result.settings.push({ field, value: at(patch, "value"), beatsProfile: true });
            else if (/(^|\.)(containers|env|envFrom)\b|^spec\.template(\.spec)?$|^spec$/.test(path))
                result.why ??= `${field} patches ${path}, which can change istiod's env`;
        });
    });
    return result;
}

// istioctl's built-in profiles (istio/istio manifests/profiles/*.yaml); none sets ENABLE_NATIVE_SIDECARS. Any other
// spec.profile is a file or a profile of another tool (asmcli's), which may.
const ISTIOCTL_PROFILES = new Set([
    "ambient",
    "default",
    "demo",
    "empty",
    "minimal",
    "openshift",
    "openshift-ambient",
    "preview",
    "remote",
    "stable",
]);

function profileOverrides(props: unknown): string[] {
    const profile = readString(at(props, "spec", "profile"));
    if (profile === CANNOT_TELL) return ["spec.profile cannot be read"];
    if (profile === undefined || profile === "" || ISTIOCTL_PROFILES.has(profile)) return [];
    return [`spec.profile ${JSON.stringify(profile)} is not one of istioctl's profiles, and a profile can set the env`];
}

function istioOperatorControlPlane(props: unknown): ControlPlane {
    const tag = fieldText("spec.tag", at(props, "spec", "tag"));
    const revisionText = readString(at(props, "spec", "revision"));
    // asmcli-style (asm-11910-26) and Helm-style (1-28-1) revision names carry the version.
    const revisionVersion =
        typeof revisionText === "string" && parseVersion(revisionText)
            ? { field: "spec.revision", text: revisionText }
            : undefined;
    const values = operatorValues(props);
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
        const overlays = overlaySettings(props);
        fromValues.settings.push(...overlays.settings);
        if (overlays.why && env.kind === "read" && !overlays.settings.length)
            env = { kind: "cannot-tell", why: overlays.why };
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
        overrides: [...profileOverrides(props), ...injectionOverrides(values, "spec.values.")],
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
        overrides: injectionOverrides(values, "spec.values."),
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
            overrides: [],
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
        overrides: [],
        unreadable: undefined,
        settingsRoot: undefined,
    };
}

/** The Istio control planes a resource installs (usually zero or one). Read once per evaluation: seven rules
 *  ask for every resource (evaluation-cache.ts); the answer is shared, so callers must not change it. A type that
 *  cannot install one answers the one frozen empty list, without a reading or the per-evaluation memory. */
export function controlPlanesOf(type: string, props: unknown): ControlPlane[] {
    return mayInstallControlPlane(type) ? cachedControlPlanes(type, props) : NO_CONTROL_PLANES;
}

const cachedControlPlanes = cachedPerObject(readControlPlanes);
const NO_CONTROL_PLANES = Object.freeze([]) as unknown as ControlPlane[];

// The answer for each type met: half of a fleet's resources (Services, Namespaces, Settings, ConfigMaps...) cannot
// install a control plane, and seven rules ask about every resource, so a memory lookup for each of those cost
// more than this one per type (issue 20). Bounded, in case a program makes up types without end.
const installsOfType = new Map<string, boolean>();
const MAX_TYPES = 1000;

/** The types readControlPlanes reads at all: every other type gets an empty list from it. */
function mayInstallControlPlane(type: string): boolean {
    const known = installsOfType.get(type);
    if (known !== undefined) return known;
    if (installsOfType.size >= MAX_TYPES) installsOfType.clear();
    const may =
        HELM_TYPES.has(type) ||
        isIstioOperator(type) ||
        isSail(type) ||
        podTemplatePath(type) !== undefined ||
        isCommand(type);
    installsOfType.set(type, may);
    return may;
}

function readControlPlanes(type: string, props: unknown): ControlPlane[] {
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
