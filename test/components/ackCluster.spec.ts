/** AckCluster under Pulumi's mocks (test/support/ackMocks.ts): what it asks of the Alibaba Cloud provider. */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import type * as AckClusterModule from "../../components/ackCluster";
import { AckCluster, type AckClusterArgs } from "../../components/ackCluster";
import type { PlannedResource } from "../../cli/engine";
import { ofType, oneOfType, record } from "../support/plan";
import {
    ACK_KUBECONFIG,
    invokes,
    settled,
    byName,
    plain,
    ackSection,
    registeredOfType,
    loadUnderMocks,
} from "../support/ackMocks";
import { ACK_SECTION } from "../support/configFixtures";
import { ofType as previewOfType, previewConfig as preview } from "../support/previewConfig";

const MANAGED_KUBERNETES = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const NODE_POOL = "alicloud:cs/nodePool:NodePool";

describe("ACK components under Pulumi mocks", function () {
    let ackModule: typeof AckClusterModule;

    beforeEach(async function () {
        ({ ackModule } = await loadUnderMocks());
    });

    describe("AckCluster on an existing VPC", function () {
        let ack: AckClusterModule.AckCluster;

        beforeEach(async function () {
            ack = new ackModule.AckCluster("prod", ackSection);
            await settled(pulumi.all([ack.provider.urn, ...ack.nodePools.map((p) => p.urn)]));
        });

        it("creates one ManagedKubernetes pinned at the configured version, with the configured spec", function () {
            const clusters = registeredOfType(MANAGED_KUBERNETES, "prod");
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
            const pools = registeredOfType(NODE_POOL, "prod-");
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
            for (const r of [
                ...registeredOfType(MANAGED_KUBERNETES, "prod"),
                ...registeredOfType(NODE_POOL, "prod-"),
            ]) {
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
            assert.strictEqual(registeredOfType("alicloud:vpc/network:Network", "prod").length, 0);
            assert.strictEqual(ack.vpc, undefined);
        });
    });

    describe("AckCluster creating its VPC, with Flannel", function () {
        beforeEach(async function () {
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
            const switches = registeredOfType("alicloud:vpc/switch:Switch", "fresh-");
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
});

// Hardened defaults (issue 21, the security review).
describe("AckCluster: a minimal ACK stack previews hardened", () => {
    it("deletion protection is on unless the stack turns it off", async () => {
        const minimal = {
            cloud: "ack",
            ack: structuredClone(ACK_SECTION),
            mesh: { method: "helm", version: "1.28.1" },
        };
        const [cluster] = previewOfType(await preview(minimal), "alicloud:cs/managedKubernetes:ManagedKubernetes");
        assert.equal(cluster.inputs.deletionProtection, true);
        const off = { ...minimal, ack: { ...structuredClone(ACK_SECTION), deletionProtection: false } };
        const [relaxed] = previewOfType(await preview(off), "alicloud:cs/managedKubernetes:ManagedKubernetes");
        assert.equal(relaxed.inputs.deletionProtection, false);
    });
});

describe("AckCluster: every resource's arguments", () => {
    const make = (change: Partial<AckClusterArgs> = {}) =>
        record(() => new AckCluster("prod", { ...ackSection, ...change }));
    const cluster = (res: PlannedResource[]) => oneOfType(res, MANAGED_KUBERNETES);

    it("the cluster: secure defaults where the args are silent (private API server, RRSA on), CA through the credential", async () => {
        const res = await make({ publicApiServer: undefined, rrsa: undefined, serviceCidr: "192.168.0.0/16" });
        const { inputs, options } = cluster(res);
        assert.equal(inputs.slbInternetEnabled, false);
        assert.equal(inputs.enableRrsa, true);
        assert.equal(inputs.skipSetCertificateAuthority, true);
        assert.equal(inputs.serviceCidr, "192.168.0.0/16");
        for (const output of ["certificateAuthority", "clientCert", "clientKey"]) {
            assert.ok(options.additionalSecretOutputs?.includes(output), output);
        }
        const off = cluster(await make({ rrsa: false, publicApiServer: true }));
        assert.equal(off.inputs.enableRrsa, false);
        assert.equal(off.inputs.slbInternetEnabled, true);
    });

    it("node pools: named by the pool, an own vSwitch list and key pair when given", async () => {
        const res = await make({
            nodePools: [
                {
                    name: "general",
                    instanceTypes: ["ecs.g7.xlarge"],
                    desiredSize: 2,
                    vswitchIds: ["vsw-bp1pool"],
                    keyName: "ops-key",
                },
            ],
        });
        const pool = oneOfType(res, NODE_POOL);
        assert.equal(pool.name, "prod-general");
        assert.equal(pool.inputs.nodePoolName, "general");
        assert.deepEqual(pool.inputs.vswitchIds, ["vsw-bp1pool"]);
        assert.equal(pool.inputs.keyName, "ops-key");
    });

    it("on an existing VPC with Flannel: the flannel addon and the pod CIDR, and the component's pod vSwitch list is empty", async () => {
        let made: AckCluster | undefined;
        const res = await record(() => {
            made = new AckCluster("prod", { ...ackSection, podVswitchIds: undefined, podCidr: "172.20.0.0/16" });
        });
        const podVswitchIds = made?.podVswitchIds as unknown as { promise(): Promise<string[]> };
        assert.deepEqual(await podVswitchIds.promise(), []);
        // The resources are declared here, not in a shared before hook: a mutation run traces them to this test.
        assert.deepEqual(oneOfType(res, MANAGED_KUBERNETES).inputs.addons, [{ name: "flannel" }]);
        assert.equal(oneOfType(res, MANAGED_KUBERNETES).inputs.podCidr, "172.20.0.0/16");
    });

    it("the Kubernetes provider waits for every node pool; both providers are the component's children", async () => {
        const res = await make();
        const provider = oneOfType(res, "pulumi:providers:kubernetes");
        assert.equal(provider.name, "prod-k8s");
        // Both providers are the component's children.
        const component = oneOfType(res, "nativemesh:index:AckCluster").urn;
        assert.equal(provider.parent, component);
        assert.equal(oneOfType(res, "pulumi:providers:alicloud").parent, component);
        for (const pool of ofType(res, NODE_POOL)) assert.ok(provider.options.dependsOn.includes(pool.urn), pool.name);
    });

    it("a created VPC and its vSwitches are named after the cluster, node and pod vSwitches apart", async () => {
        const res = await make({
            vpc: {
                create: {
                    cidrBlock: "10.0.0.0/8",
                    vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }],
                    podVswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.8.0.0/16" }],
                },
            },
            podVswitchIds: undefined,
        });
        assert.equal(oneOfType(res, "alicloud:vpc/network:Network").inputs.vpcName, "mesh-prod");
        const switches = ofType(res, "alicloud:vpc/switch:Switch");
        assert.deepEqual(
            switches.map((s) => [s.name, s.inputs.vswitchName, s.inputs.cidrBlock]),
            [
                ["prod-vsw-0", "mesh-prod-vsw-0", "10.1.0.0/16"],
                ["prod-pod-vsw-0", "mesh-prod-pod-vsw-0", "10.8.0.0/16"],
            ],
        );
        // Terway from the created pod vSwitches.
        assert.deepEqual(cluster(res).inputs.addons, [{ name: "terway-eniip" }]);
        // The network is the component's, made through its region-pinned provider.
        const component = oneOfType(res, "nativemesh:index:AckCluster").urn;
        for (const made of [oneOfType(res, "alicloud:vpc/network:Network"), ...switches]) {
            assert.equal(made.parent, component, made.name);
        }
    });
});

describe("AckCluster: the kubeconfig credential's lifetime", () => {
    let ackModule: typeof AckClusterModule;
    beforeEach(async function () {
        ({ ackModule } = await loadUnderMocks());
    });
    const lifetimeAsked = async (name: string, credentialMinutes: number | undefined) => {
        const ack = new ackModule.AckCluster(name, { ...ackSection, credentialMinutes });
        await settled(ack.kubeconfig);
        const asked = invokes.filter(
            (i) =>
                i.token === "alicloud:cs/getClusterCredential:getClusterCredential" &&
                i.inputs.clusterId === byName(name).id,
        );
        return asked.map((i) => i.inputs.temporaryDurationMinutes);
    };

    it("is asked of the component's own Alibaba Cloud provider", async () => {
        const ack = new ackModule.AckCluster("own-provider", ackSection);
        await settled(ack.kubeconfig);
        const asked = invokes.filter(
            (i) =>
                i.token === "alicloud:cs/getClusterCredential:getClusterCredential" &&
                i.inputs.clusterId === byName("own-provider").id,
        );
        assert.equal(asked.length, 1);
        assert.match(String(asked[0].provider), /\$pulumi:providers:alicloud::own-provider-alicloud::/);
    });

    it("60 minutes when the args are silent, what they say otherwise, at both ends of 15-4320", async () => {
        assert.deepEqual(await lifetimeAsked("silent", undefined), [60]);
        assert.deepEqual(await lifetimeAsked("longer", 120), [120]);
        assert.deepEqual(await lifetimeAsked("shortest", 15), [15]);
        assert.deepEqual(await lifetimeAsked("longest", 4320), [4320]);
    });
});

describe("AckCluster: each refusal, whole", () => {
    const rows: Array<[string, Partial<AckClusterArgs>, string]> = [
        [
            "no node pools",
            { nodePools: [] },
            "AckCluster nodePools: empty; at least one node pool is needed to run workloads",
        ],
        [
            "an existing VPC and a new one",
            { vpc: { vpcId: "vpc-1", vswitchIds: ["vsw-1"], create: { cidrBlock: "10.0.0.0/8", vswitches: [] } } },
            "AckCluster vpc: give either vpcId and vswitchIds (existing VPC) or create (new VPC), exactly one",
        ],
        [
            "no VPC at all",
            { vpc: {} },
            "AckCluster vpc: give either vpcId and vswitchIds (existing VPC) or create (new VPC), exactly one",
        ],
        [
            "an existing VPC without its id",
            { vpc: { vswitchIds: ["vsw-1"] } },
            "AckCluster vpc: an existing VPC needs both vpcId and at least one vswitchIds entry",
        ],
        [
            "an existing VPC's id without its vSwitches",
            { vpc: { vpcId: "vpc-1" } },
            "AckCluster vpc: an existing VPC needs both vpcId and at least one vswitchIds entry",
        ],
        [
            "an existing VPC with no vSwitch",
            { vpc: { vpcId: "vpc-1", vswitchIds: [] } },
            "AckCluster vpc: an existing VPC needs both vpcId and at least one vswitchIds entry",
        ],
        [
            "a new VPC without vSwitches",
            { vpc: { create: { cidrBlock: "10.0.0.0/8", vswitches: [] } }, podVswitchIds: ["vsw-pod"] },
            "AckCluster vpc.create.vswitches: empty; at least one {zoneId, cidrBlock} is needed",
        ],
        [
            "Terway pod vSwitches and a Flannel CIDR",
            { podCidr: "172.20.0.0/16" },
            "AckCluster pod network: give Terway pod vSwitches or a Flannel podCidr, exactly one",
        ],
        [
            "an empty pod vSwitch list and no CIDR",
            { podVswitchIds: [] },
            "AckCluster pod network: give Terway pod vSwitches or a Flannel podCidr, exactly one",
        ],
        [
            "a pool with neither size",
            { nodePools: [{ name: "bare", instanceTypes: ["ecs.g7.xlarge"] }] },
            "AckCluster nodePools bare: give desiredSize or autoscaling, exactly one",
        ],
        [
            "a lifetime below 15",
            { credentialMinutes: 14 },
            "AckCluster credentialMinutes: 14 is outside 15-4320 (whole minutes)",
        ],
        [
            "a lifetime above 4320",
            { credentialMinutes: 4321 },
            "AckCluster credentialMinutes: 4321 is outside 15-4320 (whole minutes)",
        ],
        [
            "a lifetime in parts of a minute",
            { credentialMinutes: 60.5 },
            "AckCluster credentialMinutes: 60.5 is outside 15-4320 (whole minutes)",
        ],
    ];
    for (const [what, change, message] of rows) {
        it(what, () => {
            assert.throws(() => new AckCluster("refused", { ...ackSection, ...change } as AckClusterArgs), {
                message,
            });
        });
    }
});
