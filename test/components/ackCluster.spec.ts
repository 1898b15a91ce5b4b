/** AckCluster under Pulumi's mocks (test/support/ackMocks.ts): what it asks of the Alibaba Cloud provider. */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import type * as AckClusterModule from "../../components/ackCluster";
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

const MANAGED_KUBERNETES = "alicloud:cs/managedKubernetes:ManagedKubernetes";
const NODE_POOL = "alicloud:cs/nodePool:NodePool";

describe("ACK components under Pulumi mocks", function () {
    let ackModule: typeof AckClusterModule;

    before(async function () {
        ({ ackModule } = await loadUnderMocks());
    });

    describe("AckCluster on an existing VPC", function () {
        let ack: AckClusterModule.AckCluster;

        before(async function () {
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
