import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { planStack, type PlannedResource } from "../../cli/engine";
import {
    IstioControlPlane,
    IstioControlPlaneArgs,
    keepOnlyTagObjects,
    keepTagValuesSecret,
    neverDowngradeBase,
} from "../../components/istioControlPlane";
import { recordProgram } from "../../cli/engine";
import { offlineHelmTemplate } from "../../cli/offlineTagTemplate";
import { at, ofType, oneOfType, record, TEST_INVOKES } from "../support/plan";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { tempDir } from "../support/tempDir";

// The SDK's per-program state, where it records whether the engine runs resource hooks (internal module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkState = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { supportsResourceHooks?: boolean; callbacks?: unknown };
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

    it("declares every resource of the control plane under the component, so it reaches the cluster its provider names", async () => {
        const res = await record(() => new IstioControlPlane("istio", istioArgs({ cni: true })));
        const component = oneOfType(res, "nativemesh:index:IstioControlPlane");
        const byUrn = new Map(res.map((r) => [r.urn, r]));
        const underComponent = (r: (typeof res)[number]): boolean =>
            r.parent === component.urn || (r.parent !== undefined && underComponent(byUrn.get(r.parent)!));
        const declared = res.filter(
            (r) => r !== component && r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:kubernetes",
        );
        assert.ok(
            declared.some((r) => r.inputs.name === "istio-base"),
            declared.map((r) => r.name).join(", "),
        );
        assert.deepEqual(
            declared.filter((r) => !underComponent(r)).map((r) => r.name),
            [],
        );
    });

    it("installs each revision as its own istiod release, named by revision", async () => {
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
            pilot: { autoscaleMin: 2, autoscaleMax: 5, replicaCount: 2, env: { ENABLE_NATIVE_SIDECARS: "true" } },
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
            pilot: {
                autoscaleMin: 2,
                autoscaleMax: 5,
                replicaCount: 2,
                env: { ENABLE_NATIVE_SIDECARS: "true", X: "1" },
            },
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
            pilot: { autoscaleMin: 2, autoscaleMax: 5, replicaCount: 2 },
        });
    });
});

describe("keepOnlyTagObjects", () => {
    const cases: Array<{ name: string; obj: Record<string, unknown>; kept: boolean }> = [
        {
            name: "a tag's webhook configuration",
            obj: { kind: "MutatingWebhookConfiguration", metadata: { labels: { "istio.io/tag": "prod" } } },
            kept: true,
        },
        {
            name: "a tag's Service",
            obj: { kind: "Service", metadata: { labels: { "istio.io/tag": "prod" } } },
            kept: true,
        },
        {
            name: "the revision's own injector",
            obj: { kind: "MutatingWebhookConfiguration", metadata: { labels: { "istio.io/rev": "1-31-0" } } },
            kept: false,
        },
        {
            name: "istiod's Deployment",
            obj: { kind: "Deployment", metadata: { labels: { "istio.io/tag": "x" } } },
            kept: false,
        },
        { name: "an object without metadata", obj: { kind: "ConfigMap" }, kept: false },
    ];
    for (const c of cases) {
        it(`${c.kept ? "keeps" : "drops"} ${c.name}`, () => {
            const obj = structuredClone(c.obj);
            keepOnlyTagObjects(obj);
            if (c.kept) assert.deepEqual(obj, c.obj);
            else {
                const empty = { apiVersion: "v1", kind: "List", metadata: {}, items: [] };
                assert.deepEqual(obj, empty, "an empty List, which the SDK skips");
            }
            // The Chart's skipAwait transformation runs after ours on whatever is left; kept objects have metadata.
            assert.doesNotThrow(() => k8s.yaml.skipAwait(obj, {}));
        });
    }
});

// Hardened defaults (issue 21, the security review).
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (v: unknown) => (v as Record<string, unknown> | undefined)?.[SIG] === SECRET_SIG;
const INJECTION_URL = "https://istiod.example.com:15017/inject/cluster/c1/net/n1?token=ZQX-tag-secret";

/** A Helm stack with a revision tag whose istiod values point injection at a URL, the URL secret or not. */
async function planTags(secret: boolean, revealSecrets = false): Promise<PlannedResource[]> {
    const mesh = (url: unknown) => ({
        method: "helm",
        version: "1.28.1",
        revisionTags: ["prod-stable"],
        istiodValues: { istiodRemote: { injectionURL: url } },
    });
    const common = {
        "nativemesh:cloud": "existing",
        "nativemesh:existing": { kubeconfig: "apiVersion: v1\nkind: Config\n" },
        "nativemesh:canary": { enabled: false },
    };
    // The stack file as `pulumi config set --secret --path nativemesh:mesh.istiodValues.istiodRemote.injectionURL`
    // writes it; the program is given the decrypted value and told the key holds a secret.
    const file = path.join(tempDir("tags"), `Pulumi.tags-${secret}.yaml`);
    const fileMesh = mesh(secret ? { secure: "v1:abc" } : INJECTION_URL);
    fs.writeFileSync(file, stringify({ config: { ...common, "nativemesh:mesh": fileMesh } }));
    const config = { ...common, "nativemesh:mesh": mesh(INJECTION_URL) };
    const secretKeys = secret ? ["nativemesh:mesh"] : [];
    return (await planStack("tags", config, { secretKeys, configFile: file, revealSecrets })).resources;
}

const tagObject = (resources: PlannedResource[], kind: string) =>
    resources.find((r) => r.type.endsWith(`:${kind}`) && r.urn.includes("tag-prod-stable"));

describe("IstioControlPlane: a secret istiod value stays secret in the revision tag's objects", () => {
    it("the tag webhook's webhooks (which carry the injection URL) are registered secret; names and labels stay readable", async () => {
        const resources = await planTags(true);
        const webhook = tagObject(resources, "MutatingWebhookConfiguration");
        assert.ok(webhook !== undefined, resources.map((r) => r.urn).join("\n"));
        assert.ok(isSecret(webhook.inputs.webhooks), JSON.stringify(webhook.inputs.webhooks));
        assert.ok(!JSON.stringify(resources).includes("ZQX-tag-secret"), "the URL is in plaintext somewhere");
        const metadata = webhook.inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(metadata.name, "istio-revision-tag-prod-stable");
        assert.equal(metadata.labels["istio.io/tag"], "prod-stable");
        assert.equal(metadata.labels["istio.io/rev"], "1-28-1");
        const service = tagObject(resources, "Service");
        assert.ok(service !== undefined && isSecret(service.inputs.spec));
    });

    it("the secret holds the rendered URL (so the check above is not vacuous)", async () => {
        const webhook = tagObject(await planTags(true, true), "MutatingWebhookConfiguration");
        assert.ok(JSON.stringify(webhook?.inputs.webhooks).includes(INJECTION_URL));
    });

    it("without a secret the tag objects stay plain (the policy pack and plans read them)", async () => {
        const webhook = tagObject(await planTags(false), "MutatingWebhookConfiguration");
        assert.ok(webhook !== undefined && Array.isArray(webhook.inputs.webhooks));
        const annotations = (webhook.inputs.metadata as { annotations: Record<string, string> }).annotations;
        assert.equal(annotations["pulumi.com/skipAwait"], "true");
    });
});

// Upgrade paths: which release keeps the name of the one-revision stacks made before revisions, whatever the
// order listed; OCI charts; the base chart's version.

const args = (over: Partial<IstioControlPlaneArgs> = {}): IstioControlPlaneArgs => ({
    revisions: [{ version: "1.29.0", revision: "1-29-0" }],
    revisionTags: [],
    nativeSidecars: true,
    chartRepository: "https://istio-release.storage.googleapis.com/charts",
    istiodReplicas: 2,
    namespace: "istio-system",
    istiodValues: {},
    provider: new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" }),
    ...over,
});

/** The istiod releases: Helm release name → the aliases its resource carries. */
async function aliasesByRelease(over: Partial<IstioControlPlaneArgs>): Promise<Record<string, string[]>> {
    const res = await record(() => new IstioControlPlane("mesh", args(over)));
    const out: Record<string, string[]> = {};
    for (const r of ofType(res, "kubernetes:helm.sh/v3:Release")) {
        if (r.inputs.name === "istio-base") continue;
        out[String(r.inputs.name)] = (r.options.aliases as unknown[]).map((a) => JSON.stringify(a));
    }
    return out;
}

describe("IstioControlPlane: the release that stays is found by its name, not its place in the list", () => {
    it("gives a one-revision control plane the name of the release made before revisions", async () => {
        const aliases = await aliasesByRelease({});
        assert.deepEqual(Object.keys(aliases), ["istiod-1-29-0"]);
        assert.equal(aliases["istiod-1-29-0"].length, 1);
        assert.match(aliases["istiod-1-29-0"][0], /mesh-istiod/);
    });

    it("gives no revision that name once several are listed, in either order (none replaces another)", async () => {
        const older = { version: "1.29.0", revision: "1-29-0" };
        const newer = { version: "1.30.3", revision: "1-30-3" };
        for (const revisions of [
            [older, newer],
            [newer, older],
        ]) {
            const aliases = await aliasesByRelease({ revisions });
            assert.deepEqual(Object.keys(aliases).sort(), ["istiod-1-29-0", "istiod-1-30-3"]);
            assert.deepEqual(Object.values(aliases), [[], []], JSON.stringify(aliases));
        }
    });

    it("names each release's resource after its revision, so a release keeps its resource wherever it is listed", async () => {
        const names = async (revisions: IstioControlPlaneArgs["revisions"]) =>
            ofType(
                await record(() => new IstioControlPlane("mesh", args({ revisions }))),
                "kubernetes:helm.sh/v3:Release",
            )
                .filter((r) => r.inputs.name !== "istio-base")
                .map((r) => `${r.name}=${String(r.inputs.name)}`)
                .sort();
        const a = { version: "1.29.0", revision: "1-29-0" };
        const b = { version: "1.30.3", revision: "1-30-3" };
        assert.deepEqual(await names([a, b]), await names([b, a]));
        assert.deepEqual(await names([a, b]), ["mesh-istiod-1-29-0=istiod-1-29-0", "mesh-istiod-1-30-3=istiod-1-30-3"]);
    });
});

describe("IstioControlPlane: charts from an OCI registry", () => {
    it("installs base and istiod as oci:// charts with no repository, and renders the tags from the same chart", async () => {
        const rendered: Array<Record<string, unknown>> = [];
        const { resources } = await recordProgram(
            "test",
            {},
            () =>
                new IstioControlPlane(
                    "mesh",
                    args({
                        chartRepository: "oci://registry.example.com/istio",
                        revisionTags: [{ name: "prod", revision: "1-29-0" }],
                    }),
                ),
            {
                invokes: {
                    ...TEST_INVOKES,
                    "kubernetes:helm:template": (inputs) => {
                        rendered.push(JSON.parse(String(inputs.jsonOpts)) as Record<string, unknown>);
                        return offlineHelmTemplate(inputs);
                    },
                },
            },
        );
        const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
        assert.deepEqual(
            releases.map((r) => [r.name, r.chart, r.version, r.repositoryOpts]),
            [
                ["istio-base", "oci://registry.example.com/istio/base", "1.29.0", undefined],
                ["istiod-1-29-0", "oci://registry.example.com/istio/istiod", "1.29.0", undefined],
            ],
        );
        assert.deepEqual(
            rendered.map((opts) => [opts.chart, opts.version, opts.fetchOpts]),
            [["oci://registry.example.com/istio/istiod", "1.29.0", undefined]],
        );
    });
});

describe("IstioControlPlane: the base chart's version", () => {
    const two = [
        { version: "1.30.3", revision: "1-30-3" },
        { version: "1.29.0", revision: "1-29-0" },
    ];
    const baseVersion = async (over: Partial<IstioControlPlaneArgs>) =>
        ofType(await record(() => new IstioControlPlane("mesh", args(over))), "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.name === "istio-base",
        )?.inputs.version;

    it("is the newest revision's, wherever it is listed", async () => {
        assert.equal(await baseVersion({ revisions: two }), "1.30.3");
        assert.equal(await baseVersion({ revisions: [...two].reverse() }), "1.30.3");
    });

    it("stays at baseVersion when the newer revision is removed (a rollback)", async () => {
        assert.equal(await baseVersion({ revisions: [two[1]], baseVersion: "1.30.3" }), "1.30.3");
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

    it("two releases side by side, each revision from its own chart folder: istiod and its tags from the revision's, base and cni from the newest's", async () => {
        // The tags are rendered by the Kubernetes provider's `helm template` invoke: which chart each asked for.
        const rendered: string[] = [];
        const invokes = {
            ...TEST_INVOKES,
            "kubernetes:helm:template": (inputs: Record<string, unknown>) => {
                const opts = JSON.parse(String(inputs.jsonOpts)) as { path?: string; values?: { revision?: string } };
                rendered.push(`${opts.values?.revision} ${opts.path}`);
                return offlineHelmTemplate(inputs);
            },
        };
        const args = istioArgs({
            cni: true,
            chartPath: "/charts-1.31.0",
            revisions: [
                { version: "1.30.4", revision: "1-30-4", chartPath: "/charts-1.30.4" },
                { version: "1.31.0", revision: "1-31-0" },
            ],
            revisionTags: [{ name: "prod-stable", revision: "1-30-4" }],
            defaultRevision: "1-31-0",
        });
        const res = (await recordProgram("test", {}, () => new IstioControlPlane("istio", args), { invokes }))
            .resources;
        assert.deepEqual(
            releasesOf(res).map((r) => [r.inputs.name, r.inputs.chart]),
            [
                ["istio-base", "/charts-1.31.0/base"],
                ["istio-cni", "/charts-1.31.0/cni"],
                ["istiod-1-30-4", "/charts-1.30.4/istiod"],
                ["istiod-1-31-0", "/charts-1.31.0/istiod"],
            ],
        );
        assert.deepEqual(rendered.sort(), ["1-30-4 /charts-1.30.4/istiod", "1-31-0 /charts-1.31.0/istiod"]);
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

describe("IstioControlPlane: the hook that keeps istio-base from going down", () => {
    it("is bound to the base release's updates where the engine runs hooks, and to nothing under the SDK's mocks", async () => {
        const baseOf = (res: Awaited<ReturnType<typeof record>>) =>
            ofType(res, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "base")!;
        assert.equal(
            baseOf(await record(() => new IstioControlPlane("istio", istioArgs()))).options.beforeUpdateHooks,
            undefined,
        );
        // An engine that runs hooks, as far as the program can tell: a monitor that registers them, the SDK's record
        // that the engine supports them, and a callback server that takes the hook's registration.
        const planWith = (supported: boolean) => {
            let store: ReturnType<typeof sdkState.getStore> | undefined;
            return record(() => {
                const monitor = pulumi.runtime.getMonitor() as { registerResourceHook?: unknown };
                monitor.registerResourceHook = () => undefined;
                store = sdkState.getStore();
                store.supportsResourceHooks = supported;
                store.callbacks = {
                    registerResourceHook: async () => undefined,
                    awaitStackRegistrations: async () => undefined,
                    shutdown: () => undefined,
                };
                return new IstioControlPlane("istio", istioArgs());
            }).finally(() => {
                if (store === undefined) return;
                store.supportsResourceHooks = undefined;
                store.callbacks = undefined;
            });
        };
        // A monitor that has the call, on an engine the SDK was told does not run hooks: none is bound.
        assert.equal(baseOf(await planWith(false)).options.beforeUpdateHooks, undefined);
        const withHooks = await planWith(true);
        assert.deepEqual(baseOf(withHooks).options.beforeUpdateHooks, ["istio-never-downgrade-base"]);
        const others = withHooks.filter((r) => r.options.beforeUpdateHooks !== undefined && r !== baseOf(withHooks));
        assert.deepEqual(
            others.map((r) => r.name),
            [],
        );
    });

    // The SDK's mocks run no resource hooks (the offline preview registers none): the hook is asked directly here,
    // and e2e/specs/upgradePaths.ts meets it on the real engine.
    const hook = neverDowngradeBase("mesh");
    const run = (oldVersion?: string, newVersion?: string) =>
        hook.callback({
            urn: "urn:pulumi:dev::nativemesh::kubernetes:helm.sh/v3:Release::mesh-base",
            id: "istio-system/istio-base",
            name: "mesh-base",
            type: "kubernetes:helm.sh/v3:Release",
            oldInputs: oldVersion === undefined ? undefined : { version: oldVersion },
            newInputs: newVersion === undefined ? undefined : { version: newVersion },
        } as never);

    it("is named for its component and runs in previews too", () => {
        assert.equal(hook.name, "mesh-never-downgrade-base");
        assert.equal(hook.opts?.onDryRun, true);
    });

    it("refuses a lower chart version than the one installed, naming both and the key to set", () => {
        assert.throws(() => run("1.31.0", "1.30.4"), {
            message: /^nativemesh:mesh\.baseVersion: istio-base would go down from 1\.31\.0 to 1\.30\.4; /,
        });
    });

    it("lets the same or a higher version through, and a first install", () => {
        assert.doesNotThrow(() => run("1.30.4", "1.31.0"));
        assert.doesNotThrow(() => run("1.31.0", "1.31.0"));
        assert.doesNotThrow(() => run(undefined, "1.31.0"));
    });
});

describe("IstioControlPlane: arguments it refuses", () => {
    it("no revision at all, and a tag or default pointing at a revision it does not install, each on one line", async () => {
        await assert.rejects(
            record(() => new IstioControlPlane("istio", istioArgs({ revisions: [] }))),
            { message: "IstioControlPlane: revisions must list at least one" },
        );
        await assert.rejects(
            record(
                () =>
                    new IstioControlPlane("istio", istioArgs({ revisionTags: [{ name: "prod", revision: "1-29-0" }] })),
            ),
            { message: "IstioControlPlane: tag prod points at 1-29-0, which is not listed" },
        );
        await assert.rejects(
            record(() => new IstioControlPlane("istio", istioArgs({ revisionTags: [], defaultRevision: "1-27-0" }))),
            { message: "IstioControlPlane: tag default points at 1-27-0, which is not listed" },
        );
    });
});

describe("keepTagValuesSecret", () => {
    const secretOf = (value: unknown) => pulumi.Output.isInstance(value);

    it("makes a tag webhook configuration's webhooks and a tag Service's spec secret, adding no field", () => {
        const hook: Record<string, unknown> = { kind: "MutatingWebhookConfiguration", metadata: {}, webhooks: [] };
        keepTagValuesSecret(hook);
        assert.ok(secretOf(hook.webhooks));
        assert.ok(!("spec" in hook) || hook.spec === undefined);
        const service: Record<string, unknown> = { kind: "Service", metadata: { name: "istiod-prod" }, spec: {} };
        keepTagValuesSecret(service);
        assert.ok(secretOf(service.spec));
        assert.equal(service.webhooks, undefined);
        assert.deepEqual(service.metadata, { name: "istiod-prod" }, "metadata stays readable");
    });

    it("leaves other kinds as they are", () => {
        const deployment: Record<string, unknown> = { kind: "Deployment", metadata: {}, spec: { replicas: 1 } };
        keepTagValuesSecret(deployment);
        assert.deepEqual(deployment.spec, { replicas: 1 });
    });
});
