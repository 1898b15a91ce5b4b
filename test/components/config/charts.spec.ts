/**
 * Chart references and versions nativemesh installs (components/config/charts.ts): only over https or oci (or a
 * local directory), only an exact version. Fixture tables, then the config keys that use them
 * (`formance.operator.chart`/`version`, `mesh.chartRepository`): one line naming the key.
 */
import * as assert from "node:assert/strict";
import { chartReferenceProblem, EXACT_CHART_VERSION } from "../../../components/config/charts";
import { ConfigError, validateConfig } from "../../../components/config/config";
import { GKE_SECTION } from "../../support/configFixtures";

describe("charts: where a chart may come from", () => {
    const rows: Array<[string, boolean]> = [
        ["oci://ghcr.io/formancehq/helm/operator", true],
        ["https://charts.example.com/operator-3.17.0.tgz", true],
        ["./charts/operator", true],
        ["/opt/charts/operator", true],
        ["operator", true],
        ["http://charts.example.com/operator-3.17.0.tgz", false],
        ["HTTP://charts.example.com/operator", false],
        ["ftp://charts.example.com/operator", false],
        ["file://charts/operator", false],
    ];
    for (const [ref, accepted] of rows) {
        it(`${ref}: ${accepted ? "accepted" : "refused"}`, () => {
            assert.equal(chartReferenceProblem(ref) === undefined, accepted);
        });
    }
});

describe("charts: only an exact version", () => {
    const rows: Array<[string, boolean]> = [
        ["3.17.0", true],
        ["v3.17.0", true],
        ["1.0.0-rc.1", true],
        ["1.0.0+build.5", true],
        ["1.0.0-alpha.1+001", true],
        [">=0.0.0", false],
        ["*", false],
        ["latest", false],
        ["~3.17.0", false],
        ["^3.17.0", false],
        ["3.17", false],
        ["3.17.x", false],
        ["3.17.0 || 3.18.0", false],
        [">=3.0.0 <4.0.0", false],
        ["03.17.0", false],
        ["", false],
    ];
    for (const [version, exact] of rows) {
        it(`${JSON.stringify(version)}: ${exact ? "exact" : "refused"}`, () => {
            assert.equal(EXACT_CHART_VERSION.test(version), exact);
        });
    }
});

describe("charts: the config keys, refused on one line naming the key", () => {
    const withOperator = (operator: Record<string, unknown>, mesh: Record<string, unknown> = {}) => ({
        cloud: "gke",
        gke: structuredClone(GKE_SECTION),
        mesh: { method: "helm", version: "1.28.1", ...mesh },
        formance: { operator },
    });
    const refused: Array<[string, unknown, RegExp]> = [
        [
            "an http:// operator chart",
            withOperator({ chart: "http://charts.example.com/operator-3.17.0.tgz" }),
            /^nativemesh:formance\.operator\.chart: must be an oci:\/\/ or https:\/\/ chart, or a local chart directory \(http:\/\/ is refused.*\(got "http:\/\/charts\.example\.com\/operator-3\.17\.0\.tgz"\)$/,
        ],
        [
            "an unpinned operator version",
            withOperator({ version: ">=0.0.0" }),
            /^nativemesh:formance\.operator\.version: must be an exact chart version such as 3\.9\.2 \(no range, \*, latest or >=\) \(got ">=0\.0\.0"\)$/,
        ],
        ["latest", withOperator({ version: "latest" }), /^nativemesh:formance\.operator\.version: must be an exact/],
        ["*", withOperator({ version: "*" }), /^nativemesh:formance\.operator\.version: must be an exact/],
        [
            "an http:// Istio chart repository",
            withOperator({}, { chartRepository: "http://istio-release.storage.googleapis.com/charts" }),
            /^nativemesh:mesh\.chartRepository: must be an https:\/\/ or oci:\/\/ chart repository/,
        ],
    ];
    for (const [name, raw, expected] of refused) {
        it(name, () => {
            assert.throws(
                () => validateConfig(raw),
                (err: unknown) =>
                    err instanceof ConfigError && !err.message.includes("\n") && expected.test(err.message),
            );
        });
    }

    it("the defaults, an https chart and a local chart directory with an exact version are accepted", () => {
        assert.equal(validateConfig(withOperator({})).formance?.operator.version, "3.9.2");
        assert.doesNotThrow(() =>
            validateConfig(withOperator({ chart: "https://c.example.com/op.tgz", version: "v3.18.1" })),
        );
        assert.doesNotThrow(() => validateConfig(withOperator({ chart: "./charts/operator" })));
    });
});
