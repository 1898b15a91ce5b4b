// Kubernetes versions pinned on GKE and ACK clusters and node pools.

import { at, CANNOT_TELL, readArray, readVersionText, type CannotTell } from "./read";

export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const ACK_MANAGED_CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes";
export const ACK_DEDICATED_CLUSTER = "alicloud:cs/kubernetes:Kubernetes";
export const ACK_SERVERLESS_CLUSTER = "alicloud:cs/serverlessKubernetes:ServerlessKubernetes";
export const ACK_EDGE_CLUSTER = "alicloud:cs/edgeKubernetes:EdgeKubernetes";
// Config Connector's GKE kinds (container.cnrm.cloud.google.com ContainerCluster / ContainerNodePool), any
// served version: the same fields as the gcp provider, under spec.
const CNRM_CLUSTER = /^kubernetes:container\.cnrm\.cloud\.google\.com\/[^:]+:ContainerCluster$/;
const CNRM_NODE_POOL = /^kubernetes:container\.cnrm\.cloud\.google\.com\/[^:]+:ContainerNodePool$/;

/** Every cluster or node pool type whose Kubernetes version the pack reads (docs/POLICY.md, "What the pack
 *  proves"): @pulumi/gcp container Cluster/NodePool, @pulumi/alicloud cs ManagedKubernetes, Kubernetes,
 *  ServerlessKubernetes, EdgeKubernetes (each with a `version` input), and Config Connector's GKE kinds.
 *  alicloud cs.NodePool has no Kubernetes version input (it follows its cluster). */
export function isClusterType(type: string): boolean {
    return (
        type === GKE_CLUSTER ||
        type === GKE_NODE_POOL ||
        type === ACK_MANAGED_CLUSTER ||
        type === ACK_DEDICATED_CLUSTER ||
        type === ACK_SERVERLESS_CLUSTER ||
        type === ACK_EDGE_CLUSTER ||
        CNRM_CLUSTER.test(type) ||
        CNRM_NODE_POOL.test(type)
    );
}

export type Platform = "gke" | "ack";

export interface PinnedVersion {
    platform: Platform;
    /** The property it was read from, for messages, e.g. `nodeVersion` or `nodePools[0].version`. */
    field: string;
    /** The text as written, or CANNOT_TELL when secret, unknown or not a string. */
    text: string | CannotTell;
}

/** Every Kubernetes version a cluster or node pool resource pins. Unset fields are left out: no version set
 *  means the provider's default, which is not a pin. */
export function pinnedVersions(type: string, props: unknown): PinnedVersion[] {
    const pins: PinnedVersion[] = [];
    const add = (platform: Platform, field: string, value: unknown): void => {
        // A number is sent as its decimal text: YAML `1.28` pins "1.28" (read.ts readVersionText).
        const text = readVersionText(value);
        if (text !== undefined) pins.push({ platform, field, text });
    };
    switch (type) {
        case GKE_CLUSTER: {
            add("gke", "minMasterVersion", at(props, "minMasterVersion"));
            add("gke", "nodeVersion", at(props, "nodeVersion"));
            const pools = readArray(at(props, "nodePools"));
            if (pools === CANNOT_TELL) pins.push({ platform: "gke", field: "nodePools", text: CANNOT_TELL });
            else pools?.forEach((_, index) => add("gke", `nodePools[${index}].version`, at(pools, index, "version")));
            break;
        }
        case GKE_NODE_POOL:
            add("gke", "version", at(props, "version"));
            break;
        case ACK_MANAGED_CLUSTER:
        case ACK_DEDICATED_CLUSTER:
        case ACK_SERVERLESS_CLUSTER:
        case ACK_EDGE_CLUSTER:
            add("ack", "version", at(props, "version"));
            break;
        default:
            if (CNRM_CLUSTER.test(type)) {
                add("gke", "spec.minMasterVersion", at(props, "spec", "minMasterVersion"));
                add("gke", "spec.nodeVersion", at(props, "spec", "nodeVersion"));
            } else if (CNRM_NODE_POOL.test(type)) add("gke", "spec.version", at(props, "spec", "version"));
    }
    return pins;
}

/** GKE accepts "latest" (newest available) and "-" (default) in version fields. */
export function isGkeAlias(text: string): "latest" | "default" | undefined {
    const trimmed = text.trim();
    if (trimmed === "latest") return "latest";
    if (trimmed === "-" || trimmed === "") return "default";
    return undefined;
}
