/**
 * Pure construction of the Helm values nativemesh gives Istio's `base` and `istiod` charts.
 */
import { isAtLeast } from "../../policy/facts/versions";

/** First Istio release whose istiod reads ENABLE_NATIVE_SIDECARS (istio/istio pilot/pkg/features, tag 1.19.0). */
export const NATIVE_SIDECARS_FIRST_ISTIO = "1.19.0";

/** The istiod chart's default `autoscaleMax` (istio/istio manifests/charts/istio-control/istio-discovery/values.yaml,
 *  1.28.1 to 1.30.3). */
export const CHART_AUTOSCALE_MAX = 5;

export interface IstiodValuesOptions {
    /** Istio version of the chart. */
    version: string;
    /** Revision name (DNS-1123 label). */
    revision: string;
    /** Revision tags the chart renders webhooks for (`templates/revision-tags-mwc.yaml`). */
    revisionTags: string[];
    /** Turn native sidecars on (true) or explicitly off (false). */
    nativeSidecars: boolean;
    /** Namespace of the control plane, when not istio-system. */
    namespace: string;
    /** istiod replicas (autoscaler minimum, and maximum where above the chart's 5); above 1 the chart adds a
     *  PodDisruptionBudget. */
    replicas: number;
    /** User values, merged under ours. */
    extra: Record<string, unknown>;
}

/**
 * The value of ENABLE_NATIVE_SIDECARS for a version, or undefined where istiod does not read it (< 1.19).
 * Always the string "true"/"false": env values are strings (Sail operator's values schema), and "auto"
 * (the ≥ 1.27 default) stays off on kubelets below 1.33 (istio/istio pkg/kube/inject/webhook.go), so nativemesh
 * never relies on it.
 */
export function nativeSidecarEnv(version: string, enabled: boolean): "true" | "false" | undefined {
    return isAtLeast(version, NATIVE_SIDECARS_FIRST_ISTIO) === true ? (enabled ? "true" : "false") : undefined;
}

/** istiod values: the user's extra values with our revision, tags, replicas and native-sidecar switch on top (the
 *  configuration refuses user values at those keys: config/ownedValues.ts). */
export function istiodValues(opts: IstiodValuesOptions): Record<string, unknown> {
    const ours: Record<string, unknown> = { revision: opts.revision };
    if (opts.revisionTags.length > 0) ours.revisionTags = [...opts.revisionTags];
    // `pilot.*` is read by every istiod chart ≥ 1.19 (from 1.24 the compatibility template copies it to the top).
    // The injection webhook has failurePolicy Fail (mutatingwebhook.yaml), so with one istiod replica pod creation
    // in meshed namespaces stops while it restarts: autoscaleMin and replicaCount both, so that the chart renders
    // its PodDisruptionBudget whether or not the autoscaler is on (templates/poddisruptionbudget.yaml).
    // autoscaleMax too: the chart's HPA takes both, and the API server refuses an HPA whose minReplicas exceeds
    // maxReplicas, so the chart's own ceiling (autoscaleMax: 5, values.yaml at 1.30.3) is lifted to the replicas
    // asked for above it.
    const pilot: Record<string, unknown> = {
        autoscaleMin: opts.replicas,
        autoscaleMax: Math.max(opts.replicas, CHART_AUTOSCALE_MAX),
        replicaCount: opts.replicas,
    };
    const env = nativeSidecarEnv(opts.version, opts.nativeSidecars);
    if (env !== undefined) pilot.env = { ENABLE_NATIVE_SIDECARS: env };
    ours.pilot = pilot;
    if (opts.namespace !== "istio-system") ours.global = { istioNamespace: opts.namespace };
    return deepMerge(opts.extra, ours);
}

/**
 * base chart values. `defaultRevision` belongs to base, not istiod (istio/istio manifests/charts/base/values.yaml).
 * Its own default is "default", which renders `istiod-default-validator` pointing at a Service `istiod` that a
 * revisioned install never creates; so a revision that is not the default one passes "" (no default validator).
 * base's default-revision validator points at istiod in `global.istioNamespace` (istio-system by default), so
 * another namespace is named here too. User values (`extra`) merge under ours.
 */
export function baseValues(
    revision: string,
    makeDefault: boolean,
    namespace = "istio-system",
    extra: Record<string, unknown> = {},
): Record<string, unknown> {
    return deepMerge(extra, {
        defaultRevision: makeDefault ? revision : "",
        ...(namespace !== "istio-system" ? { global: { istioNamespace: namespace } } : {}),
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Merges `over` onto `under`: nested objects merge, anything else in `over` wins. Inputs are not changed. */
export function deepMerge(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...under };
    for (const [key, value] of Object.entries(over)) {
        const current = out[key];
        out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
    }
    return out;
}
