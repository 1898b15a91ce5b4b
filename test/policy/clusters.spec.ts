// What policy/clusters.ts reads from GKE and ACK clusters, compared whole: the Kubernetes versions a resource
// pins (a node pool list that cannot be read is one "cannot tell" pin), and GKE's version aliases.

import * as assert from "node:assert/strict";
import { GKE_CLUSTER, isGkeAlias, pinnedVersions, type PinnedVersion } from "../../policy/clusters";
import { CANNOT_TELL } from "../../policy/read";
import { type TestResource } from "../support/policy/args";
import { UNKNOWN, type PolicyCase } from "../support/policy/cases";
import { describeTables } from "../support/policy/table";

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

// Every cluster and node pool kind of each cloud (docs/POLICY.md, "What the pack proves"), with its version
// floor: at the floor is silent, below it is mandatory, a version the pack cannot read is "cannot tell".
describe("clusters: what the pack proves (issue 20)", () => {
    interface Kind {
        type: string;
        /** Where the version lives, as props. */
        props: (version: unknown) => Record<string, unknown>;
        floor: string;
        below: string;
    }

    const gke = { floor: "1.29.1-gke.1589000", below: "1.28.9-gke.100" };
    const ack = { floor: "1.30.1-aliyun.1", below: "1.28.9-aliyun.1" };

    const KINDS: Kind[] = [
        { type: "gcp:container/cluster:Cluster", props: (v) => ({ minMasterVersion: v }), ...gke },
        { type: "gcp:container/cluster:Cluster", props: (v) => ({ nodeVersion: v }), ...gke },
        { type: "gcp:container/cluster:Cluster", props: (v) => ({ nodePools: [{ version: v }] }), ...gke },
        { type: "gcp:container/nodePool:NodePool", props: (v) => ({ version: v }), ...gke },
        {
            type: "kubernetes:container.cnrm.cloud.google.com/v1beta1:ContainerCluster",
            props: (v) => ({ spec: { minMasterVersion: v } }),
            ...gke,
        },
        {
            type: "kubernetes:container.cnrm.cloud.google.com/v1beta1:ContainerCluster",
            props: (v) => ({ spec: { nodeVersion: v } }),
            ...gke,
        },
        {
            type: "kubernetes:container.cnrm.cloud.google.com/v1beta1:ContainerNodePool",
            props: (v) => ({ spec: { version: v } }),
            ...gke,
        },
        { type: "alicloud:cs/managedKubernetes:ManagedKubernetes", props: (v) => ({ version: v }), ...ack },
        { type: "alicloud:cs/kubernetes:Kubernetes", props: (v) => ({ version: v }), ...ack },
        { type: "alicloud:cs/serverlessKubernetes:ServerlessKubernetes", props: (v) => ({ version: v }), ...ack },
        { type: "alicloud:cs/edgeKubernetes:EdgeKubernetes", props: (v) => ({ version: v }), ...ack },
    ];

    const resource = (kind: Kind, version: unknown): TestResource => ({
        type: kind.type,
        name: "cluster",
        props: kind.props(version),
    });
    const field = (kind: Kind) => JSON.stringify(kind.props("x")).replace(/[{}"[\]]|:"?x"?/g, "");

    const cases: PolicyCase[] = KINDS.flatMap((kind) => [
        {
            name: `${kind.type} ${field(kind)} at the floor: silent`,
            resources: [resource(kind, kind.floor)],
            expect: [],
        },
        {
            name: `${kind.type} ${field(kind)} below the floor: mandatory`,
            resources: [resource(kind, kind.below)],
            expect: [{ level: "mandatory" as const, match: new RegExp(`is below 1\\.(29|30)`) }],
        },
        {
            name: `${kind.type} ${field(kind)} secret: cannot tell`,
            resources: [resource(kind, SECRET)],
            expect: [{ level: "advisory" as const, match: /cannot tell whether .* is at least/ }],
        },
        {
            name: `${kind.type} ${field(kind)} unknown: cannot tell`,
            resources: [resource(kind, UNKNOWN)],
            expect: [{ level: "advisory" as const, match: /cannot tell whether .* is at least/ }],
        },
    ]);

    describe("clusters: every cluster kind with its version floor", () => {
        describeTables({ "kubernetes-version-supports-native-sidecars": cases });
    });
});
