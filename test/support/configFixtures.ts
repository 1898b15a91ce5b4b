/** Config sections the config tables share. */

/** A valid GKE section (public endpoint with an authorized network). */
export const GKE_SECTION = {
    project: "acme-mesh-dev",
    location: "europe-west1",
    clusterName: "mesh-dev",
    kubernetesVersion: "1.33.5-gke.1308000",
    nodePools: [{ name: "general" }],
    authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
};

/** A valid ACK section: an existing VPC, Terway pod vSwitches, one fixed-size node pool. */
export const ACK_SECTION = {
    region: "cn-hangzhou",
    clusterName: "mesh-prod",
    kubernetesVersion: "1.30.1-aliyun.1",
    vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1"] },
    podVswitchIds: ["vsw-bp1pod1"],
    nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge"], desiredSize: 2 }],
};
