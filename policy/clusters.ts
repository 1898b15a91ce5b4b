// Kubernetes versions pinned on GKE and ACK clusters and node pools.

import { at, CANNOT_TELL, readArray, readVersionText, type CannotTell } from "./read";

export const GKE_CLUSTER = "gcp:container/cluster:Cluster";
export const GKE_NODE_POOL = "gcp:container/nodePool:NodePool";
export const ACK_MANAGED_CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes";
export const ACK_DEDICATED_CLUSTER = "alicloud:cs/kubernetes:Kubernetes";

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
            add("ack", "version", at(props, "version"));
            break;
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
