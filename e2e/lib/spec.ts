/** What a spec gets, and the small assertions specs share. */
import type { Cluster } from "./cluster";
import type { IstiodSupervisor } from "./istiod";

export interface Context {
    cluster: Cluster;
    istiod: IstiodSupervisor;
    /** E2E_KEEP=1: leave the local stack deployed at the end. */
    keep: boolean;
    /** Facts earlier specs found, for later ones (e.g. when `pulumi up` finished). */
    facts: Record<string, unknown>;
}

export interface Spec {
    name: string;
    run(ctx: Context): Promise<void>;
}

export class SpecFailure extends Error {}

export function expect(condition: unknown, message: string): asserts condition {
    if (!condition) throw new SpecFailure(message);
}

/** The local stack's names, as stacks/Pulumi.local.yaml configures them. */
export const LOCAL = {
    stack: "local",
    revision: "1-31-0",
    tag: "local-stable",
    istioNamespace: "istio-system",
    revisionNamespace: "apps-revision",
    tagNamespace: "apps-tag",
    canaryNamespace: "nativemesh-canary",
};
