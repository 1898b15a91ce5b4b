import * as assert from "node:assert/strict";
import { parse } from "yaml";
import * as gcp from "@pulumi/gcp";
import {
    GkeCluster,
    GkeClusterArgs,
    nodeServiceAccountId,
    regionOf,
    renderKubeconfig,
} from "../../components/gkeCluster";
import { recordProgram } from "../../cli/engine";
import { at, ofType, oneOfType, record, TEST_INVOKES } from "../support/plan";
import { ConfigError, validateConfig } from "../../components/config/config";
import { GKE_SECTION } from "../support/configFixtures";
import { ofType as previewOfType, previewConfig as preview } from "../support/previewConfig";

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

    it("offers a private endpoint without authorized networks, and refuses a public one without them", async () => {
        const res = await record(
            () =>
                new GkeCluster("c", { ...gkeArgs, privateNodes: true, privateEndpoint: true, authorizedNetworks: [] }),
        );
        assert.equal(
            at(oneOfType(res, "gcp:container/cluster:Cluster").inputs, "privateClusterConfig.enablePrivateEndpoint"),
            true,
        );
        // No authorized networks on a private endpoint: no block at all, not an empty list of networks.
        assert.equal(oneOfType(res, "gcp:container/cluster:Cluster").inputs.masterAuthorizedNetworksConfig, undefined);
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
        // Regions numbered past 9 (Google Cloud "Regions and zones": europe-west10, europe-west12).
        ["europe-west10-a", "europe-west10"],
        ["europe-west12", "europe-west12"],
        // Not a zone's whole name: kept as given, for GKE to judge.
        ["us-central1-a-b", "us-central1-a-b"],
        ["9us-central1-a", "9us-central1-a"],
    ];
    for (const [location, region] of regions) {
        it(`finds the region of ${location}: ${region}`, () => assert.equal(regionOf(location), region));
    }

    it("declares every resource under the component: the cluster, pools, firewall, router and NAT", async () => {
        const res = await record(
            () => new GkeCluster("c", { ...gkeArgs, privateNodes: true, network: "mesh-vpc", cloudNat: true }),
        );
        const component = oneOfType(res, "nativemesh:index:GkeCluster");
        const declared = res.filter((r) => r !== component && r.type !== "pulumi:pulumi:Stack");
        for (const type of [
            "gcp:compute/firewall:Firewall",
            "gcp:compute/router:Router",
            "gcp:compute/routerNat:RouterNat",
        ])
            assert.ok(
                declared.some((r) => r.type === type),
                type,
            );
        assert.deepEqual(
            declared.filter((r) => r.parent !== component.urn).map((r) => r.name),
            [],
        );
    });

    it("writes the kubeconfig from what GKE reports: the endpoint and the cluster CA", async () => {
        const kubeconfigOf = async (masterAuth: Record<string, unknown>) => {
            let made: GkeCluster | undefined;
            await recordProgram(
                "test",
                {},
                () => {
                    made = new GkeCluster("c", gkeArgs);
                },
                {
                    invokes: TEST_INVOKES,
                    outputs: (type) =>
                        type === "gcp:container/cluster:Cluster"
                            ? { id: "c", name: "mesh-dev", endpoint: "203.0.113.7", masterAuth }
                            : undefined,
                },
            );
            return (made!.kubeconfig as unknown as { promise(): Promise<string> }).promise();
        };
        const withCa = parse(await kubeconfigOf({ clusterCaCertificate: "Q0EK" }));
        assert.equal(withCa.clusters[0].cluster["certificate-authority-data"], "Q0EK");
        assert.equal(withCa.clusters[0].cluster.server, "https://203.0.113.7");
        const withoutCa = await kubeconfigOf({});
        assert.match(withoutCa, /^ {4}certificate-authority-data: $/m);
    });
});

// Hardened defaults (issue 21, the security review).
const KEY = "projects/acme-kms/locations/europe-west1/keyRings/gke/cryptoKeys/secrets";
const minimalGke = (gke: Record<string, unknown> = {}) => ({
    cloud: "gke",
    gke: { ...structuredClone(GKE_SECTION), ...gke },
    mesh: { method: "helm", version: "1.28.1" },
});

describe("GkeCluster: a minimal GKE stack previews hardened", () => {
    it("Dataplane V2, Binary Authorization enforcing the project policy (its API enabled), GKE's own encryption at rest", async () => {
        const resources = await preview(minimalGke());
        const [cluster] = previewOfType(resources, "gcp:container/cluster:Cluster");
        assert.equal(cluster.inputs.datapathProvider, "ADVANCED_DATAPATH");
        assert.deepEqual(cluster.inputs.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
        assert.equal(cluster.inputs.databaseEncryption, undefined);
        assert.equal(cluster.inputs.deletionProtection, true);
        const apis = previewOfType(resources, "gcp:projects/service:Service").map((r) => r.inputs.service);
        assert.deepEqual(apis, ["binaryauthorization.googleapis.com"]);
        assert.deepEqual(previewOfType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"), []);
    });

    it("a KMS key encrypts Secrets at the application layer, and the GKE service agent may use it", async () => {
        const resources = await preview(minimalGke({ secretsEncryptionKey: KEY }));
        const [cluster] = previewOfType(resources, "gcp:container/cluster:Cluster");
        assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: KEY });
        const [grant] = previewOfType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
        assert.equal(grant.inputs.cryptoKeyId, KEY);
        assert.equal(grant.inputs.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
    });

    it("each can be turned off explicitly", async () => {
        const resources = await preview(minimalGke({ dataplaneV2: false, binaryAuthorization: false }));
        const [cluster] = previewOfType(resources, "gcp:container/cluster:Cluster");
        assert.equal(cluster.inputs.datapathProvider, undefined);
        assert.equal(cluster.inputs.binaryAuthorization, undefined);
        assert.deepEqual(previewOfType(resources, "gcp:projects/service:Service"), []);
    });

    it("a key that is not a Cloud KMS key name is refused on one line naming the key", () => {
        assert.throws(
            () => validateConfig(minimalGke({ secretsEncryptionKey: "my-key" })),
            (err: unknown) =>
                err instanceof ConfigError &&
                /^nativemesh:gke\.secretsEncryptionKey: must be a Cloud KMS key name projects\/PROJECT\/locations\/LOCATION\/keyRings\/RING\/cryptoKeys\/KEY .*\(got "my-key"\)$/.test(
                    err.message,
                ),
        );
    });
});

describe("GkeCluster: every resource's arguments", () => {
    const urnsOf = (res: Awaited<ReturnType<typeof record>>, type: string) => ofType(res, type).map((r) => r.urn);

    it("the cluster: named, placed and VPC-native, one throwaway default node, masterAuth secret in state, hardened by default", async () => {
        const res = await record(
            () => new GkeCluster("c", { ...gkeArgs, network: "mesh-vpc", subnetwork: "mesh-nodes" }),
        );
        const cluster = oneOfType(res, "gcp:container/cluster:Cluster");
        assert.equal(cluster.name, "c");
        assert.equal(cluster.inputs.name, "mesh-dev");
        assert.equal(cluster.inputs.project, "acme-mesh-dev");
        assert.equal(cluster.inputs.location, "europe-west1");
        assert.equal(cluster.inputs.initialNodeCount, 1);
        assert.equal(cluster.inputs.network, "mesh-vpc");
        assert.equal(cluster.inputs.subnetwork, "mesh-nodes");
        assert.equal(cluster.inputs.networkingMode, "VPC_NATIVE");
        assert.deepEqual(cluster.inputs.ipAllocationPolicy, {});
        assert.ok(cluster.options.additionalSecretOutputs?.includes("masterAuth"));
        // Hardened where the args are silent: Dataplane V2 and Binary Authorization with the project's policy.
        assert.equal(cluster.inputs.datapathProvider, "ADVANCED_DATAPATH");
        assert.deepEqual(cluster.inputs.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
        assert.equal(cluster.parent, oneOfType(res, "nativemesh:index:GkeCluster").urn);
    });

    it("the cluster waits for the Binary Authorization API and the KMS grant; the API stays on destroy; all are its children", async () => {
        const res = await record(() => new GkeCluster("c", { ...gkeArgs, secretsEncryptionKey: KEY }));
        const cluster = oneOfType(res, "gcp:container/cluster:Cluster");
        const api = oneOfType(res, "gcp:projects/service:Service");
        const grant = oneOfType(res, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
        assert.deepEqual([...cluster.options.dependsOn].sort(), [api.urn, grant.urn].sort());
        assert.deepEqual(api.inputs, {
            project: "acme-mesh-dev",
            service: "binaryauthorization.googleapis.com",
            disableOnDestroy: false,
        });
        // The GKE service agent of the project, by its number (Google "Encrypt secrets at the application layer").
        assert.equal(
            grant.inputs.member,
            "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com",
        );
        // Everything it declares is its child.
        const component = oneOfType(res, "nativemesh:index:GkeCluster").urn;
        for (const child of res.filter((r) => r.type.startsWith("gcp:"))) {
            assert.equal(child.parent, component, child.name);
        }
        const bare = await record(() => new GkeCluster("c", { ...gkeArgs, binaryAuthorization: false }));
        assert.deepEqual(oneOfType(bare, "gcp:container/cluster:Cluster").options.dependsOn, []);
    });

    it("the node service account: its id and display name from the cluster, one grant per role, named by the role", async () => {
        const res = await record(() => new GkeCluster("c", gkeArgs));
        const account = oneOfType(res, "gcp:serviceaccount/account:Account");
        assert.equal(account.name, "c-nodes");
        assert.equal(account.inputs.displayName, "GKE nodes of mesh-dev (nativemesh, least privilege)");
        assert.deepEqual(
            ofType(res, "gcp:projects/iAMMember:IAMMember")
                .map((grant) => grant.name)
                .sort(),
            [
                "c-nodes-artifactregistry-reader",
                "c-nodes-logging-logWriter",
                "c-nodes-monitoring-metricWriter",
                "c-nodes-monitoring-viewer",
                "c-nodes-stackdriver-resourceMetadata-writer",
            ],
        );
        assert.equal(nodeServiceAccountId("mesh-dev"), "mesh-dev-nodes");
        assert.equal(nodeServiceAccountId("a".repeat(40)), `${"a".repeat(24)}-nodes`);
    });

    it("a node pool: sized, placed and scoped as its entry says, named after the component", async () => {
        const res = await record(() => new GkeCluster("c", gkeArgs));
        const [general, old] = ofType(res, "gcp:container/nodePool:NodePool");
        assert.deepEqual([general.name, old.name], ["c-general", "c-old"]);
        assert.equal(general.inputs.project, "acme-mesh-dev");
        assert.equal(general.inputs.location, "europe-west1");
        assert.equal(general.inputs.initialNodeCount, 1);
        assert.equal(old.inputs.initialNodeCount, 0);
        assert.deepEqual(old.inputs.autoscaling, { minNodeCount: 0, maxNodeCount: 2 });
        assert.equal(at(general.inputs, "nodeConfig.machineType"), "e2-standard-4");
        assert.equal(at(old.inputs, "nodeConfig.diskSizeGb"), 50);
        assert.equal(at(general.inputs, "nodeConfig.spot"), false);
        assert.deepEqual(at(general.inputs, "nodeConfig.oauthScopes"), [
            "https://www.googleapis.com/auth/cloud-platform",
        ]);
    });

    it("the Kubernetes provider: its kubeconfig kept secret, used once the pools exist", async () => {
        let made: GkeCluster | undefined;
        const res = await record(() => {
            made = new GkeCluster("c", gkeArgs);
        });
        const provider = oneOfType(res, "pulumi:providers:kubernetes");
        assert.equal(provider.name, "c-k8s");
        for (const pool of urnsOf(res, "gcp:container/nodePool:NodePool")) {
            assert.ok(provider.options.dependsOn.includes(pool), pool);
        }
        // The provider is given that kubeconfig (unknown until GKE reports the endpoint).
        assert.notEqual(provider.inputs.kubeconfig, undefined);
        const kubeconfig = made?.kubeconfig as unknown as { isSecret: Promise<boolean> };
        assert.equal(await kubeconfig.isSecret, true);
    });

    it("the webhook firewall rule: ingress from the control plane's range, on the given network, described", async () => {
        const res = await record(
            () => new GkeCluster("c", { ...gkeArgs, privateNodes: true, network: "mesh-vpc", cloudNat: true }),
        );
        const firewall = oneOfType(res, "gcp:compute/firewall:Firewall");
        assert.equal(firewall.name, "c-istio-webhooks");
        assert.equal(firewall.inputs.project, "acme-mesh-dev");
        assert.equal(firewall.inputs.network, "mesh-vpc");
        assert.equal(firewall.inputs.direction, "INGRESS");
        assert.equal(firewall.inputs.description, "nativemesh: GKE control plane to istiod webhooks on private nodes");
        const router = oneOfType(res, "gcp:compute/router:Router");
        assert.equal(router.name, "c-router");
        assert.equal(router.inputs.network, "mesh-vpc");
        assert.equal(router.inputs.project, "acme-mesh-dev");
    });

    it("Cloud NAT: in the zone's region, automatic addresses for every subnetwork range, on its router", async () => {
        const res = await record(
            () => new GkeCluster("c", { ...gkeArgs, location: "europe-west1-b", privateNodes: true }),
        );
        const nat = oneOfType(res, "gcp:compute/routerNat:RouterNat");
        assert.equal(nat.name, "c-nat");
        assert.equal(nat.inputs.project, "acme-mesh-dev");
        assert.equal(nat.inputs.region, "europe-west1");
        assert.equal(nat.inputs.natIpAllocateOption, "AUTO_ONLY");
        assert.equal(nat.inputs.sourceSubnetworkIpRangesToNat, "ALL_SUBNETWORKS_ALL_IP_RANGES");
        assert.equal(oneOfType(res, "gcp:compute/router:Router").inputs.network, "default");
        // A NAT on private nodes unless the user says they have their own.
        const explicit = await record(() => new GkeCluster("c", { ...gkeArgs, cloudNat: true }));
        assert.equal(ofType(explicit, "gcp:compute/routerNat:RouterNat").length, 1);
    });

    it("refuses an open or impossible control plane with one whole line each", () => {
        assert.throws(() => new GkeCluster("open", { ...gkeArgs, authorizedNetworks: [] }), {
            message:
                "GkeCluster authorizedNetworks: empty while the control plane's endpoint is public; list the CIDRs allowed to reach it, or set privateEndpoint",
        });
        assert.throws(() => new GkeCluster("odd", { ...gkeArgs, privateNodes: false, privateEndpoint: true }), {
            message:
                "GkeCluster privateEndpoint: needs privateNodes (a private endpoint exists only in a private cluster)",
        });
    });
});

describe("renderKubeconfig", () => {
    it("names the cluster, its CA and endpoint, and authenticates through gke-gcloud-auth-plugin", () => {
        const config = parse(renderKubeconfig("mesh-dev", "203.0.113.7", "Q0EtREFUQQ==")) as Record<string, unknown>;
        assert.deepEqual(config, {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: "mesh-dev",
                    cluster: { "certificate-authority-data": "Q0EtREFUQQ==", server: "https://203.0.113.7" },
                },
            ],
            contexts: [{ name: "mesh-dev", context: { cluster: "mesh-dev", user: "mesh-dev" } }],
            "current-context": "mesh-dev",
            users: [
                {
                    name: "mesh-dev",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "gke-gcloud-auth-plugin",
                            provideClusterInfo: true,
                            installHint:
                                "Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin)",
                        },
                    },
                },
            ],
        });
        assert.ok(renderKubeconfig("a", "b", "c").endsWith("\n"));
    });
});

describe("GkeCluster: the project number it labels the cluster with", () => {
    it("is looked up through the gcp provider the component was given", async () => {
        const through: Array<string | undefined> = [];
        await recordProgram(
            "test",
            {},
            () => {
                const gcpProvider = new gcp.Provider("other-credentials", { project: "acme-mesh-dev" });
                return new GkeCluster("c", gkeArgs, { providers: [gcpProvider] });
            },
            {
                invokes: {
                    ...TEST_INVOKES,
                    "gcp:organizations/getProject:getProject": (_inputs, provider) => {
                        through.push(provider);
                        return { number: "123456789012" };
                    },
                },
            },
        );
        assert.equal(through.length, 1);
        assert.match(String(through[0]), /::pulumi:providers:gcp::other-credentials::/);
    });

    it("is looked up for the cluster's own project, and an unknown number leaves the label's prefix", async () => {
        const asked: Array<Record<string, unknown>> = [];
        const lookup = (number: string | undefined) => async () =>
            (
                await recordProgram("test", {}, () => new GkeCluster("c", { ...gkeArgs, project: "acme-other" }), {
                    invokes: {
                        ...TEST_INVOKES,
                        "gcp:organizations/getProject:getProject": (inputs) => {
                            asked.push(inputs);
                            return number === undefined ? { projectId: "acme-other" } : { number };
                        },
                    },
                    revealSecrets: true,
                })
            ).resources;
        const res = await lookup("987654321098")();
        assert.deepEqual(asked, [{ projectId: "acme-other" }]);
        assert.deepEqual(oneOfType(res, "gcp:container/cluster:Cluster").inputs.resourceLabels, {
            mesh_id: "proj-987654321098",
        });
        const unknown = await lookup(undefined)();
        assert.deepEqual(oneOfType(unknown, "gcp:container/cluster:Cluster").inputs.resourceLabels, {
            mesh_id: "proj-",
        });
    });
});
