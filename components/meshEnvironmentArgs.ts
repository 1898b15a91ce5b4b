/**
 * The arguments of MeshEnvironment as plain interfaces: the `nativemesh:` stack configuration, key for key,
 * without unions, so that Pulumi's schema inference for TypeScript components (`@pulumi/pulumi`
 * provider/experimental analyzer: one `args` interface, no union or intersection types) can describe them to
 * every Pulumi language. Enumerations are strings here and checked by validateConfig, which also supplies the
 * defaults: a field left out means the default of the stack configuration (docs/CONFIGURATION.md).
 * test/components/meshEnvironmentArgs.spec.ts checks that these interfaces and the zod schema name the same keys.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, configKey, EnvironmentSpec, validateConfig } from "./config/config";
import type { ConfigPath } from "./config/secrets";

/** Values passed through to a Helm chart or an operator, as the chart reads them. */
// The analyzer turns `any` into pulumi.json#/Any, the schema's "any value"; `unknown` it refuses.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ValueMap = { [key: string]: any };

/** Label, annotation and other string-to-string maps. */
export type StringMap = { [key: string]: string };

/** An existing cluster, reached through a kubeconfig (`nativemesh:existing`). */
export interface ExistingClusterInput {
    /** A kubeconfig file path or its contents, as the Kubernetes provider's `kubeconfig` accepts; kept secret. */
    kubeconfig: string;
    /** The kubeconfig context to use; its current context when omitted. */
    context?: string;
}

/** A network allowed to reach the GKE control plane's public endpoint. */
export interface AuthorizedNetworkInput {
    /** The network's IPv4 CIDR, e.g. 203.0.113.0/24. */
    cidrBlock: string;
    /** A name shown in the console. */
    displayName?: string;
}

/** A GKE node pool. */
export interface GkeNodePoolInput {
    /** Node pool name (a DNS-1123 label). */
    name: string;
    /** Machine type; default e2-standard-4. */
    machineType?: string;
    /** Autoscaling minimum per zone; default 1. */
    minNodes?: number;
    /** Autoscaling maximum per zone; default 3. */
    maxNodes?: number;
    /** Boot disk size in GB, at least 10; default 100. */
    diskSizeGb?: number;
    /** Spot VMs; default false. */
    spot?: boolean;
    /** Node version; defaults to the cluster's kubernetesVersion. */
    version?: string;
}

/** A GKE cluster the environment creates (`nativemesh:gke`, with cloud `gke`). */
export interface GkeInput {
    /** GCP project id. */
    project: string;
    /** Region or zone, e.g. europe-west1. */
    location: string;
    /** Cluster name (lowercase, starts with a letter, at most 40 characters). */
    clusterName: string;
    /** Pinned control-plane version, e.g. 1.33.5-gke.1308000. */
    kubernetesVersion: string;
    /** RAPID, REGULAR, STABLE, EXTENDED or UNSPECIFIED; default REGULAR. */
    releaseChannel?: string;
    /** At least one node pool. */
    nodePools: GkeNodePoolInput[];
    /** Workload Identity; default true. */
    workloadIdentity?: boolean;
    /** Nodes without public IPs; default true. */
    privateNodes?: boolean;
    /** The control plane reachable on its private endpoint only (needs privateNodes); default false. */
    privateEndpoint?: boolean;
    /** Cloud NAT for the nodes; defaults to privateNodes. */
    cloudNat?: boolean;
    /** The control plane's /28 range for private nodes; default 172.16.0.0/28. */
    masterIpv4CidrBlock?: string;
    /** Networks allowed to reach a public endpoint; required when the endpoint is public. */
    authorizedNetworks?: AuthorizedNetworkInput[];
    /** VPC network name; the project's default network when omitted. */
    network?: string;
    /** Subnetwork name. */
    subnetwork?: string;
    /** Refuse deleting the cluster until set false; default true. */
    deletionProtection?: boolean;
    /** GKE Dataplane V2 (ADVANCED_DATAPATH), which enforces NetworkPolicy; default true. Set at creation only. */
    dataplaneV2?: boolean;
    /** A Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) encrypting Secrets at the application
     *  layer; default none (GKE's encryption at rest with Google-managed keys). */
    secretsEncryptionKey?: string;
    /** Binary Authorization enforcing the project's policy (PROJECT_SINGLETON_POLICY_ENFORCE); default true. */
    binaryAuthorization?: boolean;
}

/** A vSwitch the ACK stack creates. */
export interface AckVswitchInput {
    /** Zone id, e.g. cn-hangzhou-i. */
    zoneId: string;
    /** The vSwitch's IPv4 CIDR, inside the VPC's. */
    cidrBlock: string;
}

/** A VPC the ACK stack creates. */
export interface AckVpcCreateInput {
    /** The VPC's IPv4 CIDR. */
    cidrBlock: string;
    /** vSwitches for nodes and the control plane, one per zone. */
    vswitches: AckVswitchInput[];
    /** Terway pod vSwitches, in the zones of the node vSwitches. */
    podVswitches?: AckVswitchInput[];
}

/** The ACK cluster's network: an existing VPC (vpcId and vswitchIds) or one to create (create). */
export interface AckVpcInput {
    /** An existing VPC's id, e.g. vpc-bp1abc2def3. */
    vpcId?: string;
    /** vSwitch ids of the control plane and nodes in the existing VPC. */
    vswitchIds?: string[];
    /** A VPC to create instead. */
    create?: AckVpcCreateInput;
}

/** Autoscaling bounds of an ACK node pool. */
export interface AckAutoscalingInput {
    /** Minimum nodes, 0-1000. */
    minSize: number;
    /** Maximum nodes, 1-1000, above minSize. */
    maxSize: number;
}

/** The system disk of an ACK node pool's nodes. */
export interface AckSystemDiskInput {
    /** Disk category, e.g. cloud_essd. */
    category: string;
    /** Size in GiB, 1-2048. */
    sizeGb: number;
}

/** An ACK node pool. */
export interface AckNodePoolInput {
    /** Node pool name (a DNS-1123 label). */
    name: string;
    /** ECS instance types, e.g. ecs.g7.xlarge. */
    instanceTypes: string[];
    /** A fixed node count; or autoscaling, not both. */
    desiredSize?: number;
    /** Autoscaling bounds; or desiredSize, not both. */
    autoscaling?: AckAutoscalingInput;
    /** The nodes' system disk. */
    systemDisk?: AckSystemDiskInput;
    /** vSwitches of this pool; the cluster's when omitted. */
    vswitchIds?: string[];
    /** ECS key pair for SSH; no login when omitted. */
    keyName?: string;
}

/** An ACK managed cluster the environment creates (`nativemesh:ack`, with cloud `ack`). */
export interface AckInput {
    /** Alibaba Cloud region id, e.g. cn-hangzhou. */
    region: string;
    /** Cluster name. */
    clusterName: string;
    /** Pinned ACK version MAJOR.MINOR.PATCH[-aliyun.N], e.g. 1.30.1-aliyun.1. */
    kubernetesVersion: string;
    /** ACK cluster spec, e.g. ack.pro.small (the default). */
    clusterSpec?: string;
    /** The cluster's VPC. */
    vpc: AckVpcInput;
    /** Terway pod vSwitches of an existing VPC. */
    podVswitchIds?: string[];
    /** Flannel pod range, instead of Terway pod vSwitches. */
    podCidr?: string;
    /** Service range. */
    serviceCidr?: string;
    /** At least one node pool. */
    nodePools: AckNodePoolInput[];
    /** An Internet endpoint for the API server; default false. */
    publicApiServer?: boolean;
    /** RAM Roles for Service Accounts; default true. */
    rrsa?: boolean;
    /** Lifetime of the kubeconfig credential read for the cluster, 15-4320 minutes; default 60. */
    credentialMinutes?: number;
    /** Create a NAT gateway for the nodes; default true. */
    newNatGateway?: boolean;
    /** Refuse deleting the cluster; default true. */
    deletionProtection?: boolean;
}

/** asmcli settings (`mesh.asmcli`, with method `asmcli`). */
export interface AsmcliInput {
    /** The asmcli script; its version must equal mesh.version; default asmcli. */
    path?: string;
    /** mesh_ca, citadel, gcp_cas or managed_cas; default mesh_ca. */
    ca?: string;
    /** Fleet host project. */
    fleetId?: string;
    /** asmcli's output directory; default asm-out. */
    outputDir?: string;
    /** Let asmcli enable APIs, roles and fleet registration (--enable_all); default true. */
    enableAll?: boolean;
    /** Extra --option values, passed through. */
    options?: string[];
}

/** Alibaba Cloud Service Mesh settings (`mesh.alibaba`, with method `alibaba-asm`). */
export interface AlibabaMeshInput {
    /** ASM instance name; the cluster's name when omitted. */
    name?: string;
    /** standard, enterprise or ultimate; default enterprise. */
    clusterSpec?: string;
    /** Default or Pro; derived from clusterSpec when omitted. */
    edition?: string;
    /** The vSwitch the ASM instance attaches to; the cluster's first when omitted. */
    vswitchId?: string;
    /** Expose the ASM API server on an EIP; default false. */
    apiServerPublicEip?: boolean;
    /** Let the ACK cluster's API serve the mesh's Istio resources; default false. */
    crAggregationEnabled?: boolean;
    /** Kubeconfig of the ASM control plane instead of the instance's own; a credential, kept secret. */
    controlPlaneKubeconfig?: string;
}

/** One control-plane revision of `mesh.revisions`. */
export interface RevisionInput {
    /** Istio version of this revision, e.g. 1.31.0. */
    version: string;
    /** Its name; derived from the version when omitted (1.31.0 gives 1-31-0). */
    revision?: string;
    /** istiod values of this revision only, merged over mesh.istiodValues. */
    istiodValues?: ValueMap;
    /** A local directory with this revision's release's charts (Helm), instead of mesh.chartPath. */
    chartPath?: string;
}

/** The Istio control plane (`nativemesh:mesh`). */
export interface MeshInput {
    /** helm, asmcli or alibaba-asm (managed is accepted only for the policy pack to refuse it). */
    method: string;
    /** Istio version of the one revision, e.g. 1.28.1 (Helm) or 1.19.10-asm.26 (asmcli); or use revisions. */
    version?: string;
    /** Control-plane revision; derived from the version when omitted (1-28-1). */
    revision?: string;
    /** Several revisions side by side (Helm), instead of version. */
    revisions?: RevisionInput[];
    /** Native sidecars (ENABLE_NATIVE_SIDECARS=true); default true. */
    nativeSidecars?: boolean;
    /** Istio CNI node agent instead of istio-init, so Pod Security baseline/restricted namespaces admit meshed
     *  pods; default true. */
    cni?: boolean;
    /** Revision tags: each a tag name (pointing at the only revision) or {name, revision}. */
    // A string or an object: the schema's "any value", since inference refuses unions; validateConfig checks it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    revisionTags?: any[];
    /** The default revision (Helm): true for the only revision, false, or a revision's name; default false. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    defaultRevision?: any;
    /** Chart repository, https:// or oci://; default Istio's. */
    chartRepository?: string;
    /** A local directory holding the base and istiod charts, used instead of chartRepository. */
    chartPath?: string;
    /** The base chart's version (Helm); default the newest revision's; never below the one installed. */
    baseVersion?: string;
    /** istiod replicas, 1-10; default 2. */
    istiodReplicas?: number;
    /** Extra base-chart values, merged under nativemesh's. */
    baseValues?: ValueMap;
    /** The control plane's namespace; default istio-system. */
    namespace?: string;
    /** Extra istiod values, merged under nativemesh's. */
    istiodValues?: ValueMap;
    /** asmcli settings, with method asmcli. */
    asmcli?: AsmcliInput;
    /** Alibaba Cloud Service Mesh settings, with method alibaba-asm. */
    alibaba?: AlibabaMeshInput;
    /** Revisions the update-time guard lets go although the cluster still uses them; one removal each. */
    allowRemoval?: string[];
}

/** A namespace joined to the mesh. */
export interface NamespaceInput {
    /** Namespace name (a DNS-1123 label). */
    name: string;
    /** The revision this namespace selects (required with several revisions, unless revisionTag). */
    revision?: string;
    /** Select this revision tag instead of the revision itself. */
    revisionTag?: string;
    /** Extra labels. */
    labels?: StringMap;
    /** Extra annotations. */
    annotations?: StringMap;
    /** Pod-template annotations for this namespace's Formance stack. */
    podTemplateAnnotations?: StringMap;
}

/** The Formance operator (`formance.operator`). */
export interface FormanceOperatorInput {
    /** Install the operator and its CRDs by Helm; default true. */
    install?: boolean;
    /** Chart reference (oci://, https:// or a local directory; never http://). */
    chart?: string;
    /** Exact chart version (no range, * or latest); ignored for a local chart directory. */
    version?: string;
    /** The operator's namespace; default formance-system. */
    namespace?: string;
    /** Extra chart values. */
    values?: ValueMap;
}

/** Formance Settings that put the operator's workloads in the mesh (`nativemesh:formance`). */
export interface FormanceInput {
    /** Formance stack names the Settings apply to; default ["*"]. */
    stacks?: string[];
    /** Label namespaces the operator creates with the revision (or tag); default true. */
    namespaceLabel?: boolean;
    /** Revision to label Formance namespaces with (required with several revisions, unless a tag). */
    namespaceRevision?: string;
    /** Revision tag to label Formance namespaces with, instead of the revision. */
    namespaceRevisionTag?: string;
    /** services.<service>.annotations. */
    serviceAnnotations?: { [service: string]: StringMap };
    /** deployments.<deployment>.spec.template.annotations. */
    deploymentAnnotations?: { [deployment: string]: StringMap };
    /** jobs.<owner kind in lower case>.spec.template.annotations. */
    jobAnnotations?: { [ownerKind: string]: StringMap };
    /** The Formance operator. */
    operator?: FormanceOperatorInput;
}

/** The canary Job that proves native sidecars (`nativemesh:canary`). */
export interface CanaryInput {
    /** Run the canary; default true. */
    enabled?: boolean;
    /** The canary's namespace; default nativemesh-canary. */
    namespace?: string;
    /** Bound on the whole canary, 30-3600 s; default 300. */
    timeoutSeconds?: number;
    /** The probe's image, with a tag other than latest or a digest. */
    image?: string;
    /** What the probe must reach through the mesh; any HTTP answer counts. */
    probeUrl?: string;
    /** An egress NetworkPolicy letting the canary reach DNS, istiod (15012) and the probe; default false. */
    egressNetworkPolicy?: boolean;
}

/**
 * The whole environment, in a shape every Pulumi language can write: the keys of the `nativemesh:` stack
 * configuration, checked by the same validateConfig.
 */
export interface MeshEnvironmentInputs {
    /** Where the cluster comes from: gke, ack or existing; its section below must be set. */
    cloud: string;
    /** An existing cluster (cloud existing). */
    existing?: ExistingClusterInput;
    /** A GKE cluster to create (cloud gke). */
    gke?: GkeInput;
    /** An ACK cluster to create (cloud ack). */
    ack?: AckInput;
    /** The Istio control plane. */
    mesh: MeshInput;
    /** Namespaces joined to the mesh. */
    namespaces?: NamespaceInput[];
    /** Formance Settings; none when omitted. */
    formance?: FormanceInput;
    /** The canary Job proving native sidecars; on by default. */
    canary?: CanaryInput;
    /** Paths of values that are credentials, e.g. mesh.istiodValues.pilot.env.TOKEN or namespaces[0].annotations.key:
     *  kept secret wherever they land, never echoed in an error. */
    secretPaths?: string[];
}

/** `mesh.istiodValues.pilot` → ["mesh", "istiodValues", "pilot"]; `namespaces[0].name` → ["namespaces", 0, "name"]. */
export function parseSecretPath(text: string): ConfigPath {
    const path: (string | number)[] = [];
    for (const part of text.split(".")) {
        const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
        if (m === null || (m[1] === "" && m[2] === "")) {
            throw new ConfigError(`nativemesh:secretPaths: '${text}' is not a path such as mesh.istiodValues.pilot`);
        }
        if (m[1] !== "") path.push(m[1]);
        for (const index of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
    }
    return path;
}

/** The inputs as validateConfig reads them: nulls and undefined left out, Outputs refused (naming the key). */
function plain(value: unknown, at: (string | number)[]): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        throw new ConfigError(
            `${configKey(at)}: must be a plain value known before deployment (got an Output; a secret belongs in secretPaths)`,
        );
    }
    if (Array.isArray(value)) return value.map((v, i) => plain(v, [...at, i]));
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (v !== undefined && v !== null) out[k] = plain(v, [...at, k]);
        }
        return out;
    }
    return value;
}

/**
 * The validated spec of MeshEnvironment's inputs: the same validateConfig as the stack configuration, so errors
 * read the same (`nativemesh:mesh.version: ...`). A problem stops the program with Pulumi's RunError: one line, no
 * stack trace, no secret value.
 */
export function specFromInputs(inputs: MeshEnvironmentInputs): EnvironmentSpec {
    try {
        const { secretPaths, ...config } = inputs;
        const paths = (secretPaths ?? []).map(parseSecretPath);
        return validateConfig(plain(config, []), { secretPaths: paths });
    } catch (err) {
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}
