import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** One GKE node pool. */
export interface GkeNodePoolArgs {
    /** Node pool name (DNS-1123 label). */
    name: string;
    /** Compute Engine machine type, e.g. `e2-standard-4`. */
    machineType: string;
    /** Autoscaling lower bound per zone. */
    minNodes: number;
    /** Autoscaling upper bound per zone. */
    maxNodes: number;
    /** Boot disk size in GB. */
    diskSizeGb: number;
    /** Use Spot VMs. */
    spot: boolean;
    /** Node version; defaults to the cluster's Kubernetes version. */
    version?: string;
}

export interface GkeClusterArgs {
    /** GCP project id. */
    project: pulumi.Input<string>;
    /** Region or zone of the cluster. */
    location: pulumi.Input<string>;
    /** Cluster name. */
    clusterName: pulumi.Input<string>;
    /** Pinned Kubernetes version of the control plane and, by default, of the nodes (≥ 1.29 for native sidecars). */
    kubernetesVersion: pulumi.Input<string>;
    /** GKE release channel (`UNSPECIFIED` leaves the cluster out of channels). */
    releaseChannel: pulumi.Input<string>;
    /** Node pools; the default pool is removed. */
    nodePools: GkeNodePoolArgs[];
    /** Workload Identity (`<project>.svc.id.goog`) and the GKE metadata server on nodes. */
    workloadIdentity: pulumi.Input<boolean>;
    /** Nodes without public IPs. */
    privateNodes: pulumi.Input<boolean>;
    /** Control-plane /28 range used with private nodes. */
    masterIpv4CidrBlock: pulumi.Input<string>;
    /** CIDR blocks allowed to reach the control plane; empty leaves authorized networks off. */
    authorizedNetworks: pulumi.Input<pulumi.Input<{ cidrBlock: string; displayName?: string }>[]>;
    /** VPC network name; the project's default network when omitted. */
    network?: pulumi.Input<string>;
    /** Subnetwork name. */
    subnetwork?: pulumi.Input<string>;
    /** Refuse `pulumi destroy` of the cluster (production). */
    deletionProtection: pulumi.Input<boolean>;
}

/**
 * A GKE cluster for native sidecars: versions pinned, default pool replaced by our pools, Workload Identity,
 * and the `mesh_id=proj-<number>` label asmcli requires (FACTS.md, "self-managed ASM with asmcli").
 */
export class GkeCluster extends pulumi.ComponentResource {
    public readonly cluster: gcp.container.Cluster;
    public readonly nodePools: gcp.container.NodePool[];
    /** The project number, as asmcli's `mesh_id` label uses it. */
    public readonly projectNumber: pulumi.Output<string>;
    /** A kubeconfig using gke-gcloud-auth-plugin (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:GkeCluster", name, {}, opts);

        // The project number is looked up, not asked of the user: asmcli checks mesh_id=proj-<number>.
        this.projectNumber = gcp.organizations
            .getProjectOutput({ projectId: args.project }, { parent: this })
            .apply((p) => p.number ?? "");
        this.cluster = createCluster(this, name, args);
        this.nodePools = args.nodePools.map((pool) => createNodePool(this, name, args, pool));
        this.kubeconfig = pulumi.secret(gkeKubeconfig(this.cluster));
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig },
            { parent: this, dependsOn: this.nodePools },
        );
        this.registerOutputs({
            cluster: this.cluster,
            nodePools: this.nodePools,
            projectNumber: this.projectNumber,
            kubeconfig: this.kubeconfig,
        });
    }
}

function createCluster(parent: GkeCluster, name: string, args: GkeClusterArgs): gcp.container.Cluster {
    const workloadIdentity = pulumi.output(args.workloadIdentity);
    const privateNodes = pulumi.output(args.privateNodes);
    const authorized = pulumi.output(args.authorizedNetworks);
    return new gcp.container.Cluster(
        name,
        {
            name: args.clusterName,
            project: args.project,
            location: args.location,
            minMasterVersion: args.kubernetesVersion,
            releaseChannel: { channel: args.releaseChannel },
            // GKE needs one node to create a cluster; our own pools replace it.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            network: args.network,
            subnetwork: args.subnetwork,
            // VPC-native (alias IPs), required for private nodes and GKE's default for new clusters.
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: {},
            workloadIdentityConfig: pulumi
                .all([workloadIdentity, args.project])
                .apply(([on, project]) => (on ? { workloadPool: `${project}.svc.id.goog` } : undefined)),
            privateClusterConfig: pulumi
                .all([privateNodes, args.masterIpv4CidrBlock])
                .apply(([on, range]) =>
                    on
                        ? { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: range }
                        : undefined,
                ),
            masterAuthorizedNetworksConfig: authorized.apply((nets) =>
                nets.length > 0
                    ? { cidrBlocks: nets.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })) }
                    : undefined,
            ),
            resourceLabels: parent.projectNumber.apply((n) => ({ mesh_id: `proj-${n}` })),
            deletionProtection: args.deletionProtection,
        },
        { parent },
    );
}

function createNodePool(
    parent: GkeCluster,
    name: string,
    args: GkeClusterArgs,
    pool: GkeNodePoolArgs,
): gcp.container.NodePool {
    const autoUpgrade = pulumi.output(args.releaseChannel).apply((channel) => channel !== "UNSPECIFIED");
    return new gcp.container.NodePool(
        `${name}-${pool.name}`,
        {
            name: pool.name,
            cluster: parent.cluster.name,
            project: args.project,
            location: args.location,
            // Native sidecars need kubelets ≥ 1.29 on GKE (FACTS.md): the node version is pinned too.
            version: pool.version ?? args.kubernetesVersion,
            initialNodeCount: pool.minNodes,
            autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
            // GKE refuses autoUpgrade=false inside a release channel; outside one we keep the pin.
            management: { autoRepair: true, autoUpgrade },
            nodeConfig: {
                machineType: pool.machineType,
                diskSizeGb: pool.diskSizeGb,
                spot: pool.spot,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                workloadMetadataConfig: pulumi
                    .output(args.workloadIdentity)
                    .apply((on) => ({ mode: on ? "GKE_METADATA" : "GCE_METADATA" })),
            },
        },
        { parent },
    );
}

/** A kubeconfig that authenticates through gke-gcloud-auth-plugin, as `gcloud container clusters get-credentials` writes. */
export function gkeKubeconfig(cluster: gcp.container.Cluster): pulumi.Output<string> {
    return pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([name, endpoint, auth]) => renderKubeconfig(name, endpoint, auth.clusterCaCertificate ?? ""));
}

/** Pure rendering of the kubeconfig, testable without Pulumi. */
export function renderKubeconfig(name: string, endpoint: string, caCertificate: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${name}`,
        "  cluster:",
        `    certificate-authority-data: ${caCertificate}`,
        `    server: https://${endpoint}`,
        "contexts:",
        `- name: ${name}`,
        "  context:",
        `    cluster: ${name}`,
        `    user: ${name}`,
        `current-context: ${name}`,
        "users:",
        `- name: ${name}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      command: gke-gcloud-auth-plugin",
        "      provideClusterInfo: true",
        "      installHint: Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin)",
        "",
    ].join("\n");
}
