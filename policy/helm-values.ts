// What an istiod Helm chart is told: which chart (by name, path, URL or .tgz), the values as Helm merges them
// (valueYamlFiles, then values), the image it runs, and the profile or compatibility version that changes
// istiod's defaults. Pure; yaml is loaded only when a values file is read.

import { at, CANNOT_TELL, isPlainObject, readArray, readAssetText, readString, type CannotTell } from "./read";

/** yaml is loaded on the first document met, not with the pack: most audits never read one (docs/BENCHMARKS.md). */
export function parseYaml(text: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("yaml") as typeof import("yaml")).parse(text);
}

/** The istiod chart named by `chart`: `istiod`, `istio/istiod`, a path or URL ending in `/istiod`, or a packaged
 *  chart `istiod-1.18.2.tgz` (Helm names a package `<name>-<version>.tgz`, helm/helm pkg/chartutil save.go).
 *  Answers the version a package name carries ("" when none), or undefined when the chart is not istiod. */
export function istiodChart(chart: unknown): { packageVersion: string } | undefined {
    if (typeof chart !== "string") return undefined;
    const last = chart.replace(/[?#].*$/, "").replace(/\/+$/, "");
    const name = last.slice(last.lastIndexOf("/") + 1);
    if (name === "istiod") return { packageVersion: "" };
    const packaged = /^istiod-(v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*?)\.(tgz|tar\.gz)$/.exec(name);
    return packaged ? { packageVersion: packaged[1] } : undefined;
}

// Keys only istiod's chart has among Istio's charts (manifests/charts/istio-control/istio-discovery/values.yaml),
// so a chart we cannot name that is given them is taken for istiod rather than skipped.
const ISTIOD_KEYS = ["pilot", "meshConfig", "revisionTags", "sidecarInjectorWebhook"];

/** Whether `values` look like istiod's: a chart that cannot be named (a secret, an unknown, a renamed package)
 *  but is told istiod's settings is read as istiod. */
export function looksLikeIstiodValues(values: unknown): boolean {
    return isPlainObject(values) && ISTIOD_KEYS.some((key) => key in values);
}

function deepMerge(base: unknown, over: unknown, depth = 0): unknown {
    if (!isPlainObject(base) || !isPlainObject(over) || depth > 32) return over === undefined ? base : over;
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value, depth + 1);
    return merged;
}

export interface HelmValues {
    /** valueYamlFiles merged in order, then values on top (later wins, maps merged key by key, as `helm -f a -f b
     *  --set` does; helm/helm#1620, pulumi/pulumi-kubernetes#1700). */
    values: unknown;
    /** Why some of the values cannot be read (a values file given as a path or a URL, a secret...). */
    unreadable: string | undefined;
}

/** The values a Helm Release or Chart passes to its chart. */
export function helmValues(props: unknown): HelmValues {
    let values: unknown = {};
    let unreadable: string | undefined;
    const files = readArray(at(props, "valueYamlFiles"));
    if (files === CANNOT_TELL) unreadable = "valueYamlFiles cannot be read";
    (Array.isArray(files) ? files : []).forEach((file, index) => {
        const text = readAssetText(file);
        if (text === CANNOT_TELL) {
            unreadable ??= `valueYamlFiles[${index}] is a file or URL the pack cannot see (only a string asset's text is in the state)`;
            return;
        }
        try {
            const parsed = parseYaml(text) ?? {};
            // Helm refuses a values file that is not a map; the pack cannot say what the release gets then.
            if (isPlainObject(parsed)) values = deepMerge(values, parsed);
            else unreadable ??= `valueYamlFiles[${index}] is not a map`;
        } catch {
            unreadable ??= `valueYamlFiles[${index}] is not YAML`;
        }
    });
    const inline = at(props, "values");
    if (inline === CANNOT_TELL) unreadable ??= "values cannot be read";
    else if (inline !== undefined && !isPlainObject(inline)) unreadable ??= "values is not a map";
    else values = deepMerge(values, inline ?? {});
    return { values, unreadable };
}

export interface ImageVersion {
    field: string;
    /** The tag as written, or CANNOT_TELL (a digest, an unknown, a secret). */
    text: string | CannotTell;
}

/** The version of the image istiod runs, when the values override the chart's: istiod's Deployment runs
 *  `image` as is when it holds a "/", else `<hub>/<image or pilot>:<tag or global.tag>`, and the chart copies
 *  `pilot.*` over the top-level keys (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml,
 *  zzy_descope_legacy.yaml). Undefined when they leave it to the chart's own version. */
export function imageVersion(values: unknown): ImageVersion | undefined {
    for (const prefix of [["pilot"], []]) {
        const image = readString(at(values, ...prefix, "image"));
        const field = [...prefix, "image"].join(".");
        if (image === CANNOT_TELL) return { field, text: CANNOT_TELL };
        if (typeof image === "string" && image.includes("/")) return { field, text: tagOf(image) };
    }
    for (const path of [["pilot", "tag"], ["tag"], ["global", "tag"]]) {
        const tag = at(values, ...path);
        if (tag === undefined || tag === "") continue;
        const text = typeof tag === "number" ? String(tag) : readString(tag);
        return { field: `values.${path.join(".")}`, text: text ?? CANNOT_TELL };
    }
    return undefined;
}

/** The tag of an image reference; CANNOT_TELL for a digest or no tag (the version cannot be read). */
export function tagOf(image: string): string | CannotTell {
    if (image.includes("@")) return CANNOT_TELL;
    const name = image.slice(image.lastIndexOf("/") + 1);
    const colon = name.indexOf(":");
    return colon < 0 ? CANNOT_TELL : name.slice(colon + 1);
}

// Istio's Helm profiles (manifests/helm-profiles/*.yaml, copied into each chart as files/profile-<name>.yaml).
// Only the compatibility-version ones change ENABLE_NATIVE_SIDECARS: compatibility-version-1.26.yaml (and the
// older ones of 1.27+) set pilot.env.ENABLE_NATIVE_SIDECARS "false", undoing 1.27's "auto".
const KNOWN_PROFILES = new Set([
    "ambient",
    "ambient-windows",
    "default",
    "demo",
    "empty",
    "gatewayapi",
    "minimal",
    "openshift",
    "openshift-ambient",
    "preview",
    "remote",
    "stable",
]);

export interface Compatibility {
    field: string;
    /** The Istio version whose defaults are asked for, or CANNOT_TELL. */
    text: string | CannotTell;
}

/** The compatibility version the values ask for: `compatibilityVersion`, or a profile
 *  `compatibility-version-<X>` (`profile`, else `global.profile`), as the chart's zzz_profile.yaml reads them
 *  (manifests/charts/istio-control/istio-discovery/templates/zzz_profile.yaml). A profile Istio does not ship
 *  is CANNOT_TELL: the chart at hand may define it. `readProfile` false for istioctl, whose profiles are others
 *  (manifests/profiles, and asmcli's asm-gcp...). */
export function compatibilityOf(values: unknown, prefix: string, readProfile: boolean): Compatibility | undefined {
    const compat = at(values, "compatibilityVersion");
    if (compat !== undefined && compat !== "") {
        const text = typeof compat === "number" ? String(compat) : readString(compat);
        return { field: `${prefix}compatibilityVersion`, text: text ?? CANNOT_TELL };
    }
    if (!readProfile) return undefined;
    for (const path of [["profile"], ["global", "profile"]]) {
        const profile = readString(at(values, ...path));
        const field = `${prefix}${path.join(".")}`;
        if (profile === undefined || profile === "") continue;
        if (profile === CANNOT_TELL) return { field, text: CANNOT_TELL };
        const version = /^compatibility-version-(.+)$/.exec(profile);
        if (version) return { field, text: version[1] };
        return KNOWN_PROFILES.has(profile) ? undefined : { field, text: CANNOT_TELL };
    }
    return undefined;
}
