// policy/cni.ts: which resources say the stack injects through the Istio CNI node agent.
import * as assert from "node:assert/strict";
import { cniReadingOf, isCniChart, stackCni } from "../../policy/cni";

describe("isCniChart: Istio's cni chart by name, path, URL or package", () => {
    const table: Array<[unknown, boolean]> = [
        ["cni", true],
        ["istio/cni", true],
        ["istio-cni", true],
        ["/charts/cni/", true],
        ["https://charts.example/istio-cni?x=1", true],
        ["./cni-1.31.0.tgz", true],
        ["cnix", false],
        ["istiod", false],
        ["my-cni-thing", false],
        [42, false],
    ];
    for (const [chart, expected] of table) {
        it(`${JSON.stringify(chart)}: ${expected}`, () => assert.equal(isCniChart(chart), expected));
    }
});

describe("cniReadingOf and stackCni", () => {
    const RELEASE = "kubernetes:helm.sh/v3:Release";

    it("reads Sail's IstioCNI and a managed mesh as CNI, an unrelated chart as nothing", () => {
        assert.deepEqual(cniReadingOf("kubernetes:sailoperator.io/v1:IstioCNI", {}), {
            uses: true,
            where: "Sail's IstioCNI",
        });
        assert.equal(
            cniReadingOf("gcp:gkehub/featureMembership:FeatureMembership", {
                mesh: { management: "MANAGEMENT_AUTOMATIC" },
            })?.uses,
            true,
        );
        assert.equal(cniReadingOf(RELEASE, { chart: "oci://ghcr.io/formancehq/helm/operator" }), undefined);
    });

    it("answers the first install found, else why some resource cannot be read", () => {
        const unreadable = {
            type: RELEASE,
            props: { chart: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" } },
        };
        assert.deepEqual(stackCni([unreadable]), {
            uses: false,
            unreadable: "a Helm chart whose name cannot be read may be Istio's cni chart",
        });
        assert.deepEqual(stackCni([unreadable, { type: RELEASE, props: { chart: "cni" } }]), {
            uses: true,
            where: "the Istio CNI chart (cni)",
        });
        assert.deepEqual(stackCni([]), { uses: false, unreadable: undefined });
    });
});
