import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";
import { AlibabaMesh } from "../components/alibabaMesh";
import { AsmInstall } from "../components/asmInstall";
import { FormanceOperatorArgs, FormanceSettings } from "../components/formanceSettings";
import { FormanceValueError } from "../policy/facts/formance";
import { GkeCluster, GkeClusterArgs, nodeServiceAccountId, regionOf } from "../components/gkeCluster";
import { IstioControlPlane, IstioControlPlaneArgs } from "../components/istioControlPlane";
import { MeshNamespace } from "../components/meshNamespace";
import { SidecarCanary } from "../components/sidecarCanary";
import type { PlannedResource } from "../cli/engine";
import { at, ofType, oneOfType, record } from "./support/plan";

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

const provider = () => new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" });

const istioArgs = (over: Partial<IstioControlPlaneArgs> = {}): IstioControlPlaneArgs => ({
    revisions: [{ version: "1.28.1", revision: "1-28-1" }],
    revisionTags: [{ name: "prod-stable", revision: "1-28-1" }],
    nativeSidecars: true,
    chartRepository: "https://istio-release.storage.googleapis.com/charts",
    istiodReplicas: 2,
    namespace: "istio-system",
    istiodValues: {},
    provider: provider(),
    ...over,
});

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

describe("IstioControlPlane", () => {
    const MWC = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration";
    const two = istioArgs({
        revisions: [
            { version: "1.28.1", revision: "1-28-1" },
            { version: "1.29.0", revision: "1-29-0" },
        ],
        revisionTags: [{ name: "prod-stable", revision: "1-29-0" }],
        defaultRevision: "1-28-1",
    });

    it("installs each revision as its own istiod release, named by revision, the first adopting the one-revision name", async () => {
        const res = await record(() => new IstioControlPlane("istio", two));
        const istiods = ofType(res, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "istiod");
        assert.deepEqual(
            istiods.map((r) => [r.name, r.inputs.name, r.inputs.version, at(r.inputs, "values.revision")]).sort(),
            [
                ["istio-istiod-1-28-1", "istiod-1-28-1", "1.28.1", "1-28-1"],
                ["istio-istiod-1-29-0", "istiod-1-29-0", "1.29.0", "1-29-0"],
            ],
        );
        for (const r of istiods)
            assert.equal(at(r.inputs, "values.revisionTags"), undefined, "tags are not a release's");
        const base = ofType(res, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "base")!;
        assert.equal(base.inputs.version, "1.29.0", "base (the CRDs) goes with the newest revision");
        assert.equal(at(base.inputs, "values.defaultRevision"), "1-28-1");
    });

    it("renders revision tags and the default tag apart from the releases, each depending on its revision's release", async () => {
        const res = await record(() => new IstioControlPlane("istio", two));
        const hooks = ofType(res, MWC);
        assert.deepEqual(hooks.map((h) => [at(h.inputs, "metadata.name"), at(h.inputs, "metadata.labels")]).sort(), [
            [
                "istio-revision-tag-default",
                {
                    "istio.io/tag": "default",
                    "istio.io/rev": "1-28-1",
                    app: "sidecar-injector",
                    "app.kubernetes.io/name": "istiod",
                },
            ],
            [
                "istio-revision-tag-prod-stable",
                {
                    "istio.io/tag": "prod-stable",
                    "istio.io/rev": "1-29-0",
                    app: "sidecar-injector",
                    "app.kubernetes.io/name": "istiod",
                },
            ],
        ]);
        const charts = ofType(res, "kubernetes:helm.sh/v3:Chart");
        assert.deepEqual(charts.map((c) => c.name).sort(), ["istio-tag-default", "istio-tag-prod-stable"]);
        const release = (rev: string) =>
            ofType(res, "kubernetes:helm.sh/v3:Release").find((r) => r.name === `istio-istiod-${rev}`)!;
        const chart = (tag: string) => charts.find((c) => c.name === `istio-tag-${tag}`)!;
        assert.ok(chart("prod-stable").options.dependsOn.includes(release("1-29-0").urn));
        assert.ok(chart("default").options.dependsOn.includes(release("1-28-1").urn));
        // Nothing else of the istiod chart is created by the tag renders.
        const rendered = res.filter((r) => r.urn.includes("kubernetes:helm.sh/v3:Chart$"));
        assert.deepEqual([...new Set(rendered.map((r) => r.type))].sort(), [MWC, "kubernetes:core/v1:Service"]);
    });

    it("moving a tag changes only what the tag's objects point at, under the same names", async () => {
        const moved = istioArgs({ ...two, revisionTags: [{ name: "prod-stable", revision: "1-28-1" }] });
        const before = await record(() => new IstioControlPlane("istio", two));
        const after = await record(() => new IstioControlPlane("istio", moved));
        const tagObjects = (res: PlannedResource[]) =>
            res
                .filter((r) => r.urn.includes("istio-tag-prod-stable") && r.custom)
                .map((r) => r.urn)
                .sort();
        assert.deepEqual(tagObjects(after), tagObjects(before), "same URNs: an update, not a replacement");
        const labelsOf = (res: PlannedResource[]) =>
            ofType(res, MWC)
                .map((h) => at(h.inputs, "metadata.labels") as Record<string, string>)
                .find((labels) => labels["istio.io/tag"] === "prod-stable");
        assert.equal(labelsOf(before)?.["istio.io/rev"], "1-29-0");
        assert.equal(labelsOf(after)?.["istio.io/rev"], "1-28-1");
    });

    it("installs from a local chart directory when given one, with no repository or version", async () => {
        const res = await record(
            () =>
                new IstioControlPlane(
                    "istio",
                    istioArgs({ chartPath: "/charts", baseValues: { base: { validationURL: "https://v" } } }),
                ),
        );
        const releases = ofType(res, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
        assert.deepEqual(
            releases.map((r) => [r.chart, r.version, r.repositoryOpts]),
            [
                ["/charts/base", undefined, undefined],
                ["/charts/istiod", undefined, undefined],
            ],
        );
        assert.deepEqual(releases[0].values, { base: { validationURL: "https://v" }, defaultRevision: "" });
    });

    it("installs base then istiod from Istio's chart repository at the version, revisioned, native sidecars on", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs()));
        const releases = ofType(res, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
        assert.deepEqual(
            releases.map((r) => r.chart),
            ["base", "istiod"],
        );
        for (const r of releases) {
            assert.equal(r.version, "1.28.1");
            assert.deepEqual(r.repositoryOpts, { repo: "https://istio-release.storage.googleapis.com/charts" });
            assert.equal(r.namespace, "istio-system");
        }
        const istiod = releases[1];
        assert.equal(istiod.name, "istiod-1-28-1");
        // Tags are not the release's: they are rendered apart (see "revision tags" below).
        assert.deepEqual(istiod.values, {
            revision: "1-28-1",
            pilot: { autoscaleMin: 2, replicaCount: 2, env: { ENABLE_NATIVE_SIDECARS: "true" } },
        });
        assert.deepEqual(releases[0].values, { defaultRevision: "" }, "defaultRevision only when asked");
        const ns = oneOfType(res, "kubernetes:core/v1:Namespace").inputs;
        assert.deepEqual(ns.metadata, { name: "istio-system" }, "the control plane's namespace is not injected");
        // Order is a dependency, not registration order: istiod waits for base (which holds the CRDs).
        const [baseRelease, istiodRelease] = ofType(res, "kubernetes:helm.sh/v3:Release");
        assert.ok(istiodRelease.options.dependsOn.includes(baseRelease.urn), JSON.stringify(istiodRelease.options));
        assert.ok(!baseRelease.options.dependsOn.includes(istiodRelease.urn));
    });

    it("puts defaultRevision on the base chart, never on istiod", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs({ defaultRevision: "1-28-1" })));
        const [base, istiod] = ofType(res, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
        assert.deepEqual(base.values, { defaultRevision: "1-28-1" });
        assert.equal(at(istiod, "values.defaultRevision"), undefined);
    });

    it("keeps the native switch and revision over user values, and writes no env var for Istio before 1.19", async () => {
        const res = await record(
            () =>
                new IstioControlPlane(
                    "istio",
                    istioArgs({
                        istiodValues: {
                            revision: "other",
                            pilot: { autoscaleMin: 2, env: { ENABLE_NATIVE_SIDECARS: "false", X: "1" } },
                        },
                    }),
                ),
        );
        const istiod = ofType(res, "kubernetes:helm.sh/v3:Release")[1].inputs;
        assert.deepEqual(istiod.values, {
            revision: "1-28-1",
            pilot: { autoscaleMin: 2, replicaCount: 2, env: { ENABLE_NATIVE_SIDECARS: "true", X: "1" } },
        });
        const old = await record(
            () =>
                new IstioControlPlane(
                    "old",
                    istioArgs({ revisions: [{ version: "1.18.2", revision: "1-18-2" }], revisionTags: [] }),
                ),
        );
        assert.deepEqual(ofType(old, "kubernetes:helm.sh/v3:Release")[1].inputs.values, {
            revision: "1-18-2",
            pilot: { autoscaleMin: 2, replicaCount: 2 },
        });
    });
});

describe("AsmInstall", () => {
    const asmArgs = {
        version: "1.19.10-asm.26",
        revision: "asm-11910-26",
        revisionTags: [],
        nativeSidecars: true,
        asmcli: "./asmcli",
        ca: "mesh_ca",
        outputDir: "asm-out",
        enableAll: true,
        options: [],
        target: { kind: "gke" as const, project: "acme", clusterName: "formance-asm", location: "europe-west1" },
    };

    it("runs a self-managed asmcli install with the overlay and the revision, never --managed", async () => {
        const res = await record(() => new AsmInstall("asm", asmArgs));
        const cmd = oneOfType(res, "command:local:Command").inputs;
        const script = String(cmd.create);
        assert.match(script, /\.\/asmcli install \\\n/);
        for (const flag of [
            "--project_id acme",
            "--cluster_name formance-asm",
            "--cluster_location europe-west1",
            '--custom_overlay "$overlay"',
            "--revision_name asm-11910-26",
            "--ca mesh_ca",
            '--output_dir "$out"',
            "--enable_all",
        ]) {
            assert.ok(script.includes(flag), `missing ${flag} in:\n${script}`);
        }
        assert.doesNotMatch(script, /--managed/);
        const overlay = parse(String(at(cmd, "environment.NATIVEMESH_OVERLAY")));
        assert.deepEqual(overlay, {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            spec: { values: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } } },
        });
    });

    it("re-runs when the overlay or the version changes (triggers)", async () => {
        const triggers = async (over: object) =>
            oneOfType(await record(() => new AsmInstall("asm", { ...asmArgs, ...over })), "command:local:Command")
                .inputs.triggers;
        const base = await triggers({});
        assert.notDeepEqual(await triggers({ nativeSidecars: false }), base);
        assert.notDeepEqual(await triggers({ version: "1.19.10-asm.27", revision: "asm-11910-27" }), base);
        assert.deepEqual(await triggers({ outputDir: "elsewhere" }), base);
    });

    it("targets an existing cluster by kubeconfig and context, and sets revision tags with istioctl", async () => {
        const res = await record(
            () =>
                new AsmInstall("asm", {
                    ...asmArgs,
                    revisionTags: ["prod"],
                    target: { kind: "kubeconfig", kubeconfig: "/home/me/kube config", context: "prod" },
                }),
        );
        const script = String(oneOfType(res, "command:local:Command").inputs.create);
        assert.ok(script.includes("kubeconfig='/home/me/kube config'"));
        assert.ok(script.includes('--kubeconfig "$kubeconfig" --context prod'));
        assert.ok(!script.includes("--project_id"));
        // The tag goes to the cluster asmcli installed on, not to whatever the current context is.
        assert.match(
            script,
            /istioctl tag set prod --revision asm-11910-26 --overwrite --kubeconfig "\$kubeconfig" --context prod/,
        );
        assert.equal(oneOfType(res, "command:local:Command").inputs.stdin, undefined, "a path needs no stdin");
    });

    it("hands a kubeconfig given by its contents over stdin, as a secret, never in the script", async () => {
        const contents = "apiVersion: v1\nkind: Config\n";
        const res = await record(
            () => new AsmInstall("asm", { ...asmArgs, target: { kind: "kubeconfig", kubeconfig: contents } }),
        );
        const cmd = oneOfType(res, "command:local:Command").inputs;
        assert.deepEqual(cmd.stdin, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            plaintext: contents,
        });
        assert.ok(!String(cmd.create).includes("kind: Config"));
        assert.match(String(cmd.create), /--kubeconfig "\$kubeconfig"/);
    });
});

describe("MeshNamespace", () => {
    it("labels the namespace istio.io/rev with the revision or tag, never istio-injection", async () => {
        const res = await record(
            () =>
                new MeshNamespace("ns", {
                    name: "payments",
                    injectionLabels: { "istio.io/rev": "prod-stable" },
                    labels: { team: "pay" },
                    provider: provider(),
                }),
        );
        const ns = oneOfType(res, "kubernetes:core/v1:Namespace").inputs;
        assert.deepEqual(ns.metadata, { name: "payments", labels: { team: "pay", "istio.io/rev": "prod-stable" } });
    });
});

const operator = (over: Partial<FormanceOperatorArgs> = {}): FormanceOperatorArgs => ({
    install: true,
    chart: "oci://ghcr.io/formancehq/helm/operator",
    version: "3.17.0",
    namespace: "formance-system",
    values: {},
    ...over,
});

describe("FormanceSettings", () => {
    it("installs the operator's chart first and makes every Settings wait for it", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator(),
                    provider: provider(),
                }),
        );
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "oci://ghcr.io/formancehq/helm/operator");
        assert.equal(release.inputs.version, "3.17.0");
        assert.equal(release.inputs.namespace, "formance-system");
        const settings = oneOfType(res, "kubernetes:formance.com/v1beta1:Settings");
        assert.ok(settings.options.dependsOn.includes(release.urn), "Settings wait for the operator release");
    });

    it("takes a local chart directory without a version", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator({ chart: "charts/formance-operator" }),
                    provider: provider(),
                }),
        );
        const release = oneOfType(res, "kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "charts/formance-operator");
        assert.equal(release.inputs.version, undefined);
    });

    it("without install, reads the team's settings.formance.com CRD first, named for what is missing", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [{ name: "ns-labels", key: "namespace.labels", value: { a: "b" }, stacks: ["*"] }],
                    operator: operator({ install: false }),
                    provider: provider(),
                }),
        );
        assert.deepEqual(ofType(res, "kubernetes:helm.sh/v3:Release"), []);
        // A read is not a planned resource; the Settings depend on it, by a name that says what is missing.
        const settings = oneOfType(res, "kubernetes:formance.com/v1beta1:Settings");
        const read = settings.options.dependsOn.find((urn) => urn.includes("CustomResourceDefinition"));
        assert.match(read ?? "", /::f-needs-formance-operator-crd$/);
    });

    it("creates cluster-scoped Settings whose map values the operator reads back exactly", async () => {
        const res = await record(
            () =>
                new FormanceSettings("f", {
                    settings: [
                        {
                            name: "ns-labels",
                            key: "namespace.labels",
                            value: { "istio.io/rev": "1-28-1" },
                            stacks: ["*"],
                        },
                        {
                            name: "gw",
                            key: "services.gateway.annotations",
                            value: { a: "x,y", b: "1" },
                            stacks: ["s1"],
                        },
                    ],
                    operator: operator(),
                    provider: provider(),
                }),
        );
        const settings = ofType(res, "kubernetes:formance.com/v1beta1:Settings").map((r) => r.inputs);
        assert.deepEqual(settings[0], {
            apiVersion: "formance.com/v1beta1",
            kind: "Settings",
            metadata: { name: "ns-labels" },
            spec: { key: "namespace.labels", value: "istio.io/rev=1-28-1", stacks: ["*"] },
        });
        assert.equal(at(settings[1], "spec.value"), 'a="x,y",b=1');
    });

    it("refuses the seed's NEG value, saying why, and declares no Settings", async () => {
        let refusal: unknown;
        const res = await record(() => {
            try {
                new FormanceSettings("f", {
                    settings: [
                        { name: "ok", key: "namespace.labels", value: { "istio.io/rev": "1-28-1" }, stacks: ["*"] },
                        {
                            name: "gw",
                            key: "services.gateway.annotations",
                            value: { "cloud.google.com/neg": '{"ingress":true,"exposed_ports":{"8080":{}}}' },
                            stacks: ["*"],
                        },
                    ],
                    operator: operator(),
                    provider: provider(),
                });
            } catch (err) {
                refusal = err;
            }
        });
        assert.ok(refusal instanceof FormanceValueError, String(refusal));
        assert.match(refusal.message, /services\.gateway\.annotations/);
        assert.match(refusal.message, /cloud\.google\.com\/neg/);
        assert.deepEqual(ofType(res, "kubernetes:formance.com/v1beta1:Settings"), [], "not even the valid one");
        assert.deepEqual(ofType(res, "kubernetes:helm.sh/v3:Release"), [], "nor the operator");
    });
});

describe("SidecarCanary", () => {
    it("is a bounded, non-root Job with limits whose init container must reach a URL through the mesh", async () => {
        const res = await record(
            () =>
                new SidecarCanary("canary", {
                    namespace: "nativemesh-canary",
                    revision: "1-28-1",
                    image: "curlimages/curl:8.11.1",
                    probeUrl: "https://kubernetes.default.svc/readyz",
                    timeoutSeconds: 300,
                    provider: provider(),
                }),
        );
        const job = oneOfType(res, "kubernetes:batch/v1:Job").inputs;
        assert.equal(at(job, "metadata.name"), "nativemesh-canary-1-28-1");
        assert.equal(at(job, "metadata.namespace"), "nativemesh-canary");
        assert.equal(at(job, "metadata.annotations")?.["pulumi.com/timeoutSeconds" as never], "360");
        assert.equal(at(job, "spec.activeDeadlineSeconds"), 300);
        assert.equal(at(job, "spec.backoffLimit"), 0);
        assert.ok(Number(at(job, "spec.ttlSecondsAfterFinished")) > 0);
        const options = oneOfType(res, "kubernetes:batch/v1:Job").options;
        assert.deepEqual(options.customTimeouts, { create: "360s", update: "360s", delete: undefined });
        assert.equal(options.deleteBeforeReplace, true, "a Job's template is immutable");
        const pod = at(job, "spec.template.spec") as Record<string, unknown>;
        assert.equal(at(pod, "securityContext.runAsNonRoot"), true);
        assert.notEqual(at(pod, "securityContext.runAsUser"), 1337, "UID 1337 would bypass the mesh");
        const [ready, probe] = pod.initContainers as Record<string, unknown>[];
        assert.match(JSON.stringify(ready.command), /curl.*127\.0\.0\.1:15021/);
        assert.match(JSON.stringify(probe.command), /curl/);
        assert.deepEqual(probe.env, [{ name: "PROBE_URL", value: "https://kubernetes.default.svc/readyz" }]);
        for (const c of [ready, probe, (pod.containers as Record<string, unknown>[])[0]]) {
            assert.ok(at(c, "resources.limits.cpu") && at(c, "resources.limits.memory"), "limits on every container");
        }
        assert.equal(at(job, "spec.template.metadata.labels")?.["sidecar.istio.io/inject" as never], "true");
        const annotations = (at(job, "spec.template.metadata.annotations") ?? {}) as Record<string, string>;
        assert.equal(
            annotations["sidecar.istio.io/nativeSidecar"],
            undefined,
            "the canary must prove the mesh-wide switch",
        );
    });
});

describe("AlibabaMesh: resource options", () => {
    it("adopts ASM's own ASMMeshConfig and leaves it in place on destroy", async () => {
        const res = await record(
            () =>
                new AlibabaMesh("asm", {
                    version: "v1.22.2.35-ge64ec8af-aliyun",
                    clusterSpec: "enterprise",
                    vpcId: "vpc-bp1abc2def3",
                    vswitchId: "vsw-bp1node1",
                    clusterIds: ["c-1"],
                }),
        );
        const meshConfig = oneOfType(res, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig");
        assert.equal(meshConfig.options.retainOnDelete, true, "ASM created it, so destroy must not delete it");
        const provider = res.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "asm-asm");
        // Server-side apply (the provider's default) is what adopts ASM's existing object: never turned off.
        assert.notEqual(provider?.inputs.enableServerSideApply, "false");
    });
});

describe("IstioControlPlane with Istio CNI (mesh.cni)", () => {
    const releasesOf = (res: PlannedResource[]) => ofType(res, "kubernetes:helm.sh/v3:Release");

    it("installs base, then the cni chart, then istiod, all in istio-system, the cni chart at the newest version", async () => {
        const res = await record(
            () =>
                new IstioControlPlane(
                    "istio",
                    istioArgs({
                        cni: true,
                        revisions: [
                            { version: "1.28.1", revision: "1-28-1" },
                            { version: "1.29.0", revision: "1-29-0" },
                        ],
                        revisionTags: [],
                    }),
                ),
        );
        const releases = releasesOf(res);
        const byChart = (chart: string) => releases.filter((r) => r.inputs.chart === chart);
        const [base] = byChart("base");
        const [cni] = byChart("cni");
        assert.deepEqual(
            [cni.name, cni.inputs.name, cni.inputs.version, cni.inputs.namespace],
            ["istio-cni", "istio-cni", "1.29.0", "istio-system"],
        );
        assert.deepEqual(cni.inputs.repositoryOpts, { repo: "https://istio-release.storage.googleapis.com/charts" });
        assert.ok(cni.options.dependsOn.includes(base.urn), "cni after base");
        for (const istiod of byChart("istiod")) {
            assert.ok(istiod.options.dependsOn.includes(cni.urn), `${istiod.name} after cni`);
            assert.ok(istiod.options.dependsOn.includes(base.urn), `${istiod.name} after base`);
            assert.deepEqual(at(istiod.inputs, "values.pilot.cni"), { enabled: true });
            assert.deepEqual(at(istiod.inputs, "values.global.proxy.seccompProfile"), { type: "RuntimeDefault" });
        }
        assert.deepEqual(cni.inputs.values, {}, "the chart's own defaults off GKE");
    });

    it("labels the control plane's namespace privileged, as the node agent's host paths need", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs({ cni: true })));
        assert.deepEqual(oneOfType(res, "kubernetes:core/v1:Namespace").inputs.metadata, {
            name: "istio-system",
            labels: { "pod-security.kubernetes.io/enforce": "privileged" },
        });
    });

    it("on GKE gives the node agent GKE's CNI bin dir, the GKE platform profile and its quota", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs({ cni: true, gke: true })));
        const cni = releasesOf(res).find((r) => r.inputs.chart === "cni")!;
        assert.deepEqual(cni.inputs.values, {
            cni: { cniBinDir: "/home/kubernetes/bin", resourceQuotas: { enabled: true } },
            global: { platform: "gke" },
        });
    });

    it("takes the cni chart from the local chart folder beside base and istiod", async () => {
        const res = await record(
            () => new IstioControlPlane("istio", istioArgs({ cni: true, chartPath: "/charts", revisionTags: [] })),
        );
        assert.deepEqual(
            releasesOf(res).map((r) => [r.inputs.chart, r.inputs.version]),
            [
                ["/charts/base", undefined],
                ["/charts/cni", undefined],
                ["/charts/istiod", undefined],
            ],
        );
    });

    it("without cni: no cni release, no pilot.cni, no Pod Security label", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs({ cni: false })));
        assert.deepEqual(
            releasesOf(res).map((r) => r.inputs.chart),
            ["base", "istiod"],
        );
        const istiod = releasesOf(res)[1];
        assert.equal(at(istiod.inputs, "values.pilot.cni"), undefined);
        assert.equal(at(istiod.inputs, "values.global"), undefined);
        assert.deepEqual(oneOfType(res, "kubernetes:core/v1:Namespace").inputs.metadata, { name: "istio-system" });
    });
});

describe("SidecarCanary's egress NetworkPolicy", () => {
    const canary = (egressNetworkPolicy?: boolean) =>
        record(
            () =>
                new SidecarCanary("canary", {
                    namespace: "nativemesh-canary",
                    revision: "1-28-1",
                    image: "curlimages/curl:8.11.1",
                    probeUrl: "https://kubernetes.default.svc/readyz",
                    timeoutSeconds: 300,
                    egressNetworkPolicy,
                    provider: provider(),
                }),
        );
    const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

    it("opens DNS, istiod's 15012 and the API server's ports to the canary's pods, before the Job runs", async () => {
        const res = await canary(true);
        const policy = oneOfType(res, POLICY);
        assert.equal(at(policy.inputs, "metadata.namespace"), "nativemesh-canary");
        assert.deepEqual(at(policy.inputs, "spec.podSelector"), {
            matchLabels: { "app.kubernetes.io/name": "nativemesh-canary" },
        });
        assert.deepEqual(at(policy.inputs, "spec.policyTypes"), ["Egress"]);
        const ports = (at(policy.inputs, "spec.egress") as Array<{ ports: unknown[] }>).flatMap((rule) => rule.ports);
        assert.deepEqual(ports, [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
            { protocol: "TCP", port: 15012 },
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
        ]);
        const job = oneOfType(res, "kubernetes:batch/v1:Job");
        assert.ok(job.options.dependsOn.includes(policy.urn), "the Job waits for the policy");
        // The policy selects the Job's pods.
        assert.equal(
            at(job.inputs, "spec.template.metadata.labels")?.["app.kubernetes.io/name" as never],
            "nativemesh-canary",
        );
    });

    it("is off unless asked for", async () => {
        assert.deepEqual(ofType(await canary(undefined), POLICY), []);
        assert.deepEqual(ofType(await canary(false), POLICY), []);
    });
});
