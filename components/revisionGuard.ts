/**
 * The update-time guard in the Pulumi program: before anything of the mesh is registered, the live cluster is
 * read (components/live/guard.ts, the client code of `nativemesh status`) and the update fails when it would
 * remove an istiod revision something still uses, or move the Formance namespaces' selection while they carry
 * another (docs/UPGRADING.md).
 *
 * Why this stops the update before the revision is touched: the engine deletes removed and replaced resources
 * only after the program has registered every resource (create-before-delete; the deletes come last), and a
 * program that fails ends the update without them. The check runs in an apply over the cluster's kubeconfig and
 * everything of the mesh has the Output it returns in its `dependsOn`, so a refusal also keeps the new release,
 * the namespace labels and the tags from changing. Where the kubeconfig is known at preview (an existing cluster),
 * `pulumi preview` already fails; where it is an output of the cluster (GKE, ACK), the check runs during
 * `pulumi up`, once the cluster is there, and before any mesh resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSpec } from "./config/config";
import type { ClusterHandle } from "./environmentParts";
import { guardRefusals } from "./live/guard";
import type { LiveRevision, RemovalCause } from "./live/removal";
import { namespaceSelections } from "./render/namespaceSelections";

/** How the configuration drops a revision that is live, for the refusal's wording and key. */
export function removalCause(spec: EnvironmentSpec, live: LiveRevision): RemovalCause {
    if (spec.mesh.method !== "helm") return { kind: "dropped", key: "nativemesh:mesh.method" };
    if (spec.mesh.revisions !== undefined) return { kind: "dropped", key: "nativemesh:mesh.revisions" };
    if (spec.mesh.revision !== undefined) return { kind: "dropped", key: "nativemesh:mesh.revision" };
    const next = spec.revisionPlan.revisions[0];
    return { kind: "bump", fromVersion: live.version, toVersion: next.version, toRevision: next.revision };
}

/** Under Pulumi's mocks (unit tests, `nativemesh preview`) there is no cluster to read. */
function underMocks(): boolean {
    // The mock monitor is the one that carries the mocks (@pulumi/pulumi runtime/mocks.ts, MockMonitor).
    return (pulumi.runtime.getMonitor() as { mocks?: unknown } | undefined)?.mocks !== undefined;
}

/**
 * The gate the mesh waits for: an Output that resolves to the cluster's provider once the check passed, and fails
 * with the refusals. It goes into `dependsOn` lists as an element: the SDK awaits an Output there (and fails the
 * registration when it fails), whereas a component in `dependsOn` only stands for its custom children, so a
 * childless gate component would hold nothing back (@pulumi/pulumi runtime/dependsOn.ts). undefined under the
 * mocks.
 */
export function revisionGuard(
    spec: EnvironmentSpec,
    cluster: Pick<ClusterHandle, "kubeconfig" | "provider">,
): pulumi.Output<pulumi.Resource> | undefined {
    if (underMocks()) return undefined;
    const selections = namespaceSelections(spec);
    return pulumi
        .all([cluster.kubeconfig, spec.existing?.context])
        .apply(async ([kubeconfig, context]): Promise<pulumi.Resource> => {
            let refusals: string[];
            try {
                refusals = await guardRefusals({
                    kubeconfig,
                    context,
                    meshNamespace: spec.mesh.namespace,
                    desired: selections,
                    allowRemoval: spec.mesh.allowRemoval,
                    causeOf: (live) => removalCause(spec, live),
                    formance: selections.formance,
                });
            } catch (err) {
                const message = err instanceof Error ? err.message : String(err);
                throw new pulumi.RunError(`nativemesh: the update-time guard could not read the cluster: ${message}`);
            }
            if (refusals.length > 0) throw new pulumi.RunError(refusals.join("\n"));
            return cluster.provider;
        });
}

/** The cluster as the mesh sees it: with the gate among what the mesh install waits for, when there is one. */
export function behindGate<C extends Pick<ClusterHandle, "ready">>(
    cluster: C,
    gate: pulumi.Output<pulumi.Resource> | undefined,
): C {
    return gate === undefined ? cluster : { ...cluster, ready: [...cluster.ready, ...gateList(gate)] };
}

/** What a resource that waits only for the gate puts in its `dependsOn`: the gate, or nothing without one. */
export function gateList(gate: pulumi.Output<pulumi.Resource> | undefined): Array<pulumi.Output<pulumi.Resource>> {
    return gate === undefined ? [] : [gate];
}
