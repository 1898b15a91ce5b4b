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
