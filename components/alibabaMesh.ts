import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ASM_CLUSTER_SPECS, ASM_EDITIONS, asmEditionFor } from "./config/ackConfig";
import { REVISION_LABEL } from "./render/revisionLabel";
import { isDns1123Label, parseVersion } from "../policy/facts/versions";

/** ASM's legacy injection label: `istio-injection=enabled` selects the stable control plane (Alibaba "Use canary
 *  mode to enhance upgrade stability": equivalent to `istio.io/rev: stable`). */
export const ASM_INJECTION_LABEL = "istio-injection";

/** The mesh-wide ASM switch: the cluster-scoped `ASMMeshConfig` named `default` (Alibaba "Deploy mesh proxy in
 *  native sidecar mode"; ASM ignores any other name, Alibaba "ASMMeshConfig CRD reference"; docs/ALIBABA.md). */
export const ASM_MESH_CONFIG = {
    apiVersion: "istio.alibabacloud.com/v1beta1",
    kind: "ASMMeshConfig",
    name: "default",
} as const;

export interface AlibabaMeshArgs {
    /** ASM version exactly as `alicloud.servicemesh.getVersions` lists it, e.g. `v1.22.2.35-ge64ec8af-aliyun`
     *  (≥ 1.22 for native sidecars by default; the policy pack judges it, not this component). */
    version: string;
    /** Instance specification: `standard`, `enterprise` or `ultimate`. */
    clusterSpec: (typeof ASM_CLUSTER_SPECS)[number];
    /** Edition (`Default` or `Pro`); derived from `clusterSpec` when omitted. */
    edition?: (typeof ASM_EDITIONS)[number];
    /** ASM instance name. */
    name?: pulumi.Input<string>;
    /** VPC of the ACK cluster. */
    vpcId: pulumi.Input<string>;
    /** The vSwitch the ASM instance attaches to (the provider's `network.vswitcheList` holds exactly one). */
    vswitchId: pulumi.Input<string>;
    /** ACK cluster ids joined to the mesh as its data plane (at least one). */
    clusterIds: pulumi.Input<string>[];
    /** Expose the ASM API server on an EIP. */
    apiServerPublicEip?: pulumi.Input<boolean>;
    /** Serve the mesh's Istio resources through the data-plane clusters' own API servers. */
    crAggregationEnabled?: pulumi.Input<boolean>;
    /** `spec.enableNativeSidecar` of the ASMMeshConfig; true unless the stack opts out. */
    nativeSidecars?: boolean;
    /** ASM's CNI plug-in instead of the istio-init container (`meshConfig.sidecarInjector.initCniConfiguration`). */
    cni?: boolean;
    /** An ASM revision (`stable`, `canary`, `1-23-6`) namespaces select with `istio.io/rev`; without one they
     *  are labelled `istio-injection=enabled`. Only Enterprise and Ultimate instances run revisions. */
    revision?: string;
    /** Kubeconfig for the ASM control plane; the instance's own `kubeconfig` attribute (a VPC-internal endpoint)
     *  when omitted. */
    controlPlaneKubeconfig?: pulumi.Input<string>;
    /** The region-pinned provider of the cluster (AckCluster.alicloudProvider). */
    alicloudProvider?: alicloud.Provider;
}

/**
 * An Alibaba Service Mesh instance managing an ACK cluster, with native sidecars switched on mesh-wide.
 *
 * ServiceMesh has no native-sidecar argument (servicemesh/serviceMesh.d.ts, ServiceMeshArgs); the switch is `spec.enableNativeSidecar` of the
 * `ASMMeshConfig` named `default`, which lives on the ASM control plane (the instance's own API server), not
 * in the ACK cluster. Injection itself is selected by labels on the data-plane (ACK) namespaces.
 */
export class AlibabaMesh extends pulumi.ComponentResource {
    public readonly serviceMesh: alicloud.servicemesh.ServiceMesh;
    /** The `ASMMeshConfig` named `default` on the ASM control plane. */
    public readonly meshConfig: k8s.apiextensions.CustomResource;
    /** Kubeconfig of the ASM control plane (secret). */
    public readonly controlPlaneKubeconfig: pulumi.Output<string>;
    /** Kubernetes provider for the ASM control plane (ASM custom resources, Istio resources). */
    public readonly controlPlaneProvider: k8s.Provider;
    /** The ASM version as given. */
    public readonly version: string;
    /** The ASM revision namespaces select, if any. */
    public readonly revision?: string;

    constructor(name: string, args: AlibabaMeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:AlibabaMesh", name, {}, opts);
        refuseInvalidArgs(args);
        this.version = args.version;
        this.revision = args.revision;

        this.serviceMesh = createServiceMesh(this, name, args);
        this.controlPlaneKubeconfig = pulumi.secret(args.controlPlaneKubeconfig ?? this.serviceMesh.kubeconfig);
        this.controlPlaneProvider = new k8s.Provider(
            `${name}-asm`,
            // ASM keeps its own `default` ASMMeshConfig. The Kubernetes provider creates with server-side apply (its
            // default), a PATCH that adopts an object that already exists (pulumi/pulumi-kubernetes
            // provider/pkg/await/await.go, 4.25: "we currently always upsert the object").
            { kubeconfig: this.controlPlaneKubeconfig },
            { parent: this },
        );
        this.meshConfig = createMeshConfig(this, name, args.nativeSidecars ?? true);
        this.registerOutputs({
            serviceMesh: this.serviceMesh,
            controlPlaneKubeconfig: this.controlPlaneKubeconfig,
            version: this.version,
            revision: this.revision,
        });
    }

    /** Labels that put a data-plane namespace into this mesh: `istio.io/rev=<revision or tag>` when one is
     *  given or the mesh has a revision, otherwise `istio-injection=enabled`. Never both: `istio-injection`
     *  would override `istio.io/rev` (the revision webhooks require it absent; docs/ALIBABA.md). */
    public injectionLabels(revisionOrTag?: string): Record<string, string> {
        const selected = revisionOrTag ?? this.revision;
        return selected === undefined ? { [ASM_INJECTION_LABEL]: "enabled" } : { [REVISION_LABEL]: selected };
    }
}

function refuseInvalidArgs(args: AlibabaMeshArgs): void {
    const version = parseVersion(args.version);
    if (version === undefined) {
        throw new Error(
            `AlibabaMesh version: "${args.version}" is not a version; give it as ASM lists it, e.g. "v1.22.2.35-ge64ec8af-aliyun"`,
        );
    }
    if (args.clusterIds.length === 0) {
        throw new Error("AlibabaMesh clusterIds: empty; the mesh needs the ACK cluster as its data plane");
    }
    if (args.edition !== undefined && args.edition !== asmEditionFor(args.clusterSpec)) {
        throw new Error(`AlibabaMesh edition: ${args.edition} does not go with clusterSpec ${args.clusterSpec}`);
    }
    if (args.revision !== undefined) {
        if (!isDns1123Label(args.revision)) {
            throw new Error(
                `AlibabaMesh revision: "${args.revision}" is not a DNS-1123 label such as stable, canary or 1-23-6`,
            );
        }
        // Revision-based (canary) upgrades need an Enterprise or Ultimate instance (Alibaba "Use canary mode to
        // enhance upgrade stability", prerequisites).
        if (args.clusterSpec === "standard") {
            throw new Error(
                `AlibabaMesh revision: "${args.revision}" needs clusterSpec enterprise or ultimate; standard instances have no revisions`,
            );
        }
    }
}

function createServiceMesh(parent: AlibabaMesh, name: string, args: AlibabaMeshArgs): alicloud.servicemesh.ServiceMesh {
    return new alicloud.servicemesh.ServiceMesh(
        name,
        {
            serviceMeshName: args.name,
            edition: args.edition ?? asmEditionFor(args.clusterSpec),
            clusterSpec: args.clusterSpec,
            version: args.version,
            // `vswitcheList` is the provider's spelling; it is a one-item list upstream, a string here.
            network: { vpcId: args.vpcId, vswitcheList: args.vswitchId },
            clusterIds: args.clusterIds,
            loadBalancer: { apiServerPublicEip: args.apiServerPublicEip ?? false },
            extraConfiguration: { crAggregationEnabled: args.crAggregationEnabled ?? false },
            // ASM's CNI plug-in replaces istio-init (NET_ADMIN) so Pod Security baseline/restricted namespaces admit
            // meshed pods (Alibaba "Enable the CNI plug-in to improve security"; the provider's
            // ServiceMeshMeshConfigSidecarInjectorInitCniConfiguration).
            ...(args.cni ? { meshConfig: { sidecarInjector: { initCniConfiguration: { enabled: true } } } } : {}),
        },
        // The control plane's admin kubeconfig: neither the provider nor the SDK marks it secret.
        { parent, provider: args.alicloudProvider, additionalSecretOutputs: ["kubeconfig"] },
    );
}

function createMeshConfig(
    parent: AlibabaMesh,
    name: string,
    nativeSidecars: boolean,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        `${name}-meshconfig`,
        {
            apiVersion: ASM_MESH_CONFIG.apiVersion,
            kind: ASM_MESH_CONFIG.kind,
            // Cluster-scoped: no namespace.
            metadata: {
                name: ASM_MESH_CONFIG.name,
                // ASM's own controller may own fields of this object; we take ownership of the ones we set.
                annotations: { "pulumi.com/patchForce": "true" },
            },
            spec: { enableNativeSidecar: nativeSidecars },
        },
        // ASM created the object, not us: `pulumi destroy` leaves it (and the mesh's settings) in place.
        { parent, provider: parent.controlPlaneProvider, retainOnDelete: true },
    );
}
