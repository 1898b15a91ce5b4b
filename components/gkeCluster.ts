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
    /** Workload Identity (`<project>.svc.id.goog`) and the GKE metadata server on nodes. Off, pods reach the
     *  Compute Engine metadata server, and with it the node service account (least privilege, see below). */
    workloadIdentity: pulumi.Input<boolean>;
    /** Nodes without public IPs; adds the firewall rule Istio's webhooks need (and Cloud NAT unless told not to). */
    privateNodes: boolean;
    /** Only the control plane's private endpoint (needs privateNodes); the kubeconfig then points at it. */
    privateEndpoint?: boolean;
    /** Cloud NAT for the nodes' outbound traffic (image pulls); defaults to `privateNodes`. */
    cloudNat?: boolean;
    /** Control-plane /28 range used with private nodes. */
    masterIpv4CidrBlock: pulumi.Input<string>;
    /** CIDR blocks allowed to reach the control plane; required (not empty) while the endpoint is public. */
    authorizedNetworks: pulumi.Input<pulumi.Input<{ cidrBlock: string; displayName?: string }>[]>;
    /** VPC network name; the project's default network when omitted. */
    network?: pulumi.Input<string>;
    /** Subnetwork name. */
    subnetwork?: pulumi.Input<string>;
    /** Refuse `pulumi destroy` of the cluster (production). */
    deletionProtection: pulumi.Input<boolean>;
    /** GKE Dataplane V2 (`ADVANCED_DATAPATH`), which enforces NetworkPolicy; default true. GKE sets it at creation
     *  only: changing it replaces the cluster. */
    dataplaneV2?: boolean;
    /** A Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`, in the cluster's region) encrypting
     *  Secrets at the application layer; the GKE service agent is granted its use. Default none: GKE's own
     *  encryption at rest (Google-managed keys). */
    secretsEncryptionKey?: pulumi.Input<string>;
    /** Binary Authorization enforcing the project's policy (`PROJECT_SINGLETON_POLICY_ENFORCE`); default true.
     *  Its API is enabled in the project; the project's default policy allows every image until changed. */
    binaryAuthorization?: boolean;
}

/**
 * The roles of the node service account: what Google's hardening guide gives a least-privilege node service
 * account (Google "Harden your cluster's security", "Use least privilege Google service accounts",
 * https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa): logs,
 * metrics, resource metadata, and pulling images from Artifact Registry.
 */
export const NODE_SERVICE_ACCOUNT_ROLES = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
];

/** The node service account's id: 6-30 characters, lower-case, from the cluster name. */
export function nodeServiceAccountId(clusterName: string): string {
    return `${clusterName.slice(0, 24)}-nodes`;
}

/**
 * A GKE cluster for native sidecars: versions pinned, default pool replaced by our pools, Workload Identity,
 * hardened by default (Google "Harden your cluster's security"): nodes run as a least-privilege service account
 * of their own, Shielded nodes with Secure Boot, private nodes, authorized networks on a public endpoint,
 * legacy metadata endpoints off, deletion protection, Dataplane V2 (NetworkPolicy enforced), Binary Authorization
 * with the project's policy, and Secrets encrypted with a Cloud KMS key when one is given; and the `mesh_id=proj-<number>` label asmcli requires (asmcli checks the cluster label `mesh_id=proj-<PROJECT_NUMBER>`; Google "Install
 * Cloud Service Mesh with asmcli").
 */
export class GkeCluster extends pulumi.ComponentResource {
    public readonly cluster: gcp.container.Cluster;
    public readonly nodePools: gcp.container.NodePool[];
    /** The nodes' own service account and its role grants. */
    public readonly nodeServiceAccount: gcp.serviceaccount.Account;
    public readonly nodeServiceAccountRoles: gcp.projects.IAMMember[];
    /** With private nodes: the rule letting the control plane reach Istio's webhooks on the nodes. */
    public readonly webhookFirewall?: gcp.compute.Firewall;
    /** Cloud NAT for private nodes (router and NAT), when made here. */
    public readonly nat?: { router: gcp.compute.Router; nat: gcp.compute.RouterNat };
    /** With secretsEncryptionKey: the GKE service agent's right to use the key. */
    public readonly secretsKeyAccess?: gcp.kms.CryptoKeyIAMMember;
    /** With binaryAuthorization: the project's Binary Authorization API, enabled. */
    public readonly binaryAuthorizationApi?: gcp.projects.Service;
    /** The project number, as asmcli's `mesh_id` label uses it. */
    public readonly projectNumber: pulumi.Output<string>;
    /** A kubeconfig using gke-gcloud-auth-plugin (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:GkeCluster", name, {}, opts);
        refuseOpenControlPlane(args);

        // The project number is looked up, not asked of the user: asmcli checks mesh_id=proj-<number>.
        this.projectNumber = gcp.organizations
            .getProjectOutput({ projectId: args.project }, { parent: this })
            .apply((p) => p.number ?? "");
        // Hardening the cluster depends on (Google "Harden your cluster's security"): the KMS key's grant to the
        // GKE service agent (Google "Encrypt secrets at the application layer": the service agent
        // service-PROJECT_NUMBER@container-engine-robot.iam.gserviceaccount.com needs
        // roles/cloudkms.cryptoKeyEncrypterDecrypter), and the Binary Authorization API.
        if (args.secretsEncryptionKey !== undefined) {
            this.secretsKeyAccess = new gcp.kms.CryptoKeyIAMMember(
                `${name}-secrets-key`,
                {
                    cryptoKeyId: args.secretsEncryptionKey,
                    role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    member: pulumi.interpolate`serviceAccount:service-${this.projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
                },
                { parent: this },
            );
        }
        if (args.binaryAuthorization ?? true) {
            this.binaryAuthorizationApi = new gcp.projects.Service(
                `${name}-binauthz-api`,
                // Left enabled on destroy: other clusters of the project may enforce the same policy.
                { project: args.project, service: "binaryauthorization.googleapis.com", disableOnDestroy: false },
                { parent: this },
            );
        }
        this.cluster = createCluster(this, name, args, [this.secretsKeyAccess, this.binaryAuthorizationApi]);
        this.nodeServiceAccount = new gcp.serviceaccount.Account(
            `${name}-nodes`,
            {
                project: args.project,
                accountId: pulumi.output(args.clusterName).apply(nodeServiceAccountId),
                displayName: pulumi.interpolate`GKE nodes of ${args.clusterName} (nativemesh, least privilege)`,
            },
            { parent: this },
        );
        this.nodeServiceAccountRoles = NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-nodes-${role.replace(/^roles\//, "").replace(/\./g, "-")}`,
                    { project: args.project, role, member: this.nodeServiceAccount.member },
                    { parent: this },
                ),
        );
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

/** A public control-plane endpoint needs authorized networks; a private endpoint needs private nodes. */
function refuseOpenControlPlane(args: GkeClusterArgs): void {
    if (args.privateEndpoint && !args.privateNodes) {
        throw new Error(
            "GkeCluster privateEndpoint: needs privateNodes (a private endpoint exists only in a private cluster)",
        );
    }
    if (!args.privateEndpoint && Array.isArray(args.authorizedNetworks) && args.authorizedNetworks.length === 0) {
        throw new Error(
            "GkeCluster authorizedNetworks: empty while the control plane's endpoint is public; list the CIDRs allowed to reach it, or set privateEndpoint",
        );
    }
}

function createCluster(
    parent: GkeCluster,
    name: string,
    args: GkeClusterArgs,
    needs: Array<pulumi.Resource | undefined>,
): gcp.container.Cluster {
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
                      enablePrivateEndpoint: args.privateEndpoint ?? false,
                      masterIpv4CidrBlock: args.masterIpv4CidrBlock,
                  }
                : undefined,
            masterAuthorizedNetworksConfig: authorized.apply((nets) =>
                nets.length > 0
                    ? { cidrBlocks: nets.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })) }
                    : undefined,
            ),
            resourceLabels: parent.projectNumber.apply((n) => ({ mesh_id: `proj-${n}` })),
            // Shielded GKE nodes: nodes prove their identity to the control plane (Google "Harden your cluster's
            // security", "Use Shielded GKE Nodes").
            enableShieldedNodes: true,
            deletionProtection: args.deletionProtection,
            // Dataplane V2 enforces NetworkPolicy with eBPF (CIS GKE 1.4, 5.6.7; @pulumi/gcp container/cluster.d.ts:
            // LEGACY_DATAPATH by default, ADVANCED_DATAPATH for Dataplane V2).
            datapathProvider: (args.dataplaneV2 ?? true) ? "ADVANCED_DATAPATH" : undefined,
            // Application-layer Secrets encryption with the given Cloud KMS key (CIS GKE 1.4, 5.3.1).
            databaseEncryption:
                args.secretsEncryptionKey !== undefined
                    ? { state: "ENCRYPTED", keyName: args.secretsEncryptionKey }
                    : undefined,
            // Binary Authorization with the project's policy (CIS GKE 1.4, 5.10.5; evaluationMode DISABLED or
            // PROJECT_SINGLETON_POLICY_ENFORCE, @pulumi/gcp types ClusterBinaryAuthorization).
            binaryAuthorization:
                (args.binaryAuthorization ?? true) ? { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } : undefined,
        },
        // masterAuth holds the cluster CA and, with legacy client certificates, a client key.
        {
            parent,
            additionalSecretOutputs: ["masterAuth"],
            dependsOn: needs.filter((r): r is pulumi.Resource => r !== undefined),
        },
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
                // The nodes' own least-privilege account, not the Compute Engine default one (Editor on the
                // project). Access is then governed by its IAM roles, so the scope is cloud-platform, as Google
                // recommends with a custom service account (Google "Harden your cluster's security").
                serviceAccount: parent.nodeServiceAccount.email,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                // Secure Boot and integrity monitoring (Google "Use Shielded GKE Nodes"; Secure Boot is off by default).
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                // The legacy v0.1/v1beta1 metadata endpoints off (Google "Protect node metadata"; GKE's default,
                // stated so it stays so).
                metadata: { "disable-legacy-endpoints": "true" },
                // The firewall rule for Istio's webhooks targets the nodes by this tag.
                tags: [nodeTag(args.clusterName)],
                // With Workload Identity the GKE metadata server hides the node's credentials from pods; without it
                // GCE_METADATA is the only mode (GKE API WorkloadMetadataConfig.Mode: GKE_METADATA "can only be
                // enabled if Workload Identity is enabled"), and pods act as the least-privilege node account.
                workloadMetadataConfig: pulumi
                    .output(args.workloadIdentity)
                    .apply((on) => ({ mode: on ? "GKE_METADATA" : "GCE_METADATA" })),
            },
        },
        // The roles first: nodes that cannot write logs or pull images would fail to register.
        { parent, ignoreChanges: inChannel ? ["version"] : [], dependsOn: parent.nodeServiceAccountRoles },
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
