/**
 * What the halves of MeshEnvironment hand each other: the cluster step (GKE, ACK, existing) to the mesh step,
 * the mesh step to namespaces and the canary. A leaf module, so the GKE and ACK halves import it without
 * importing each other.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AckCluster } from "./ackCluster";
import type { GkeCluster } from "./gkeCluster";

/** What a cluster step hands to the mesh step. */
export interface ClusterHandle {
    provider: k8s.Provider;
    /** Kubeconfig of the cluster (secret), when nativemesh made or was given one. */
    kubeconfig: pulumi.Output<string>;
    /** Resources the mesh install waits for (cluster, node pools; the update-time guard's check, an Output that
     *  fails when the guard refuses). */
    ready: pulumi.Input<pulumi.Resource>[];
    gke?: GkeCluster;
    /** The cluster resource, for meshes that attach to it by id. */
    clusterId?: pulumi.Output<string>;
    /** VPC and vSwitches of an ACK cluster, for Alibaba Service Mesh. */
    network?: { vpcId: pulumi.Output<string>; vswitchIds: pulumi.Output<string[]> };
    ack?: AckCluster;
}

/** What a mesh step hands to namespaces and the canary. */
export interface MeshHandle {
    /** Labels that put a namespace into this mesh, given the revision or tag it should select (if any). */
    injectionLabels: (revisionOrTag: string | undefined) => pulumi.Input<Record<string, string>>;
    /** Resources namespaces and the canary wait for. */
    ready: pulumi.Resource[];
    /** Resolves once the mesh's injector webhook exists in the cluster, where the mesh installs it on its own
     *  schedule (Alibaba ASM); the canary waits for it. */
    injectorReady?: pulumi.Output<string>;
}
