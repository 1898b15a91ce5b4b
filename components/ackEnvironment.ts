/**
 * The Alibaba side of MeshEnvironment: an ACK cluster from `nativemesh:ack`, and Alibaba Service Mesh from
 * `nativemesh:mesh` with `method: alibaba-asm`.
 */
import * as pulumi from "@pulumi/pulumi";
import { AckCluster } from "./ackCluster";
import { alibabaMeshConfigSchema, type AckConfig, type AlibabaMeshConfig } from "./config/ackConfig";
import { AlibabaMesh } from "./alibabaMesh";
import type { EnvironmentSpec } from "./config/config";
import type { ClusterHandle, MeshHandle } from "./environmentParts";
import { injectorWebhookName } from "./injectorWebhook";

export function buildAckCluster(parent: pulumi.Resource, name: string, ack: AckConfig): ClusterHandle {
    const cluster = new AckCluster(
        `${name}-ack`,
        {
            region: ack.region,
            clusterName: ack.clusterName,
            kubernetesVersion: ack.kubernetesVersion,
            clusterSpec: ack.clusterSpec,
            vpc: ack.vpc,
            podVswitchIds: ack.podVswitchIds,
            podCidr: ack.podCidr,
            serviceCidr: ack.serviceCidr,
            nodePools: ack.nodePools,
            publicApiServer: ack.publicApiServer,
            rrsa: ack.rrsa,
            credentialMinutes: ack.credentialMinutes,
            newNatGateway: ack.newNatGateway,
            deletionProtection: ack.deletionProtection,
        },
        { parent },
    );
    return {
        provider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        ready: [cluster],
        clusterId: cluster.cluster.id,
        network: { vpcId: cluster.vpcId, vswitchIds: cluster.vswitchIds },
        ack: cluster,
    };
}

export function buildAlibabaMesh(
    parent: pulumi.Resource,
    name: string,
    spec: EnvironmentSpec,
    cluster: ClusterHandle,
): MeshHandle {
    const alibaba: AlibabaMeshConfig = spec.mesh.alibaba ?? alibabaMeshConfigSchema.parse({});
    if (cluster.clusterId === undefined || cluster.network === undefined) {
        throw new Error("alibaba-asm needs the ACK cluster nativemesh creates (nativemesh:cloud ack)");
    }
    const mesh = new AlibabaMesh(
        `${name}-asm`,
        {
            version: spec.mesh.version,
            clusterSpec: alibaba.clusterSpec,
            edition: alibaba.edition,
            name: alibaba.name ?? spec.ack?.clusterName,
            vpcId: cluster.network.vpcId,
            vswitchId: alibaba.vswitchId ?? cluster.network.vswitchIds.apply((ids) => ids[0]),
            clusterIds: [cluster.clusterId],
            apiServerPublicEip: alibaba.apiServerPublicEip,
            crAggregationEnabled: alibaba.crAggregationEnabled,
            controlPlaneKubeconfig: alibaba.controlPlaneKubeconfig,
            nativeSidecars: spec.mesh.nativeSidecars,
            cni: spec.mesh.cni,
            revision: spec.revision,
            alicloudProvider: cluster.ack?.alicloudProvider,
        },
        { parent, dependsOn: cluster.ready },
    );
    return {
        injectionLabels: (revisionOrTag) => mesh.injectionLabels(revisionOrTag),
        ready: [mesh],
        // ASM adds its injector to the ACK cluster after the cluster joins; the canary must not run before it.
        injectorReady: injectorWebhookName(cluster.kubeconfig, spec.canary.timeoutSeconds),
    };
}
