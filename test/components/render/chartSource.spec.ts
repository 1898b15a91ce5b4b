// Where Istio's charts come from (a repository, an OCI registry, a local folder) and which version the base chart
// runs at (components/render/chartSource.ts); the config refusals of mesh.baseVersion, whole.

import * as assert from "node:assert/strict";
import {
    baseChart,
    baseChartVersion,
    baseDowngrade,
    newestVersion,
    releaseChart,
    revisionChartLocation,
    templateChart,
} from "../../../components/render/chartSource";
import { itRefuses } from "../../support/configFixtures";

const ISTIO = "https://istio-release.storage.googleapis.com/charts";

describe("chart source: repository, OCI registry or local folder", () => {
    it("names a repository chart by name, with the repository to resolve its index.yaml", () => {
        assert.deepEqual(releaseChart({ chartRepository: ISTIO }, "istiod", "1.30.3"), {
            chart: "istiod",
            version: "1.30.3",
            repositoryOpts: { repo: ISTIO },
        });
        assert.deepEqual(templateChart({ chartRepository: ISTIO }, "1.30.3"), {
            chart: "istiod",
            version: "1.30.3",
            fetchOpts: { repo: ISTIO },
        });
    });

    it("gives an OCI chart whole as oci://registry/path/<chart>, with no repository (an OCI registry has no index.yaml)", () => {
        for (const registry of ["oci://registry.example.com/istio", "oci://registry.example.com/istio/"]) {
            assert.deepEqual(releaseChart({ chartRepository: registry }, "base", "1.30.3"), {
                chart: "oci://registry.example.com/istio/base",
                version: "1.30.3",
            });
            assert.deepEqual(templateChart({ chartRepository: registry }, "1.30.3"), {
                chart: "oci://registry.example.com/istio/istiod",
                version: "1.30.3",
            });
        }
    });

    it("takes a local folder's charts as they are (no version, no repository)", () => {
        const where = { chartRepository: ISTIO, chartPath: "/charts" };
        assert.deepEqual(releaseChart(where, "base", "1.30.3"), { chart: "/charts/base" });
        assert.deepEqual(templateChart(where, "1.30.3"), { path: "/charts/istiod" });
    });
});

describe("chart source: a chart folder per revision (two releases side by side)", () => {
    const mesh = { chartRepository: ISTIO, chartPath: "/charts-1.31.0" };
    const repoOnly = { chartRepository: ISTIO };

    it("takes a revision's istiod from its own folder, else from the mesh's folder or repository", () => {
        const rows: Array<[string, Parameters<typeof revisionChartLocation>, ReturnType<typeof releaseChart>]> = [
            [
                "its own folder over the mesh's",
                [mesh, { version: "1.30.4", chartPath: "/charts-1.30.4" }],
                { chart: "/charts-1.30.4/istiod" },
            ],
            ["none of its own: the mesh's folder", [mesh, { version: "1.31.0" }], { chart: "/charts-1.31.0/istiod" }],
            [
                "its own folder, the mesh on a repository",
                [repoOnly, { version: "1.30.4", chartPath: "/old" }],
                { chart: "/old/istiod" },
            ],
            [
                "none of its own, the mesh on a repository",
                [repoOnly, { version: "1.30.4" }],
                { chart: "istiod", version: "1.30.4", repositoryOpts: { repo: ISTIO } },
            ],
        ];
        for (const [name, [where, revision], chart] of rows)
            assert.deepEqual(
                releaseChart(revisionChartLocation(where, revision), "istiod", revision.version),
                chart,
                name,
            );
    });

    it("takes base (and cni) from the folder of the newest revision, or of the one at mesh.baseVersion", () => {
        const rows: Array<[string, Parameters<typeof baseChart>, string, ReturnType<typeof releaseChart>]> = [
            [
                "the newer revision listed second, on the mesh's folder",
                [mesh, [{ version: "1.30.4", chartPath: "/charts-1.30.4" }, { version: "1.31.0" }]],
                "1.31.0",
                { chart: "/charts-1.31.0/base" },
            ],
            [
                "the newer revision listed first, with a folder of its own",
                [repoOnly, [{ version: "1.31.0", chartPath: "/new" }, { version: "1.30.4" }]],
                "1.31.0",
                { chart: "/new/base" },
            ],
            [
                "the older revision's folder is never base's",
                [repoOnly, [{ version: "1.30.4", chartPath: "/old" }, { version: "1.31.0" }]],
                "1.31.0",
                { chart: "base", version: "1.31.0", repositoryOpts: { repo: ISTIO } },
            ],
            [
                "a rollback: mesh.baseVersion names a version no revision runs, base stays on the mesh's folder",
                [mesh, [{ version: "1.30.4", chartPath: "/charts-1.30.4" }], "1.31.0"],
                "1.31.0",
                { chart: "/charts-1.31.0/base" },
            ],
            [
                "mesh.baseVersion naming a listed revision: that revision's folder",
                [repoOnly, [{ version: "1.31.0" }, { version: "1.32.0", chartPath: "/newest" }], "1.32.0"],
                "1.32.0",
                { chart: "/newest/base" },
            ],
        ];
        for (const [name, [where, revisions, asked], version, chart] of rows) {
            const base = baseChart(where, revisions, asked);
            assert.equal(base.version, version, name);
            assert.deepEqual(releaseChart(base.location, "base", base.version), chart, name);
        }
    });
});

describe("the base chart's version", () => {
    it("is the newest revision's by default, whatever the order listed", () => {
        assert.equal(newestVersion(["1.29.0", "1.30.3", "1.28.1"]), "1.30.3");
        assert.equal(newestVersion(["1.30.3", "1.29.0"]), "1.30.3");
        assert.equal(newestVersion(["1.30.10", "1.30.9"]), "1.30.10");
        assert.equal(baseChartVersion(["1.29.0", "1.30.3"]), "1.30.3");
    });

    it("is the one asked for when mesh.baseVersion is given (a rollback keeps base where it is)", () => {
        assert.equal(baseChartVersion(["1.29.0"], "1.30.3"), "1.30.3");
    });

    it("never goes down: an update to a lower version is refused with the version to keep", () => {
        assert.equal(
            baseDowngrade("1.30.3", "1.29.0"),
            "nativemesh:mesh.baseVersion: istio-base would go down from 1.30.3 to 1.29.0; the base chart holds Istio's " +
                "CRDs and is never downgraded (removing the newer revision keeps base where it is): set " +
                "nativemesh:mesh.baseVersion to 1.30.3 (with mesh.chartPath, keep it at that release's charts)",
        );
        for (const [installed, next] of [
            ["1.29.0", "1.30.3"],
            ["1.30.3", "1.30.3"],
            [undefined, "1.30.3"],
            ["1.30.3", undefined],
            ["latest", "1.29.0"],
        ]) {
            assert.equal(baseDowngrade(installed, next), undefined, `${installed} → ${next}`);
        }
    });
});

const helm = (mesh: Record<string, unknown>) => ({
    cloud: "existing",
    existing: { kubeconfig: "~/.kube/config" },
    mesh: { method: "helm", ...mesh },
    namespaces: [{ name: "apps", revision: "1-29-0" }],
});

describe("mesh.baseVersion refusals", () => {
    itRefuses([
        [
            "below the newest revision listed",
            () => helm({ revisions: [{ version: "1.29.0" }, { version: "1.30.3" }], baseVersion: "1.29.0" }),
            "nativemesh:mesh.baseVersion: '1.29.0' is older than the newest revision's 1.30.3: the base chart holds the CRDs every istiod listed reads; give 1.30.3 or later",
        ],
        [
            "with a method that installs no base chart",
            () => ({
                cloud: "existing",
                existing: { kubeconfig: "~/.kube/config" },
                mesh: { method: "asmcli", version: "1.19.10-asm.26", baseVersion: "1.30.3", asmcli: { fleetId: "p" } },
            }),
            'nativemesh:mesh.baseVersion: is the version of the Helm base chart: only with method helm (got "1.30.3")',
        ],
        [
            "not a version",
            () => helm({ version: "1.29.0", baseVersion: "newest" }),
            'nativemesh:mesh.baseVersion: must be a version such as 1.33.5-gke.1308000, 1.28.1 or 1.19.10-asm.26 (got "newest")',
        ],
    ]);
});
