import * as assert from "node:assert/strict";
import { GkeCluster, GkeClusterArgs, nodeServiceAccountId, regionOf } from "../../components/gkeCluster";
import { at, ofType, oneOfType, record } from "../support/plan";

const gkeArgs: GkeClusterArgs = {
    project: "acme-mesh-dev",
    location: "europe-west1",
    clusterName: "mesh-dev",
    kubernetesVersion: "1.33.5-gke.1308000",
    releaseChannel: "REGULAR",
    nodePools: [
        { name: "general", machineType: "e2-standard-4", minNodes: 1, maxNodes: 3, diskSizeGb: 100, spot: false },
        {
            name: "old",
            machineType: "e2-standard-2",
            minNodes: 0,
            maxNodes: 2,
            diskSizeGb: 50,
            spot: true,
            version: "1.32.1-gke.1",
        },
    ],
    workloadIdentity: true,
    privateNodes: false,
    masterIpv4CidrBlock: "172.16.0.0/28",
    authorizedNetworks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }],
    deletionProtection: true,
};

describe("GkeCluster", () => {
    it("creates a cluster without the default pool, versions pinned, Workload Identity and asmcli's mesh_id label", async () => {
        const res = await record(() => new GkeCluster("c", gkeArgs));
        const cluster = oneOfType(res, "gcp:container/cluster:Cluster").inputs;
        assert.equal(cluster.removeDefaultNodePool, true);
        assert.equal(cluster.minMasterVersion, "1.33.5-gke.1308000");
        assert.deepEqual(cluster.releaseChannel, { channel: "REGULAR" });
        assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: "acme-mesh-dev.svc.id.goog" });
        assert.deepEqual(cluster.resourceLabels, { mesh_id: "proj-123456789012" });
        assert.equal(cluster.deletionProtection, true);
        assert.equal(cluster.privateClusterConfig, undefined);
        assert.deepEqual(cluster.masterAuthorizedNetworksConfig, {
            cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "office" }],
        });
    });

    it("hardens nodes: their own least-privilege service account, Shielded nodes with Secure Boot, legacy metadata off", async () => {
        const res = await record(() => new GkeCluster("c", gkeArgs));
        const account = oneOfType(res, "gcp:serviceaccount/account:Account").inputs;
        assert.equal(account.accountId, "mesh-dev-nodes");
        assert.equal(account.project, "acme-mesh-dev");
        const grants = ofType(res, "gcp:projects/iAMMember:IAMMember").map((r) => r.inputs);
        assert.deepEqual(grants.map((g) => g.role).sort(), [
            "roles/artifactregistry.reader",
            "roles/logging.logWriter",
            "roles/monitoring.metricWriter",
            "roles/monitoring.viewer",
            "roles/stackdriver.resourceMetadata.writer",
        ]);
        assert.ok(grants.every((g) => g.project === "acme-mesh-dev"));
        const cluster = oneOfType(res, "gcp:container/cluster:Cluster").inputs;
        assert.equal(cluster.enableShieldedNodes, true);
        const pools = ofType(res, "gcp:container/nodePool:NodePool");
        for (const pool of pools) {
            // The account's email is the provider's output: unknown offline, but set (not the Compute default).
            assert.ok("serviceAccount" in (at(pool.inputs, "nodeConfig") as object));
            assert.deepEqual(at(pool.inputs, "nodeConfig.shieldedInstanceConfig"), {
                enableSecureBoot: true,
                enableIntegrityMonitoring: true,
            });
            assert.deepEqual(at(pool.inputs, "nodeConfig.metadata"), { "disable-legacy-endpoints": "true" });
            // Pools wait for the grants: nodes without them cannot write logs or pull images.
            const grantUrns = ofType(res, "gcp:projects/iAMMember:IAMMember").map((r) => r.urn);
            assert.ok(grantUrns.every((urn) => pool.options.dependsOn.includes(urn)));
        }
        assert.ok(nodeServiceAccountId("a".repeat(40)).length <= 30);
    });

    it("without Workload Identity, pods see the Compute metadata server as the least-privilege account, legacy endpoints off", async () => {
        const res = await record(() => new GkeCluster("c", { ...gkeArgs, workloadIdentity: false }));
        const pool = ofType(res, "gcp:container/nodePool:NodePool")[0].inputs;
        assert.deepEqual(at(pool, "nodeConfig.workloadMetadataConfig"), { mode: "GCE_METADATA" });
        assert.deepEqual(at(pool, "nodeConfig.metadata"), { "disable-legacy-endpoints": "true" });
        assert.equal(oneOfType(res, "gcp:container/cluster:Cluster").inputs.workloadIdentityConfig, undefined);
    });

    it("offers a private endpoint, and refuses a public one without authorized networks", async () => {
        const res = await record(
            () =>
                new GkeCluster("c", { ...gkeArgs, privateNodes: true, privateEndpoint: true, authorizedNetworks: [] }),
        );
        assert.equal(
            at(oneOfType(res, "gcp:container/cluster:Cluster").inputs, "privateClusterConfig.enablePrivateEndpoint"),
            true,
        );
        assert.throws(
            () => new GkeCluster("open", { ...gkeArgs, authorizedNetworks: [] }),
            /GkeCluster authorizedNetworks: empty while the control plane's endpoint is public/,
        );
        assert.throws(
            () => new GkeCluster("odd", { ...gkeArgs, privateNodes: false, privateEndpoint: true }),
            /GkeCluster privateEndpoint: needs privateNodes/,
        );
    });

    it("creates one node pool per entry, pinned to the cluster version unless the pool says otherwise", async () => {
        const res = await record(() => new GkeCluster("c", gkeArgs));
        const pools = ofType(res, "gcp:container/nodePool:NodePool").map((r) => r.inputs);
        assert.deepEqual(
            pools.map((p) => [p.name, p.version]),
            [
                ["general", "1.33.5-gke.1308000"],
                ["old", "1.32.1-gke.1"],
            ],
        );
        assert.deepEqual(pools[0].autoscaling, { minNodeCount: 1, maxNodeCount: 3 });
        assert.equal(pools[0].cluster, "mesh-dev");
        assert.deepEqual(at(pools[0], "nodeConfig.workloadMetadataConfig"), { mode: "GKE_METADATA" });
        assert.equal(at(pools[1], "nodeConfig.spot"), true);
        // Auto-upgrade cannot be off inside a release channel, and the pin must not fight GKE's upgrades.
        assert.deepEqual(pools[0].management, { autoRepair: true, autoUpgrade: true });
        const poolOptions = ofType(res, "gcp:container/nodePool:NodePool").map((r) => r.options.ignoreChanges);
        assert.deepEqual(poolOptions, [["version"], ["version"]]);
    });

    it("sets private nodes and authorized networks when asked, and a Kubernetes provider with a secret kubeconfig", async () => {
        const res = await record(
            () =>
                new GkeCluster("c", {
                    ...gkeArgs,
                    releaseChannel: "UNSPECIFIED",
                    privateNodes: true,
                    authorizedNetworks: [{ cidrBlock: "10.0.0.0/8", displayName: "vpn" }],
                }),
        );
        const cluster = oneOfType(res, "gcp:container/cluster:Cluster").inputs;
        assert.deepEqual(cluster.privateClusterConfig, {
            enablePrivateNodes: true,
            enablePrivateEndpoint: false,
            masterIpv4CidrBlock: "172.16.0.0/28",
        });
        assert.deepEqual(cluster.masterAuthorizedNetworksConfig, {
            cidrBlocks: [{ cidrBlock: "10.0.0.0/8", displayName: "vpn" }],
        });
        const pool = ofType(res, "gcp:container/nodePool:NodePool")[0].inputs;
        assert.deepEqual(pool.management, { autoRepair: true, autoUpgrade: false });
        assert.deepEqual(
            ofType(res, "gcp:container/nodePool:NodePool")[0].options.ignoreChanges,
            [],
            "outside a channel the pin holds",
        );
        oneOfType(res, "pulumi:providers:kubernetes");
        // Istio's webhooks listen on 15017: a private control plane may not reach it without this rule.
        const firewall = oneOfType(res, "gcp:compute/firewall:Firewall").inputs;
        assert.deepEqual(firewall.sourceRanges, ["172.16.0.0/28"]);
        assert.deepEqual(firewall.allows, [{ protocol: "tcp", ports: ["15017"] }]);
        assert.deepEqual(firewall.targetTags, ["nativemesh-mesh-dev"]);
        assert.deepEqual(at(pool, "nodeConfig.tags"), ["nativemesh-mesh-dev"]);
        assert.equal(firewall.network, "default");
        // Private nodes pull images through Cloud NAT, in the cluster's region.
        assert.equal(oneOfType(res, "gcp:compute/router:Router").inputs.region, "europe-west1");
        assert.equal(oneOfType(res, "gcp:compute/routerNat:RouterNat").inputs.region, "europe-west1");
    });

    it("adds no firewall rule or NAT for public nodes, and NAT can be left to the user", async () => {
        const pub = await record(() => new GkeCluster("c", gkeArgs));
        assert.equal(ofType(pub, "gcp:compute/firewall:Firewall").length, 0);
        assert.equal(ofType(pub, "gcp:compute/routerNat:RouterNat").length, 0);
        const own = await record(
            () => new GkeCluster("c", { ...gkeArgs, location: "europe-west1-b", privateNodes: true, cloudNat: false }),
        );
        assert.equal(ofType(own, "gcp:compute/firewall:Firewall").length, 1);
        assert.equal(ofType(own, "gcp:compute/routerNat:RouterNat").length, 0);
    });

    const regions: Array<[string, string]> = [
        ["europe-west1", "europe-west1"],
        ["europe-west1-b", "europe-west1"],
        ["us-central1-a", "us-central1"],
        ["northamerica-northeast2-c", "northamerica-northeast2"],
    ];
    for (const [location, region] of regions) {
        it(`finds the region of ${location}: ${region}`, () => assert.equal(regionOf(location), region));
    }
});
