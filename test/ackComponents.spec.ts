import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as AckClusterModule from "../components/ackCluster";
import type * as AlibabaMeshModule from "../components/alibabaMesh";
import type { AckConfig } from "../components/config/ackConfig";
import { sharedSchemasAvailable, validateManifest } from "./support/schemas";

// AckCluster and AlibabaMesh under Pulumi's mocks: every resource registration and invoke is recorded, and
// the tests assert what was asked of the providers.

interface Registration {
    type: string;
    name: string;
    /** false for component resources. */
    custom: boolean;
    inputs: Record<string, unknown>;
    provider?: string;
    id: string;
}

interface Invoke {
    token: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

const ACK_KUBECONFIG = "apiVersion: v1\nkind: Config\n# ack credential\n";
const ASM_KUBECONFIG = "apiVersion: v1\nkind: Config\n# asm control plane\n";

const registrations: Registration[] = [];
const invokes: Invoke[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        // Ids name the type too, so a test cannot pass by matching a same-named resource of another type.
        const id = `${args.type.split(":").pop()}-${args.name}`;
        registrations.push({
            type: args.type,
            name: args.name,
            custom: args.custom ?? true,
            inputs: args.inputs,
            provider: args.provider,
            id,
        });
        // ServiceMesh outputs its control plane's kubeconfig; everything else echoes its inputs.
        const extra =
            args.type === "alicloud:servicemesh/serviceMesh:ServiceMesh" ? { kubeconfig: ASM_KUBECONFIG } : {};
        return { id, state: { ...args.inputs, ...extra } };
    },
    call(args) {
        invokes.push({ token: args.token, inputs: args.inputs, provider: args.provider });
        if (args.token === "alicloud:cs/getClusterCredential:getClusterCredential") {
            return { clusterId: args.inputs.clusterId, kubeConfig: ACK_KUBECONFIG, expiration: "2030-01-01T00:00:00Z" };
        }
        return {};
    },
};

const settled = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

/** The custom resource (not a component) registered under `name`. */
const byName = (name: string): Registration => {
    const found = registrations.find((r) => r.name === name && r.custom);
    assert.ok(found, `no resource named ${name}; have ${registrations.map((r) => r.name).join(", ")}`);
    return found;
};
/** Secret inputs reach the mocks wrapped in Pulumi's secret envelope; unwrap them. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const plain = (value: unknown): unknown =>
    typeof value === "object" && value !== null && SECRET_SIG in value
        ? (value as Record<string, unknown>).value
        : value;

const ofType = (type: string, prefix: string): Registration[] =>
    registrations.filter((r) => r.type === type && r.name.startsWith(prefix));

const MANAGED_KUBERNETES = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const NODE_POOL = "alicloud:cs/nodePool:NodePool";
const SERVICE_MESH = "alicloud:servicemesh/serviceMesh:ServiceMesh";
const ASM_MESH_CONFIG = "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig";

// A validated `nativemesh:ack` section, as config.ts hands it over.
const ackSection: AckConfig = {
    region: "cn-hangzhou",
    clusterName: "mesh-prod",
    kubernetesVersion: "1.30.1-aliyun.1",
    clusterSpec: "ack.pro.small",
    vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1", "vsw-bp1node2"] },
    podVswitchIds: ["vsw-bp1pod1"],
    nodePools: [
        {
            name: "general",
            instanceTypes: ["ecs.g7.xlarge"],
            desiredSize: 2,
            systemDisk: { category: "cloud_essd", sizeGb: 120 },
        },
        { name: "burst", instanceTypes: ["ecs.c7.2xlarge", "ecs.c6.2xlarge"], autoscaling: { minSize: 0, maxSize: 4 } },
    ],
    publicApiServer: true,
    rrsa: true,
    credentialMinutes: 60,
    newNatGateway: false,
    deletionProtection: true,
};

describe("ACK components under Pulumi mocks", function () {
    let ackModule: typeof AckClusterModule;
    let meshModule: typeof AlibabaMeshModule;

    before(async function () {
        await pulumi.runtime.setMocks(mocks, "nativemesh", "ack-test", false);
        // Loaded only after setMocks. `await import()` would go to Node's ESM loader, which mocha's tsx/cjs hook
        // does not cover, so the modules are required here instead.
        /* eslint-disable @typescript-eslint/no-require-imports */
        ackModule = require("../components/ackCluster") as typeof AckClusterModule;
        meshModule = require("../components/alibabaMesh") as typeof AlibabaMeshModule;
        /* eslint-enable @typescript-eslint/no-require-imports */
    });

    describe("AckCluster on an existing VPC", function () {
        let ack: AckClusterModule.AckCluster;

        before(async function () {
            ack = new ackModule.AckCluster("prod", ackSection);
            await settled(pulumi.all([ack.provider.urn, ...ack.nodePools.map((p) => p.urn)]));
        });

        it("creates one ManagedKubernetes pinned at the configured version, with the configured spec", function () {
            const clusters = ofType(MANAGED_KUBERNETES, "prod");
            assert.strictEqual(clusters.length, 1);
            const { inputs } = clusters[0];
            assert.strictEqual(inputs.version, "1.30.1-aliyun.1");
            assert.strictEqual(inputs.name, "mesh-prod");
            assert.strictEqual(inputs.clusterSpec, "ack.pro.small");
            assert.strictEqual(inputs.deletionProtection, true);
            assert.strictEqual(inputs.slbInternetEnabled, true);
            assert.strictEqual(inputs.newNatGateway, false);
        });

        it("puts the control plane on vswitchIds, never the deprecated workerVswitchIds", function () {
            const { inputs } = byName("prod");
            assert.deepStrictEqual(inputs.vswitchIds, ["vsw-bp1node1", "vsw-bp1node2"]);
            assert.ok(!("workerVswitchIds" in inputs), "workerVswitchIds was set");
        });

        it("gives Terway its pod vSwitches and the terway-eniip addon", function () {
            const { inputs } = byName("prod");
            assert.deepStrictEqual(inputs.podVswitchIds, ["vsw-bp1pod1"]);
            assert.deepStrictEqual(inputs.addons, [{ name: "terway-eniip" }]);
            assert.ok(!("podCidr" in inputs), "podCidr was set with Terway");
        });

        it("attaches every node pool to the cluster's id", function () {
            const pools = ofType(NODE_POOL, "prod-");
            assert.deepStrictEqual(pools.map((p) => p.name).sort(), ["prod-burst", "prod-general"]);
            for (const pool of pools) assert.strictEqual(pool.inputs.clusterId, byName("prod").id);
        });

        it("sizes a fixed pool with desiredSize and an autoscaled pool with scalingConfig", function () {
            const general = byName("prod-general").inputs;
            assert.strictEqual(general.desiredSize, "2");
            assert.strictEqual(general.scalingConfig, undefined);
            assert.strictEqual(general.systemDiskCategory, "cloud_essd");
            assert.strictEqual(general.systemDiskSize, 120);
            assert.deepStrictEqual(general.vswitchIds, ["vsw-bp1node1", "vsw-bp1node2"]);
            const burst = byName("prod-burst").inputs;
            assert.strictEqual(burst.desiredSize, undefined);
            assert.deepStrictEqual(burst.scalingConfig, { enable: true, minSize: 0, maxSize: 4 });
            assert.deepStrictEqual(burst.instanceTypes, ["ecs.c7.2xlarge", "ecs.c6.2xlarge"]);
        });

        it("creates Alibaba resources through a provider pinned to the configured region", function () {
            const provider = byName("prod-alicloud");
            assert.strictEqual(provider.type, "pulumi:providers:alicloud");
            assert.strictEqual(provider.inputs.region, "cn-hangzhou");
            for (const r of [...ofType(MANAGED_KUBERNETES, "prod"), ...ofType(NODE_POOL, "prod-")]) {
                assert.ok(r.provider?.includes("::prod-alicloud::"), `${r.name} uses ${r.provider}`);
            }
        });

        it("reads the kubeconfig through the cluster credential invoke and keeps it secret", async function () {
            const credential = invokes.filter(
                (i) => i.token === "alicloud:cs/getClusterCredential:getClusterCredential",
            );
            assert.ok(
                credential.some((i) => i.inputs.clusterId === byName("prod").id),
                JSON.stringify(credential),
            );
            assert.strictEqual(await settled(ack.kubeconfig), ACK_KUBECONFIG);
            assert.strictEqual(await pulumi.isSecret(ack.kubeconfig), true);
        });

        it("builds the Kubernetes provider from that kubeconfig", function () {
            const provider = byName("prod-k8s");
            assert.strictEqual(provider.type, "pulumi:providers:kubernetes");
            assert.strictEqual(plain(provider.inputs.kubeconfig), ACK_KUBECONFIG);
        });

        it("creates no VPC when one is given", function () {
            assert.strictEqual(ofType("alicloud:vpc/network:Network", "prod").length, 0);
            assert.strictEqual(ack.vpc, undefined);
        });
    });

    describe("AckCluster creating its VPC, with Flannel", function () {
        before(async function () {
            const ack = new ackModule.AckCluster("fresh", {
                ...ackSection,
                clusterName: "mesh-fresh",
                vpc: {
                    create: {
                        cidrBlock: "10.0.0.0/8",
                        vswitches: [
                            { zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" },
                            { zoneId: "cn-hangzhou-j", cidrBlock: "10.2.0.0/16" },
                        ],
                    },
                },
                podVswitchIds: undefined,
                podCidr: "172.20.0.0/16",
            });
            await settled(pulumi.all([ack.provider.urn, ack.vpcId]));
        });

        it("creates the VPC and its vSwitches and puts the cluster on them", function () {
            const vpc = byName("fresh-vpc");
            assert.strictEqual(vpc.type, "alicloud:vpc/network:Network");
            assert.strictEqual(vpc.inputs.cidrBlock, "10.0.0.0/8");
            const switches = ofType("alicloud:vpc/switch:Switch", "fresh-");
            assert.deepStrictEqual(switches.map((s) => s.inputs.zoneId).sort(), ["cn-hangzhou-i", "cn-hangzhou-j"]);
            for (const s of switches) assert.strictEqual(s.inputs.vpcId, vpc.id);
            assert.deepStrictEqual(byName("fresh").inputs.vswitchIds, ["Switch-fresh-vsw-0", "Switch-fresh-vsw-1"]);
        });

        it("gives Flannel its pod CIDR and addon, and no pod vSwitches", function () {
            const { inputs } = byName("fresh");
            assert.strictEqual(inputs.podCidr, "172.20.0.0/16");
            assert.deepStrictEqual(inputs.addons, [{ name: "flannel" }]);
            assert.ok(!("podVswitchIds" in inputs), "podVswitchIds was set with Flannel");
        });
    });

    describe("AckCluster refuses", function () {
        const refusals: Array<[string, Partial<AckClusterModule.AckClusterArgs>, RegExp]> = [
            ["a cluster without node pools", { nodePools: [] }, /nodePools: empty/],
            ["Terway and Flannel together", { podCidr: "172.20.0.0/16" }, /pod network/],
            ["no pod network", { podVswitchIds: undefined }, /pod network/],
            ["an existing VPC without vSwitches", { vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: [] } }, /vpc/],
            [
                "a pool with both sizes",
                {
                    nodePools: [
                        {
                            name: "x",
                            instanceTypes: ["ecs.g7.xlarge"],
                            desiredSize: 1,
                            autoscaling: { minSize: 1, maxSize: 2 },
                        },
                    ],
                },
                /nodePools x/,
            ],
            ["a credential lifetime outside 15-4320 minutes", { credentialMinutes: 5 }, /credentialMinutes: 5/],
        ];
        for (const [what, change, message] of refusals) {
            it(what, function () {
                assert.throws(
                    () => new ackModule.AckCluster(`refused-${what.length}`, { ...ackSection, ...change }),
                    message,
                );
            });
        }
    });

    describe("AlibabaMesh joined to the ACK cluster", function () {
        let mesh: AlibabaMeshModule.AlibabaMesh;

        before(async function () {
            const ack = new ackModule.AckCluster("asm", { ...ackSection, clusterName: "mesh-asm" });
            mesh = new meshModule.AlibabaMesh("asm-mesh", {
                version: "v1.22.2.35-ge64ec8af-aliyun",
                clusterSpec: "enterprise",
                name: "mesh-asm",
                vpcId: ack.vpcId,
                vswitchId: ack.vswitchIds.apply((ids) => ids[0]),
                clusterIds: [ack.cluster.id],
                alicloudProvider: ack.alicloudProvider,
            });
            await settled(pulumi.all([mesh.meshConfig.urn, mesh.controlPlaneProvider.urn]));
        });

        it("creates one ServiceMesh at the given version whose clusterIds reference the ACK cluster", function () {
            const meshes = ofType(SERVICE_MESH, "asm-mesh");
            assert.strictEqual(meshes.length, 1);
            const { inputs, provider } = meshes[0];
            assert.strictEqual(inputs.version, "v1.22.2.35-ge64ec8af-aliyun");
            assert.deepStrictEqual(inputs.clusterIds, [byName("asm").id]);
            assert.strictEqual(inputs.edition, "Pro");
            assert.strictEqual(inputs.clusterSpec, "enterprise");
            assert.deepStrictEqual(inputs.network, { vpcId: "vpc-bp1abc2def3", vswitcheList: "vsw-bp1node1" });
            assert.ok(provider?.includes("::asm-alicloud::"), `ServiceMesh uses ${provider}`);
        });

        it("applies the cluster-scoped ASMMeshConfig named default with enableNativeSidecar true", function () {
            const configs = ofType(ASM_MESH_CONFIG, "asm-mesh");
            assert.strictEqual(configs.length, 1);
            const { inputs } = configs[0];
            assert.strictEqual(inputs.apiVersion, "istio.alibabacloud.com/v1beta1");
            assert.strictEqual(inputs.kind, "ASMMeshConfig");
            const metadata = inputs.metadata as Record<string, unknown>;
            assert.strictEqual(metadata.name, "default");
            assert.ok(!("namespace" in metadata), "ASMMeshConfig is cluster-scoped but got a namespace");
            assert.deepStrictEqual(inputs.spec, { enableNativeSidecar: true });
        });

        it("renders an ASMMeshConfig that passes the strict schema check", function () {
            if (!sharedSchemasAvailable()) this.skip(); // ../shared/schemas is absent: nothing to check against
            const { inputs } = ofType(ASM_MESH_CONFIG, "asm-mesh")[0];
            assert.deepStrictEqual(validateManifest(inputs), []);
        });

        it("applies it through the ASM control plane's provider, built from the instance's kubeconfig", function () {
            const meshConfig = ofType(ASM_MESH_CONFIG, "asm-mesh")[0];
            assert.ok(meshConfig.provider?.includes("::asm-mesh-asm::"), `ASMMeshConfig uses ${meshConfig.provider}`);
            const provider = byName("asm-mesh-asm");
            assert.strictEqual(provider.type, "pulumi:providers:kubernetes");
            assert.strictEqual(plain(provider.inputs.kubeconfig), ASM_KUBECONFIG);
            // Server-side apply (the provider's default) adopts ASM's existing object; it must stay on.
            assert.notStrictEqual(String(provider.inputs.enableServerSideApply), "false");
        });

        it("keeps the control plane kubeconfig secret", async function () {
            assert.strictEqual(await pulumi.isSecret(mesh.controlPlaneKubeconfig), true);
        });

        it("labels namespaces istio-injection=enabled when the mesh has no revision", function () {
            assert.deepStrictEqual(mesh.injectionLabels(), { "istio-injection": "enabled" });
            assert.strictEqual(mesh.revision, undefined);
            assert.strictEqual(mesh.version, "v1.22.2.35-ge64ec8af-aliyun");
        });

        it("labels with istio.io/rev alone when a revision or tag is asked for", function () {
            assert.deepStrictEqual(mesh.injectionLabels("canary"), { "istio.io/rev": "canary" });
        });
    });

    describe("AlibabaMesh options", function () {
        const meshArgs: AlibabaMeshModule.AlibabaMeshArgs = {
            version: "v1.24.6.64-g1a2b3c4d-aliyun",
            clusterSpec: "ultimate",
            vpcId: "vpc-bp1abc2def3",
            vswitchId: "vsw-bp1node1",
            clusterIds: ["c-existing"],
        };

        it("writes enableNativeSidecar false when the stack opts out", async function () {
            const mesh = new meshModule.AlibabaMesh("optout", { ...meshArgs, nativeSidecars: false });
            await settled(mesh.meshConfig.urn);
            assert.deepStrictEqual(byName("optout-meshconfig").inputs.spec, { enableNativeSidecar: false });
        });

        it("selects its revision with istio.io/rev and uses a given control plane kubeconfig", async function () {
            const mesh = new meshModule.AlibabaMesh("revised", {
                ...meshArgs,
                revision: "stable",
                controlPlaneKubeconfig: "given-kubeconfig",
            });
            await settled(mesh.controlPlaneProvider.urn);
            assert.deepStrictEqual(mesh.injectionLabels(), { "istio.io/rev": "stable" });
            assert.deepStrictEqual(mesh.injectionLabels("canary"), { "istio.io/rev": "canary" });
            assert.strictEqual(plain(byName("revised-asm").inputs.kubeconfig), "given-kubeconfig");
        });

        const refusals: Array<[string, Partial<AlibabaMeshModule.AlibabaMeshArgs>, RegExp]> = [
            ["a version that does not parse", { version: "latest" }, /version: "latest" is not a version/],
            ["a mesh without clusters", { clusterIds: [] }, /clusterIds: empty/],
            [
                "a revision on a standard instance",
                { clusterSpec: "standard", revision: "canary" },
                /enterprise or ultimate/,
            ],
            ["a revision that is not a DNS label", { revision: "1.23.6" }, /DNS-1123/],
            ["an edition that contradicts the spec", { clusterSpec: "standard", edition: "Pro" }, /edition: Pro/],
        ];
        for (const [what, change, message] of refusals) {
            it(`refuses ${what}`, function () {
                assert.throws(
                    () => new meshModule.AlibabaMesh(`refused-mesh-${what.length}`, { ...meshArgs, ...change }),
                    message,
                );
            });
        }
    });
});
