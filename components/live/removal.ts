/**
 * Whether an istiod revision may go: pure judgement of what a live cluster still uses, against what the new
 * configuration installs and selects. The update-time guard (components/live/guard.ts) reads the cluster and
 * asks this; it never calls the cluster itself.
 *
 * Why a revision may only go once nothing uses it (istio.io "Canary upgrades", "Upgrade with Helm"): a proxy
 * keeps the `CA_ADDR` and discovery address of the istiod that injected it until its pod is re-created, so
 * removing that istiod leaves it without configuration and, once its certificate expires, without mTLS; and a
 * namespace (or tag) still selecting a removed revision gets new pods without a sidecar.
 */
import {
    INJECTION_LABEL,
    injectedRevision,
    type Meta,
    type PodLike,
    proxyMode,
    REV_LABEL,
    TAG_LABEL,
    type WebhookConfigLike,
} from "./classify";

/** The label the canary namespaces carry (components/meshEnvironment.ts). */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_NATIVEMESH = "nativemesh";
/** How many pods and namespaces a refusal names; the rest are counted. */
export const NAMED_IN_MESSAGE = 3;

/** An istiod Deployment as the API server returns it. */
export interface DeploymentLike {
    metadata?: Meta;
}

/** A revision installed on the cluster by a Helm release of nativemesh's naming. */
export interface LiveRevision {
    revision: string;
    /** The Istio version Helm installed (`app.kubernetes.io/version`), when the chart wrote it. */
    version?: string;
}

/**
 * The istiod revisions installed by Helm releases named as nativemesh names them, `istiod-<revision>`: the
 * istiod chart labels its Deployment `app: istiod`, `istio.io/rev: <revision>`, and, from `istio.labels`,
 * `app.kubernetes.io/instance: <release>` and `app.kubernetes.io/version: <AppVersion>`
 * (istio/istio manifests/charts/istio-control/istio-discovery/templates/deployment.yaml, zzz_profile.yaml).
 * Charts without `istio.labels` are recognised by the annotation Helm 3 writes on every object of a release,
 * `meta.helm.sh/release-name` (helm/helm pkg/action/validate.go).
 */
export function helmRevisions(deployments: Iterable<DeploymentLike>): LiveRevision[] {
    const found = new Map<string, LiveRevision>();
    for (const d of deployments) {
        const labels = d.metadata?.labels ?? {};
        const revision = labels[REV_LABEL];
        const release = `istiod-${revision}`;
        const ours =
            labels["app.kubernetes.io/instance"] === release ||
            d.metadata?.annotations?.["meta.helm.sh/release-name"] === release;
        if (labels.app !== "istiod" || !revision || !ours) continue;
        const version = labels["app.kubernetes.io/version"];
        found.set(revision, { revision, ...(version ? { version } : {}) });
    }
    return [...found.values()].sort((a, b) => a.revision.localeCompare(b.revision));
}

/** What the new configuration installs and selects. */
export interface DesiredMesh {
    /** Revisions it installs. */
    revisions: string[];
    /** Tag → revision, the `default` tag included when it sets a default revision. */
    tags: Record<string, string>;
    /** Namespace → the `istio.io/rev` value it gives that namespace (meshed namespaces and canaries). */
    namespaces: Record<string, string>;
    /** The canary namespace's base name: `<base>-<revision>` goes with its revision. */
    canaryNamespace: string;
}

/** What the live cluster holds that may use a revision. */
export interface LiveMesh {
    namespaces: Array<{ name: string; labels: Record<string, string>; terminating?: boolean }>;
    /** Injection webhook configurations (revisions' and tags'). */
    webhooks: WebhookConfigLike[];
    pods: Iterable<PodLike>;
}

/** Everything on the cluster that still uses one revision. */
export interface RevisionUse {
    revision: string;
    /** `namespace/name` of running pods carrying its sidecar (every one, in the order listed). */
    pods: string[];
    /** Namespaces that will still select it after the update, and through what. */
    namespaces: Array<{ name: string; via: string }>;
    /** Tags whose webhook points at it and that the configuration does not move. */
    tags: string[];
}

const inUse = (u: RevisionUse) => u.pods.length > 0 || u.namespaces.length > 0 || u.tags.length > 0;

/** Tag → revision, as the live tag webhooks say. */
function liveTags(webhooks: WebhookConfigLike[]): Map<string, string> {
    const tags = new Map<string, string>();
    for (const mwc of webhooks) {
        const labels = mwc.metadata?.labels ?? {};
        if (labels[TAG_LABEL] && labels[REV_LABEL]) tags.set(labels[TAG_LABEL], labels[REV_LABEL]);
    }
    return tags;
}

/**
 * What each of `removed` is still used by: running pods injected by it; namespaces whose label will select it
 * once this update has run (a namespace the configuration declares gets its new label, others keep theirs; a tag
 * the configuration declares points where the configuration says); tag webhooks pointing at it that the
 * configuration does not move. The canary namespace of a removed revision goes with it and does not count.
 */
export function revisionUses(removed: string[], live: LiveMesh, desired: DesiredMesh): RevisionUse[] {
    const uses = new Map(removed.map((r) => [r, { revision: r, pods: [], namespaces: [], tags: [] } as RevisionUse]));
    const tagsLive = liveTags(live.webhooks);
    const resolve = (value: string): { revision: string; tag?: string } => {
        const tagged = desired.tags[value] ?? (desired.revisions.includes(value) ? undefined : tagsLive.get(value));
        return tagged !== undefined ? { revision: tagged, tag: value } : { revision: value };
    };
    for (const ns of live.namespaces) {
        // A namespace being deleted admits no new pod (its running pods still count, below).
        if (ns.terminating === true) continue;
        const declared = desired.namespaces[ns.name];
        let value: string | undefined;
        let label: string;
        if (declared !== undefined) {
            value = declared;
            label = `${REV_LABEL}=${declared}`;
        } else if (ns.labels[INJECTION_LABEL] !== undefined) {
            // The revision webhooks require istio-injection absent: with it only `enabled` injects, by the
            // default tag (classify.ts).
            if (ns.labels[INJECTION_LABEL] !== "enabled") continue;
            value = "default";
            label = `${INJECTION_LABEL}=enabled`;
        } else {
            value = ns.labels[REV_LABEL];
            label = `${REV_LABEL}=${value}`;
        }
        if (!value) continue;
        const { revision, tag } = resolve(value);
        const use = uses.get(revision);
        if (use === undefined) continue;
        const goesWithIt =
            ns.name === `${desired.canaryNamespace}-${revision}` &&
            ns.labels[MANAGED_BY_LABEL] === MANAGED_BY_NATIVEMESH;
        if (goesWithIt) continue;
        use.namespaces.push({ name: ns.name, via: tag !== undefined ? `${label}, tag ${tag}` : label });
    }
    for (const [tag, revision] of tagsLive) {
        if (desired.tags[tag] !== undefined) continue;
        uses.get(revision)?.tags.push(tag);
    }
    for (const pod of live.pods) {
        if (pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) continue;
        const phase = pod.status?.phase;
        if (phase === "Succeeded" || phase === "Failed" || proxyMode(pod) === "none") continue;
        const revision = injectedRevision(pod);
        const use = revision === undefined ? undefined : uses.get(revision);
        use?.pods.push(`${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`);
    }
    for (const use of uses.values()) use.namespaces.sort((a, b) => a.name.localeCompare(b.name));
    return [...uses.values()].filter(inUse);
}

/** `2 pods carry its sidecar (a/x, a/y)`: the first few named, the rest counted. */
function listed(items: string[], one: string, many: string, what: string): string {
    const shown = items.slice(0, NAMED_IN_MESSAGE).join(", ");
    const more = items.length > NAMED_IN_MESSAGE ? `, and ${items.length - NAMED_IN_MESSAGE} more` : "";
    return `${items.length} ${items.length === 1 ? one : many} ${what} (${shown}${more})`;
}

/** What uses a revision, in one clause. */
export function describeUse(use: RevisionUse): string {
    const parts: string[] = [];
    if (use.pods.length > 0) parts.push(listed(use.pods, "pod carries", "pods carry", "its sidecar"));
    if (use.namespaces.length > 0)
        parts.push(
            listed(
                use.namespaces.map((n) => `${n.name}: ${n.via}`),
                "namespace selects",
                "namespaces select",
                "it",
            ),
        );
    if (use.tags.length > 0)
        parts.push(
            `${use.tags.length === 1 ? "tag" : "tags"} ${use.tags.join(", ")} ${use.tags.length === 1 ? "points" : "point"} at it`,
        );
    return parts.join("; ");
}

/** How the configuration drops a revision, for the refusal's wording. */
export type RemovalCause =
    { kind: "bump"; fromVersion?: string; toVersion: string; toRevision: string } | { kind: "dropped"; key: string };

/** The one-line refusal: the key, the revision, what uses it, and the way through. */
export function removalRefusal(use: RevisionUse, cause: RemovalCause): string {
    const override = `or set nativemesh:mesh.allowRemoval: ["${use.revision}"] to remove it anyway`;
    if (cause.kind === "bump") {
        // The chart writes its version on the Deployment; without it the revision is named with a placeholder.
        const from = cause.fromVersion ?? `the version of ${use.revision}`;
        const old =
            cause.fromVersion !== undefined
                ? `{version: "${cause.fromVersion}"}`
                : `{version: "<the version of ${use.revision}>", revision: ${use.revision}}`;
        return (
            `nativemesh:mesh.version: ${from} -> ${cause.toVersion} would replace revision ${use.revision} by ` +
            `${cause.toRevision} in one update, but the cluster still uses ${use.revision}: ${describeUse(use)}. ` +
            `Upgrade by canary (istio.io "Canary upgrades"): list both revisions, mesh.revisions: ` +
            `[${old}, {version: "${cause.toVersion}"}] in place of mesh.version; move the namespaces, ` +
            `tags and formance.namespaceRevision to ${cause.toRevision}; run \`nativemesh restart\`; then drop ` +
            `${use.revision}; ${override}`
        );
    }
    return (
        `${cause.key}: removes revision ${use.revision}, which the cluster still uses: ${describeUse(use)}. ` +
        `Move these selectors to a revision that stays, run \`nativemesh restart\` so the pods get its sidecar, ` +
        `then remove ${use.revision}; ${override}`
    );
}

/** An allowRemoval entry that names no revision on the cluster: refused, so a forgotten one covers nothing later. */
export function unknownAllowance(index: number, name: string, live: string[]): string {
    return (
        `nativemesh:mesh.allowRemoval[${index}]: '${name}' is not an istiod revision on the cluster (installed: ` +
        `${live.length > 0 ? live.join(", ") : "none"}); it overrides the guard for one removal only: drop it once ` +
        "that revision is gone"
    );
}
