// Pod templates in Kubernetes workload resources, namespaces, and the Formance Settings that feed them.

import { cachedPerObject, cachedPerText } from "./evaluation-cache";
import { isMapSettingKey, parseKeyValueList, splitSettingKey, type ParseResult } from "./facts/formance";
import { at, CANNOT_TELL, readString, readStringMap, type CannotTell, type StringMap } from "./read";

export const NAMESPACE = "kubernetes:core/v1:Namespace";
// A NamespacePatch (server-side apply of some fields) labels an existing namespace just as well.
const NAMESPACE_PATCH = `${NAMESPACE}Patch`;

/** Two comparisons, not a regular expression: several rules ask for every resource (issue 20). */
export function isNamespace(type: string): boolean {
    return type === NAMESPACE || type === NAMESPACE_PATCH;
}

// kubernetes:<group>/<version>:<Kind>[Patch]; any API version, since old clusters still serve e.g. batch/v1beta1,
// and the Patch resources (pulumi-kubernetes `DeploymentPatch`, `CronJobPatch`...) apply their fields to an
// existing object, so a patched pod template is read like a declared one.
const WORKLOAD =
    /^kubernetes:(core|apps|batch|extensions)\/[^:]+:(Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob)(Patch)?$/;

export interface PodTemplate {
    kind: string;
    /** A `...Patch` resource: it sets only what it names. */
    patch: boolean;
    /** Path of the template's metadata/spec parent in props, for messages ("" for a Pod). */
    path: readonly string[];
    isJob: boolean;
    annotations: StringMap | undefined | CannotTell;
    labels: StringMap | undefined | CannotTell;
    spec: unknown;
}

export interface TemplatePlace {
    kind: string;
    patch: boolean;
    path: readonly string[];
}

// The answer for each type met, shared (frozen): rules ask for every resource, several times, and a stack has a
// few dozen types (issue 20). Bounded, in case a program makes up types without end.
const placeOfType = new Map<string, TemplatePlace | null>();
const MAX_TYPES = 1000;

/** Where a workload type keeps its pod template, without reading it (cheap: a type test). */
export function podTemplatePath(type: string): TemplatePlace | undefined {
    const known = placeOfType.get(type);
    if (known !== undefined) return known ?? undefined;
    if (placeOfType.size >= MAX_TYPES) placeOfType.clear();
    const place = readTemplatePlace(type);
    placeOfType.set(type, place ?? null);
    return place;
}

function readTemplatePlace(type: string): TemplatePlace | undefined {
    const match = WORKLOAD.exec(type);
    if (!match) return undefined;
    const kind = match[2];
    const path =
        kind === "Pod" ? [] : kind === "CronJob" ? ["spec", "jobTemplate", "spec", "template"] : ["spec", "template"];
    return Object.freeze({ kind, patch: match[3] !== undefined, path: Object.freeze(path) });
}

/** Whether a workload type runs its pods as a Job does (a Job or CronJob, or a patch of one). */
export function isJobKind(type: string): boolean {
    const kind = podTemplatePath(type)?.kind;
    return kind === "Job" || kind === "CronJob";
}

/** The pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. Read once per
 *  evaluation (evaluation-cache.ts): three rules ask for every workload, and callers must not change it. */
export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
    const where = podTemplatePath(type);
    return where ? cachedPodTemplate(type, props) : undefined;
}

const cachedPodTemplate = cachedPerObject((type, props) => readPodTemplate(podTemplatePath(type)!, props));

function readPodTemplate(where: TemplatePlace, props: unknown): PodTemplate {
    const { kind, path } = where;
    // One walk to the template, then each field from there (at(root, ...a, ...b) is at(at(root, ...a), ...b)):
    // a spread before further steps made this the costliest reader to run and to compile (issue 20).
    const template = at(props, ...path);
    const metadata = at(template, "metadata");
    return {
        kind,
        patch: where.patch,
        path,
        isJob: kind === "Job" || kind === "CronJob",
        annotations: readStringMap(at(metadata, "annotations")),
        labels: readStringMap(at(metadata, "labels")),
        spec: at(template, "spec"),
    };
}

export function templatePath(template: PodTemplate, ...rest: string[]): string {
    return [...template.path, ...rest].join(".");
}

/** The labels of a Namespace resource. Read once per evaluation (four rules ask); callers must not change them. */
export function namespaceLabels(type: string, props: unknown): StringMap | undefined | CannotTell {
    return isNamespace(type) ? cachedLabels(type, props) : undefined;
}

const cachedLabels = cachedPerObject((_, props) => readStringMap(at(props, "metadata", "labels")));

export const INJECT = "sidecar.istio.io/inject";

// Istio's injector reads the pod's sidecar.istio.io/inject LABEL when present (even empty) and the annotation only
// without one; lower-cased, "y", "yes", "true" and "on" inject, "" leaves it to the namespace, and any other value
// turns injection off (istio/istio pkg/kube/inject/inject.go injectRequired).
const INJECT_ON = new Set(["y", "yes", "true", "on"]);

/** Whether the pod asks for no injection at all: true, false, or CANNOT_TELL. */
export function injectionOff(
    annotations: StringMap | undefined,
    labels: StringMap | undefined | CannotTell,
): boolean | CannotTell {
    if (labels === CANNOT_TELL) return CANNOT_TELL;
    const selector = labels?.has(INJECT) ? labels.get(INJECT) : annotations?.get(INJECT);
    if (selector === CANNOT_TELL) return CANNOT_TELL;
    if (selector === undefined || selector === "") return false;
    return !INJECT_ON.has(selector.toLowerCase());
}

// Formance operator Settings (formancehq/operator CRD settings.formance.com): any served version of the CRD.
const SETTINGS_GROUP = "kubernetes:formance.com/";
const SETTINGS = /^kubernetes:formance\.com\/[^:]+:Settings$/;

/** The group's prefix first: five rules ask for every resource, and nearly none is in the group (issue 20). */
export function isSettings(type: string): boolean {
    return type.startsWith(SETTINGS_GROUP) && SETTINGS.test(type);
}

export interface SettingMap {
    key: string;
    /** The parsed map, or CANNOT_TELL when the value is unreadable or rejected by the operator's parser. */
    entries: StringMap | CannotTell;
}

/** A Settings key's segments, and whether it names a map, once per evaluation and key: the tenants' Settings
 *  repeat the same keys, and three rules read each. Callers must not change the segments. */
export const settingKeySegments: (key: string) => string[] = cachedPerText(splitSettingKey);
export const isMapSettingKeyOnce: (key: string) => boolean = cachedPerText(isMapSettingKey);

/** A map value as the operator's parser reads it. Read once per evaluation and text: the tenants' Settings
 *  repeat the same values, and two rules read each. Callers must not change the answer. */
export const parseSettingValue: (value: string) => ParseResult = cachedPerText(parseKeyValueList);

/** A Settings resource whose key is one of the map keys, with its value read as the operator reads it. Read
 *  once per evaluation (five rules ask); callers must not change it. */
export function settingMapOf(type: string, props: unknown): SettingMap | undefined {
    return isSettings(type) ? cachedSettingMap(type, props) : undefined;
}

const cachedSettingMap = cachedPerObject((_, props) => readSettingMap(props));

function readSettingMap(props: unknown): SettingMap | undefined {
    const key = readString(at(props, "spec", "key"));
    if (typeof key !== "string" || !isMapSettingKeyOnce(key)) return undefined;
    const value = readString(at(props, "spec", "value"));
    if (typeof value !== "string") return { key, entries: CANNOT_TELL };
    const parsed = parseSettingValue(value);
    return { key, entries: parsed.ok ? new Map(parsed.entries) : CANNOT_TELL };
}

/** `namespace.labels` Settings: the labels the operator puts on the namespaces it creates. */
export function settingNamespaceLabels(type: string, props: unknown): SettingMap | undefined {
    const setting = settingMapOf(type, props);
    return setting && setting.key === "namespace.labels" ? setting : undefined;
}

/** `deployments.<n>.spec.template.annotations` / `jobs.<k>.spec.template.annotations` Settings. */
export function settingTemplateAnnotations(
    type: string,
    props: unknown,
): (SettingMap & { isJob: boolean }) | undefined {
    return isSettings(type) ? cachedTemplateAnnotations(type, props) : undefined;
}

/** Read once per evaluation: three rules ask for every Settings resource. */
const cachedTemplateAnnotations = cachedPerObject(readTemplateAnnotations);

function readTemplateAnnotations(type: string, props: unknown): (SettingMap & { isJob: boolean }) | undefined {
    const setting = settingMapOf(type, props);
    if (!setting) return undefined;
    const segments = settingKeySegments(setting.key);
    if (segments.length !== 5 || segments[2] !== "spec") return undefined;
    return { ...setting, isJob: segments[0] === "jobs" };
}
