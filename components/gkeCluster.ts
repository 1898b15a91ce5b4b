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
    /** GKE release channel (`UNSPECIFIED` leaves the cluster out of channels, and keeps node versions pinned). */
    releaseChannel: string;
    /** Node pools; the default pool is removed. */
    nodePools: GkeNodePoolArgs[];
    /** Workload Identity (`<project>.svc.id.goog`) and the GKE metadata server on nodes. */
    workloadIdentity: pulumi.Input<boolean>;
    /** Nodes without public IPs; adds the firewall rule Istio's webhooks need (and Cloud NAT unless told not to). */
    privateNodes: boolean;
    /** Cloud NAT for the nodes' outbound traffic (image pulls); defaults to `privateNodes`. */
    cloudNat?: boolean;
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
 * and the `mesh_id=proj-<number>` label asmcli requires (asmcli checks the cluster label `mesh_id=proj-<PROJECT_NUMBER>`; Google "Install
 * Cloud Service Mesh with asmcli").
 */
export class GkeCluster extends pulumi.ComponentResource {
    public readonly cluster: gcp.container.Cluster;
    public readonly nodePools: gcp.container.NodePool[];
    /** With private nodes: the rule letting the control plane reach Istio's webhooks on the nodes. */
    public readonly webhookFirewall?: gcp.compute.Firewall;
    /** Cloud NAT for private nodes (router and NAT), when made here. */
    public readonly nat?: { router: gcp.compute.Router; nat: gcp.compute.RouterNat };
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
        if (args.privateNodes) this.webhookFirewall = createWebhookFirewall(this, name, args);
        if (args.cloudNat ?? args.privateNodes) this.nat = createCloudNat(this, name, args);
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
            privateClusterConfig: args.privateNodes
                ? {
                      enablePrivateNodes: true,
                      enablePrivateEndpoint: false,
                      masterIpv4CidrBlock: args.masterIpv4CidrBlock,
                  }
                : undefined,
            masterAuthorizedNetworksConfig: authorized.apply((nets) =>
                nets.length > 0
                    ? { cidrBlocks: nets.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })) }
                    : undefined,
            ),
            resourceLabels: parent.projectNumber.apply((n) => ({ mesh_id: `proj-${n}` })),
            deletionProtection: args.deletionProtection,
        },
        // masterAuth holds the cluster CA and, with legacy client certificates, a client key.
        { parent, additionalSecretOutputs: ["masterAuth"] },
    );
}

function createNodePool(
    parent: GkeCluster,
    name: string,
    args: GkeClusterArgs,
    pool: GkeNodePoolArgs,
): gcp.container.NodePool {
    // Inside a release channel GKE refuses autoUpgrade=false and upgrades the nodes itself; a pinned version
    // there would fight it on every `pulumi up` (provider docs of NodePool.version), so the pin only sets the
    // version the pool is created with. Outside a channel the pin holds and auto-upgrade is off.
    const inChannel = args.releaseChannel !== "UNSPECIFIED";
    return new gcp.container.NodePool(
        `${name}-${pool.name}`,
        {
            name: pool.name,
            cluster: parent.cluster.name,
            project: args.project,
            location: args.location,
            // Native sidecars need kubelets ≥ 1.29 on GKE (SidecarContainers on by default from 1.29, kubernetes/website
            // feature-gates/SidecarContainers.md): nodes start on the pinned version.
            version: pool.version ?? args.kubernetesVersion,
            initialNodeCount: pool.minNodes,
            autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
            management: { autoRepair: true, autoUpgrade: inChannel },
            nodeConfig: {
                machineType: pool.machineType,
                diskSizeGb: pool.diskSizeGb,
                spot: pool.spot,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                // The firewall rule for Istio's webhooks targets the nodes by this tag.
                tags: [nodeTag(args.clusterName)],
                workloadMetadataConfig: pulumi
                    .output(args.workloadIdentity)
                    .apply((on) => ({ mode: on ? "GKE_METADATA" : "GCE_METADATA" })),
            },
        },
        { parent, ignoreChanges: inChannel ? ["version"] : [] },
    );
}

/** The network tag of the cluster's nodes. */
export function nodeTag(clusterName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(clusterName).apply((n) => `nativemesh-${n}`);
}

/** Istiod's webhook port: the API server calls the injection and validation webhooks on the pods' 15017. */
export const ISTIOD_WEBHOOK_PORT = "15017";

/**
 * A private cluster's control plane may reach the nodes on 443 and 10250 only; Istio's injection and
 * validation webhooks listen on 15017, so without this rule every injected pod is refused (Google, "Adding
 * firewall rules for specific use cases" of private clusters; Istio's GKE platform setup).
 */
function createWebhookFirewall(parent: GkeCluster, name: string, args: GkeClusterArgs): gcp.compute.Firewall {
    return new gcp.compute.Firewall(
        `${name}-istio-webhooks`,
        {
            project: args.project,
            network: args.network ?? "default",
            direction: "INGRESS",
            sourceRanges: [args.masterIpv4CidrBlock],
            targetTags: [nodeTag(args.clusterName)],
            allows: [{ protocol: "tcp", ports: [ISTIOD_WEBHOOK_PORT] }],
            description: "nativemesh: GKE control plane to istiod webhooks on private nodes",
        },
        { parent },
    );
}

/** The region of a GKE location: a region as is, a zone (europe-west1-b) without its last part. */
export function regionOf(location: string): string {
    return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.replace(/-[a-z]$/, "") : location;
}

/** Private nodes have no public IPs: Cloud NAT lets them pull images (Istio's, the canary's) from the internet. */
function createCloudNat(
    parent: GkeCluster,
    name: string,
    args: GkeClusterArgs,
): { router: gcp.compute.Router; nat: gcp.compute.RouterNat } {
    const region = pulumi.output(args.location).apply(regionOf);
    const router = new gcp.compute.Router(
        `${name}-router`,
        { project: args.project, region, network: args.network ?? "default" },
        { parent },
    );
    const nat = new gcp.compute.RouterNat(
        `${name}-nat`,
        {
            project: args.project,
            region,
            router: router.name,
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        },
        { parent },
    );
    return { router, nat };
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
