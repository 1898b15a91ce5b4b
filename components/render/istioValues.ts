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
    /** Injection relies on the Istio CNI node agent (the `cni` chart) instead of istio-init. */
    cni?: boolean;
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
    const global: Record<string, unknown> = {};
    if (opts.cni === true) {
        // `pilot.cni.enabled` makes the injection template add `istio-validation` (no capabilities, UID 1337)
        // instead of `istio-init` (NET_ADMIN, NET_RAW, UID 0), which Pod Security baseline and restricted refuse
        // (istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml; the injector
        // ConfigMap carries `pilot.cni` to istiod, templates/istiod-injector-configmap.yaml). `restricted` also
        // wants a seccomp profile on every container unless the pod sets one: `global.proxy.seccompProfile` puts
        // RuntimeDefault on the containers Istio adds (same template), so they pass whatever the pod says.
        pilot.cni = { enabled: true };
        global.proxy = { seccompProfile: { type: "RuntimeDefault" } };
    }
    ours.pilot = pilot;
    if (opts.namespace !== "istio-system") global.istioNamespace = opts.namespace;
    if (Object.keys(global).length > 0) ours.global = global;
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

/** The Istio CNI node agent's DaemonSet installs into the node's CNI bin dir, which GKE keeps at
 *  `/home/kubernetes/bin` (istio/istio manifests/charts/istio-cni/README.md, "GKE notes"; the agent otherwise
 *  writes to /opt/cni/bin, which GKE's runtime does not read). `global.platform: gke` selects the chart's GKE
 *  profile (files/profile-platform-gke.yaml), which adds the ResourceQuota GKE needs before it runs
 *  `system-node-critical` pods outside kube-system (istio.io "Platform-Specific Prerequisites", GKE). */
export const GKE_CNI_BIN_DIR = "/home/kubernetes/bin";

export interface CniValuesOptions {
    /** The cluster is GKE. */
    gke: boolean;
}

/**
 * Values of Istio's `cni` chart. `cni.*` is what every version of the chart reads: from 1.24 the chart copies
 * `cni.*` over its top level (templates/zzy_descope_legacy.yaml), before that it read `cni.*` only. GKE: the
 * platform profile and its bin dir, both set, so a chart that does not know `global.platform` still gets the bin
 * dir and the quota. Elsewhere the chart's defaults (/opt/cni/bin, /etc/cni/net.d, kube-system excluded).
 */
export function cniValues(opts: CniValuesOptions): Record<string, unknown> {
    if (!opts.gke) return {};
    return {
        cni: { cniBinDir: GKE_CNI_BIN_DIR, resourceQuotas: { enabled: true } },
        global: { platform: "gke" },
    };
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
