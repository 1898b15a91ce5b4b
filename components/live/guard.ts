/**
 * The update-time guard's look at the live cluster, with the client code `nativemesh status` uses
 * (components/live/cluster.ts): which istiod revisions Helm installed there, which of them the new configuration
 * drops, and what still uses those; and whether the Formance namespaces already carry the selection the
 * configuration moves them to. Returns the refusals, one line each (none: the update may go on).
 *
 * Cheap when nothing goes: one list of istiod Deployments in the mesh namespace; namespaces, webhooks and pods
 * are read only when a revision would go (or the Formance namespaces are to be compared).
 */
import { injectedRevision, type PodLike, proxyMode } from "./classify";
import { connect, type Connection, injectionWebhooks, namespaces, paged, pods } from "./cluster";
import { formanceDrift, formanceRefusal } from "./formanceNamespaces";
import {
    type DeploymentLike,
    type DesiredMesh,
    helmRevisions,
    type LiveRevision,
    type RemovalCause,
    removalRefusal,
    revisionUses,
    unknownAllowance,
} from "./removal";
import { UsageError } from "./usage";
import { isKubeconfigContents } from "../render/asmOverlay";

export interface GuardInput {
    /** A kubeconfig path, or its contents (as the Kubernetes provider takes either). */
    kubeconfig: string;
    context?: string;
    /** Where the istiod releases live (`mesh.namespace`). */
    meshNamespace: string;
    desired: DesiredMesh;
    /** `mesh.allowRemoval`: revisions that may go although something uses them. */
    allowRemoval: string[];
    /** How the configuration drops a revision, given the revision as it is live. */
    causeOf: (removed: LiveRevision) => RemovalCause;
    /** The Formance namespaces' selection, when the configuration labels them. */
    formance?: { stacks: string[]; wanted: string; key: string };
}

async function istiodDeployments(conn: Connection, namespace: string): Promise<DeploymentLike[]> {
    const found: DeploymentLike[] = [];
    for await (const d of paged<DeploymentLike>(
        conn,
        `listing istiod Deployments in ${namespace}`,
        `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
        { labelSelector: "app=istiod" },
    ))
        found.push({ metadata: { labels: d.metadata?.labels ?? {}, annotations: d.metadata?.annotations ?? {} } });
    return found;
}

/** Running pods injected by one of `revisions`, gathered a page at a time (the rest dropped at once). */
async function podsOf(conn: Connection, revisions: Set<string>): Promise<PodLike[]> {
    const kept: PodLike[] = [];
    for await (const pod of pods(conn)) {
        if (proxyMode(pod) === "none") continue;
        const revision = injectedRevision(pod);
        if (revision !== undefined && revisions.has(revision)) kept.push(pod);
    }
    return kept;
}

/** The refusals of an update against the live cluster; empty when it may go on. */
export async function guardRefusals(input: GuardInput): Promise<string[]> {
    const text = isKubeconfigContents(input.kubeconfig) ? input.kubeconfig : undefined;
    const conn = await connect({
        kubeconfig: text !== undefined ? "the stack's kubeconfig" : input.kubeconfig,
        kubeconfigText: text,
        context: input.context,
    });
    const live = helmRevisions(await istiodDeployments(conn, input.meshNamespace));
    const liveNames = live.map((r) => r.revision);
    const refusals: string[] = [];
    input.allowRemoval.forEach((name, i) => {
        if (!liveNames.includes(name)) refusals.push(unknownAllowance(i, name, liveNames));
    });
    const removed = live.filter(
        (r) => !input.desired.revisions.includes(r.revision) && !input.allowRemoval.includes(r.revision),
    );
    if (removed.length === 0 && input.formance === undefined) return refusals;
    const allNamespaces = await namespaces(conn);
    if (removed.length > 0) {
        const webhooks = await injectionWebhooks(conn);
        if (webhooks === undefined)
            throw new UsageError(
                `the credentials of context '${conn.context}' may not list MutatingWebhookConfigurations, so the ` +
                    `guard cannot tell what selects revision ${removed.map((r) => r.revision).join(", ")} before it goes`,
            );
        const names = new Set(removed.map((r) => r.revision));
        const uses = revisionUses(
            [...names],
            { namespaces: allNamespaces, webhooks, pods: await podsOf(conn, names) },
            input.desired,
        );
        for (const use of uses) {
            const revision = removed.find((r) => r.revision === use.revision);
            if (revision !== undefined) refusals.push(removalRefusal(use, input.causeOf(revision)));
        }
    }
    if (input.formance !== undefined) {
        const drift = formanceDrift(allNamespaces, input.formance.stacks, input.formance.wanted);
        if (drift.length > 0) refusals.push(formanceRefusal(input.formance.key, input.formance.wanted, drift));
    }
    return refusals;
}
