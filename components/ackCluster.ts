import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A vSwitch the stack creates. */
export interface AckVswitchArgs {
    /** Zone of the vSwitch, e.g. `cn-hangzhou-i`. */
    zoneId: pulumi.Input<string>;
    /** Its range, inside the VPC's. */
    cidrBlock: pulumi.Input<string>;
}

/** Where the cluster lives: an existing VPC (`vpcId`, `vswitchIds`) or one created here (`create`). */
export interface AckVpcArgs {
    /** Existing VPC id (`vpc-...`). */
    vpcId?: pulumi.Input<string>;
    /** Existing vSwitch ids (`vsw-...`) for the control plane and, by default, the nodes. */
    vswitchIds?: pulumi.Input<string>[];
    /** A VPC to create, with its node vSwitches and optional Terway pod vSwitches. */
    create?: { cidrBlock: pulumi.Input<string>; vswitches: AckVswitchArgs[]; podVswitches?: AckVswitchArgs[] };
}

/** One ACK node pool. */
export interface AckNodePoolArgs {
    /** Node pool name (DNS-1123 label; also names the Pulumi resource). */
    name: string;
    /** ECS instance types, tried in order, e.g. `ecs.g7.xlarge`. */
    instanceTypes: pulumi.Input<string>[];
    /** Fixed node count (exclusive with `autoscaling`). */
    desiredSize?: number;
    /** Autoscaling range (exclusive with `desiredSize`). */
    autoscaling?: { minSize: number; maxSize: number };
    /** System disk; ACK's default category and size when omitted. */
    systemDisk?: { category: pulumi.Input<string>; sizeGb: pulumi.Input<number> };
    /** vSwitches of this pool; the cluster's when omitted. */
    vswitchIds?: pulumi.Input<string>[];
    /** ECS key pair for SSH logins. */
    keyName?: pulumi.Input<string>;
}

export interface AckClusterArgs {
    /** Alibaba Cloud region, e.g. `cn-hangzhou`; the component's own alicloud provider uses it. */
    region: pulumi.Input<string>;
    /** ACK cluster name. */
    clusterName: pulumi.Input<string>;
    /** Pinned Kubernetes version, e.g. `1.30.1-aliyun.1` (ACK needs ≥ 1.30 for native sidecars; docs/ALIBABA.md). */
    kubernetesVersion: pulumi.Input<string>;
    /** Cluster specification, e.g. `ack.pro.small`. */
    clusterSpec: pulumi.Input<string>;
    /** The VPC: existing or created. */
    vpc: AckVpcArgs;
    /** Terway pod vSwitches of an existing VPC. */
    podVswitchIds?: pulumi.Input<string>[];
    /** Flannel pod range (instead of Terway pod vSwitches). */
    podCidr?: pulumi.Input<string>;
    /** Service range; ACK picks one when omitted. */
    serviceCidr?: pulumi.Input<string>;
    /** Worker node pools (at least one). */
    nodePools: AckNodePoolArgs[];
    /** Internet endpoint for the API server, so the kubeconfig works from outside the VPC; off when omitted
     *  (a public API server is reachable by anyone holding a credential). */
    publicApiServer?: pulumi.Input<boolean>;
    /** RAM Roles for Service Accounts (pods get short-lived RAM credentials by OIDC); on when omitted. */
    rrsa?: pulumi.Input<boolean>;
    /** Create a NAT gateway for the nodes' outbound traffic. */
    newNatGateway?: pulumi.Input<boolean>;
    /** Refuse deleting the cluster (production). */
    deletionProtection: pulumi.Input<boolean>;
    /** Lifetime of the kubeconfig credential in minutes (15-4320); 60 when omitted. */
    credentialMinutes?: number;
}

// The cluster credential's allowed lifetime (@pulumi/alicloud cs/getClusterCredential.d.ts,
// `temporaryDurationMinutes`: 15 to 4320). Short by default: the credential is read again on every run.
const CREDENTIAL_MINUTES = { min: 15, max: 4320, default: 60 };

/** The cluster's outputs that hold credentials (@pulumi/alicloud cs/managedKubernetes.d.ts), kept secret in
 *  state: the provider marks only some of them sensitive. */
export const ACK_CREDENTIAL_OUTPUTS = ["certificateAuthority", "clientCert", "clientKey"];

/**
 * An ACK managed cluster for native sidecars: version pinned, control plane on `vswitchIds` (not the deprecated
 * `workerVswitchIds`, deprecated since provider 1.241.0, cs/managedKubernetes.d.ts), workers in node pools, and a kubeconfig read through the cluster credential
 * invoke that provider 1.248+ recommends instead of the cluster's deprecated certificate attributes.
 */
export class AckCluster extends pulumi.ComponentResource {
    public readonly cluster: alicloud.cs.ManagedKubernetes;
    public readonly nodePools: alicloud.cs.NodePool[];
    /** Provider pinned to `region`; pass it to other Alibaba resources of this environment (AlibabaMesh). */
    public readonly alicloudProvider: alicloud.Provider;
    /** The VPC created here, when `vpc.create` was given. */
    public readonly vpc?: alicloud.vpc.Network;
    public readonly vpcId: pulumi.Output<string>;
    /** Control-plane (and default node) vSwitch ids. */
    public readonly vswitchIds: pulumi.Output<string[]>;
    /** Terway pod vSwitch ids (empty with Flannel). */
    public readonly podVswitchIds: pulumi.Output<string[]>;
    /** Kubeconfig of the cluster (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider for the cluster; it waits for the node pools. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: AckClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:AckCluster", name, {}, opts);
        refuseInvalidArgs(args);

        this.alicloudProvider = new alicloud.Provider(`${name}-alicloud`, { region: args.region }, { parent: this });
        const network = createNetwork(this, name, args);
        this.vpc = network.vpc;
        this.vpcId = network.vpcId;
        this.vswitchIds = network.vswitchIds;
        this.podVswitchIds = network.podVswitchIds;

        this.cluster = createCluster(this, name, args);
        this.nodePools = args.nodePools.map((pool) => createNodePool(this, name, pool));
        this.kubeconfig = clusterKubeconfig(this, args.credentialMinutes);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig },
            { parent: this, dependsOn: this.nodePools },
        );
        this.registerOutputs({
            cluster: this.cluster,
            nodePools: this.nodePools,
            vpcId: this.vpcId,
            vswitchIds: this.vswitchIds,
            podVswitchIds: this.podVswitchIds,
            kubeconfig: this.kubeconfig,
        });
    }
}

/** What the validated config already guarantees, checked again for callers who build args by hand. */
function refuseInvalidArgs(args: AckClusterArgs): void {
    const { vpc } = args;
    if (args.nodePools.length === 0) {
        throw new Error("AckCluster nodePools: empty; at least one node pool is needed to run workloads");
    }
    if ((vpc.create !== undefined) === (vpc.vpcId !== undefined || vpc.vswitchIds !== undefined)) {
        throw new Error(
            "AckCluster vpc: give either vpcId and vswitchIds (existing VPC) or create (new VPC), exactly one",
        );
    }
    if (vpc.create === undefined && (vpc.vpcId === undefined || (vpc.vswitchIds ?? []).length === 0)) {
        throw new Error("AckCluster vpc: an existing VPC needs both vpcId and at least one vswitchIds entry");
    }
    if (vpc.create !== undefined && vpc.create.vswitches.length === 0) {
        throw new Error("AckCluster vpc.create.vswitches: empty; at least one {zoneId, cidrBlock} is needed");
    }
    const terway = (args.podVswitchIds ?? vpc.create?.podVswitches ?? []).length > 0;
    if (terway === (args.podCidr !== undefined)) {
        throw new Error("AckCluster pod network: give Terway pod vSwitches or a Flannel podCidr, exactly one");
    }
    for (const pool of args.nodePools) {
        if ((pool.desiredSize === undefined) === (pool.autoscaling === undefined)) {
            throw new Error(`AckCluster nodePools ${pool.name}: give desiredSize or autoscaling, exactly one`);
        }
    }
    const minutes = args.credentialMinutes;
    if (
        minutes !== undefined &&
        !(Number.isInteger(minutes) && minutes >= CREDENTIAL_MINUTES.min && minutes <= CREDENTIAL_MINUTES.max)
    ) {
        throw new Error(
            `AckCluster credentialMinutes: ${minutes} is outside ${CREDENTIAL_MINUTES.min}-${CREDENTIAL_MINUTES.max} (whole minutes)`,
        );
    }
}

interface AckNetwork {
    vpc?: alicloud.vpc.Network;
    vpcId: pulumi.Output<string>;
    vswitchIds: pulumi.Output<string[]>;
    podVswitchIds: pulumi.Output<string[]>;
}

function createNetwork(parent: AckCluster, name: string, args: AckClusterArgs): AckNetwork {
    const { create } = args.vpc;
    if (create === undefined) {
        return {
            vpcId: pulumi.output(args.vpc.vpcId ?? ""),
            vswitchIds: pulumi.output(args.vpc.vswitchIds ?? []),
            podVswitchIds: pulumi.output(args.podVswitchIds ?? []),
        };
    }
    const opts = { parent, provider: parent.alicloudProvider };
    const vpc = new alicloud.vpc.Network(
        `${name}-vpc`,
        { vpcName: args.clusterName, cidrBlock: create.cidrBlock },
        opts,
    );
    const vswitch = (kind: string, spec: AckVswitchArgs, i: number) =>
        new alicloud.vpc.Switch(
            `${name}-${kind}-${i}`,
            {
                vpcId: vpc.id,
                zoneId: spec.zoneId,
                cidrBlock: spec.cidrBlock,
                vswitchName: pulumi.interpolate`${args.clusterName}-${kind}-${i}`,
            },
            opts,
        );
    const nodeSwitches = create.vswitches.map((spec, i) => vswitch("vsw", spec, i));
    const podSwitches = (create.podVswitches ?? []).map((spec, i) => vswitch("pod-vsw", spec, i));
    return {
        vpc,
        vpcId: vpc.id,
        vswitchIds: pulumi.all(nodeSwitches.map((s) => s.id)),
        podVswitchIds: pulumi.all(podSwitches.map((s) => s.id)),
    };
}

function createCluster(parent: AckCluster, name: string, args: AckClusterArgs): alicloud.cs.ManagedKubernetes {
    const terway = args.podCidr === undefined;
    return new alicloud.cs.ManagedKubernetes(
        name,
        {
            name: args.clusterName,
            clusterSpec: args.clusterSpec,
            // Pinned: ACK never upgrades a cluster whose version is set, and never downgrades (provider docs).
            version: args.kubernetesVersion,
            // The control plane's vSwitches; `workerVswitchIds` is deprecated since provider 1.241.0.
            vswitchIds: parent.vswitchIds,
            podVswitchIds: terway ? parent.podVswitchIds : undefined,
            podCidr: args.podCidr,
            serviceCidr: args.serviceCidr,
            // Terway pairs with pod vSwitches, Flannel with a pod CIDR (provider examples and ACK Terraform modules).
            addons: [{ name: terway ? "terway-eniip" : "flannel" }],
            slbInternetEnabled: args.publicApiServer ?? false,
            enableRrsa: args.rrsa ?? true,
            newNatGateway: args.newNatGateway,
            // Keep CA data out of the deprecated `certificateAuthority` attribute; the credential invoke returns it.
            skipSetCertificateAuthority: true,
            deletionProtection: args.deletionProtection,
        },
        { parent, provider: parent.alicloudProvider, additionalSecretOutputs: ACK_CREDENTIAL_OUTPUTS },
    );
}

function createNodePool(parent: AckCluster, name: string, pool: AckNodePoolArgs): alicloud.cs.NodePool {
    return new alicloud.cs.NodePool(
        `${name}-${pool.name}`,
        {
            clusterId: parent.cluster.id,
            nodePoolName: pool.name,
            vswitchIds: pool.vswitchIds ?? parent.vswitchIds,
            instanceTypes: pool.instanceTypes,
            // The provider types desiredSize as a string.
            desiredSize: pool.desiredSize === undefined ? undefined : String(pool.desiredSize),
            scalingConfig:
                pool.autoscaling === undefined
                    ? undefined
                    : { enable: true, minSize: pool.autoscaling.minSize, maxSize: pool.autoscaling.maxSize },
            systemDiskCategory: pool.systemDisk?.category,
            systemDiskSize: pool.systemDisk?.sizeGb,
            keyName: pool.keyName,
        },
        { parent, provider: parent.alicloudProvider },
    );
}

/** The cluster's kubeconfig from `alicloud.cs.getClusterCredential`, marked secret. Read on every run, so an
 *  expired temporary credential is replaced by a fresh one. */
function clusterKubeconfig(parent: AckCluster, credentialMinutes: number | undefined): pulumi.Output<string> {
    const credential = alicloud.cs.getClusterCredentialOutput(
        {
            clusterId: parent.cluster.id,
            temporaryDurationMinutes: credentialMinutes ?? CREDENTIAL_MINUTES.default,
        },
        { parent, provider: parent.alicloudProvider },
    );
    return pulumi.secret(credential.kubeConfig);
}
