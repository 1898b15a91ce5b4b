// What policy/clusters.ts reads from GKE and ACK clusters, compared whole: the Kubernetes versions a resource
// pins (a node pool list that cannot be read is one "cannot tell" pin), and GKE's version aliases.

import * as assert from "node:assert/strict";
import { GKE_CLUSTER, isGkeAlias, pinnedVersions, type PinnedVersion } from "../../policy/clusters";
import { CANNOT_TELL } from "../../policy/read";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

describe("policy clusters (b): pinnedVersions", () => {
    const table: Array<[string, () => unknown, PinnedVersion[]]> = [
        [
            "a GKE cluster with its node pools",
            () => ({ minMasterVersion: "1.29", nodeVersion: 1.28, nodePools: [{ version: "1.27" }, {}] }),
            [
                { platform: "gke", field: "minMasterVersion", text: "1.29" },
                { platform: "gke", field: "nodeVersion", text: "1.28" },
                { platform: "gke", field: "nodePools[0].version", text: "1.27" },
            ],
        ],
        [
            "a GKE cluster whose node pools are a secret",
            () => ({ nodeVersion: "1.28", nodePools: SECRET }),
            [
                { platform: "gke", field: "nodeVersion", text: "1.28" },
                { platform: "gke", field: "nodePools", text: CANNOT_TELL },
            ],
        ],
    ];
    for (const [name, props, expected] of table) {
        it(name, () => assert.deepEqual(pinnedVersions(GKE_CLUSTER, props()), expected));
    }
});

describe("policy clusters (b): isGkeAlias", () => {
    const table: Array<[string, "latest" | "default" | undefined]> = [
        ["latest", "latest"],
        [" latest ", "latest"],
        ["-", "default"],
        [" - ", "default"],
        ["", "default"],
        ["  ", "default"],
        ["1.28", undefined],
        ["1.28.3-gke.100", undefined],
        ["Stryker was here!", undefined],
    ];
    for (const [text, expected] of table) {
        it(`${JSON.stringify(text)}: ${String(expected)}`, () => assert.equal(isGkeAlias(text), expected));
    }
});
