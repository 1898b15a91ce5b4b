import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import type { PlannedResource } from "../../cli/engine";
import { IstioControlPlane, IstioControlPlaneArgs, keepOnlyTagObjects } from "../../components/istioControlPlane";
import { at, ofType, oneOfType, record } from "../support/plan";

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
