/**
 * Chart values nativemesh sets itself, refused in the user's `mesh.istiodValues` / `mesh.revisions[i].istiodValues`
 * / `mesh.baseValues`. Ours are merged over the user's (render/istioValues.ts), so such a key would be silently
 * lost; worse, some would split what nativemesh believes from what runs (a `revisionTags` inside a release renders
 * the tag webhook a second time, owned by that release, and Helm puts it back on the old revision when the tag
 * moves). Each is refused with the config key that sets it. Pure.
 *
 * Enumerated from what render/istioValues.ts writes and the istiod chart's values.yaml at 1.30.3
 * (istio/istio manifests/charts/istio-control/istio-discovery/values.yaml): from 1.24 the chart reads its values
 * flattened (`autoscaleMin`, `env`, ...), and still copies the older `pilot.*` form to the top, so both spellings
 * reach the same setting and both are refused.
 */

/** A value path inside a values map, and the config key that sets it instead. */
interface OwnedValue {
    path: string[];
    /** What to say, after `is set by nativemesh from`. */
    instead: string;
}

const REPLICAS = "mesh.istiodReplicas (1-10)";
const NATIVE = "mesh.nativeSidecars";

/** istiod values nativemesh writes (render/istioValues.ts `istiodValues`). */
export const OWNED_ISTIOD_VALUES: readonly OwnedValue[] = [
    { path: ["revision"], instead: "mesh.revisions[].revision (or mesh.revision): name the revision there" },
    {
        path: ["revisionTags"],
        instead: "mesh.revisionTags, rendered apart from any release so that a tag can move: list the tag there",
    },
    ...["autoscaleMin", "autoscaleMax", "replicaCount"].flatMap((key) => [
        { path: ["pilot", key], instead: REPLICAS },
        { path: [key], instead: REPLICAS },
    ]),
    { path: ["pilot", "env", "ENABLE_NATIVE_SIDECARS"], instead: NATIVE },
    { path: ["env", "ENABLE_NATIVE_SIDECARS"], instead: NATIVE },
    { path: ["global", "istioNamespace"], instead: "mesh.namespace" },
];

/** base values nativemesh writes (render/istioValues.ts `baseValues`). */
export const OWNED_BASE_VALUES: readonly OwnedValue[] = [
    { path: ["defaultRevision"], instead: "mesh.defaultRevision" },
    { path: ["global", "istioNamespace"], instead: "mesh.namespace" },
];

/** The injection URL of istiod (istiodRemote.injectionURL in the istiod chart): every webhook of a revision, its
 *  tags' included, sends pods there. */
const INJECTION_URL = ["istiodRemote", "injectionURL"];

export interface OwnedValueProblem {
    /** Path inside the values map given. */
    path: string[];
    message: string;
}

function has(values: Record<string, unknown>, path: readonly string[]): boolean {
    let cur: unknown = values;
    for (const part of path) {
        if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !(part in cur)) return false;
        cur = (cur as Record<string, unknown>)[part];
    }
    return true;
}

/** The owned keys a values map holds, in the order listed above. */
function ownedIn(values: Record<string, unknown>, owned: readonly OwnedValue[]): OwnedValueProblem[] {
    return owned
        .filter((o) => has(values, o.path))
        .map((o) => ({ path: [...o.path], message: `is set by nativemesh from ${o.instead}` }));
}

/**
 * The owned keys an istiod values map holds. `sharedBy` is the number of revisions the map applies to (the
 * mesh-wide `istiodValues` with several revisions): an injection URL there would send every revision's pods to
 * one istiod, so it belongs to each revision's own values.
 */
export function ownedIstiodValueProblems(values: Record<string, unknown>, sharedBy = 1): OwnedValueProblem[] {
    const problems = ownedIn(values, OWNED_ISTIOD_VALUES);
    if (sharedBy > 1 && has(values, INJECTION_URL)) {
        problems.push({
            path: [...INJECTION_URL],
            message:
                `would send the pods of all ${sharedBy} revisions to one istiod: each revision's webhooks need their own, ` +
                "so set it in mesh.revisions[i].istiodValues",
        });
    }
    return problems;
}

/** The owned keys a base values map holds. */
export function ownedBaseValueProblems(values: Record<string, unknown>): OwnedValueProblem[] {
    return ownedIn(values, OWNED_BASE_VALUES);
}
