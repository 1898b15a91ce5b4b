import * as assert from "node:assert/strict";
import { RELEASE_LABEL, releaseFor } from "../../../e2e/lib/istiod";

describe("e2e/lib/istiod: each istiod Deployment runs the pilot-discovery of its own Istio release", () => {
    const built = { current: "1.31.0", previous: "1.30.4" };

    it("picks the release of the chart that made the Deployment, the older or the newer", () => {
        const rows: Array<[string, Record<string, string> | undefined, string | undefined]> = [
            ["the older release's chart", { [RELEASE_LABEL]: "1.30.4" }, "1.30.4"],
            ["the newer release's chart", { [RELEASE_LABEL]: "1.31.0" }, "1.31.0"],
            ["no release label (not Istio's chart): the local stack's", { app: "istiod" }, "1.31.0"],
            ["no labels at all", undefined, "1.31.0"],
            [
                "a release the testbed does not build: none, never another one in its place",
                { [RELEASE_LABEL]: "1.29.0" },
                undefined,
            ],
        ];
        for (const [name, labels, release] of rows) assert.equal(releaseFor(labels, built), release, name);
    });
});
