// IstioControlPlane's upgrade paths (components/istioControlPlane.ts): which release keeps the name of the
// one-revision stacks made before revisions, whatever the order listed; OCI charts; the base chart's version.

import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { IstioControlPlane, type IstioControlPlaneArgs } from "../../components/istioControlPlane";
import { recordProgram } from "../../cli/engine";
import { offlineHelmTemplate } from "../../cli/offlineTagTemplate";
import { ofType, record, TEST_INVOKES } from "../support/plan";

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
