// Every cluster and node pool kind of each cloud (docs/POLICY.md, "What the pack proves"), with its version
// floor: at the floor is silent, below it is mandatory, a version the pack cannot read is "cannot tell".

import type { TestResource } from "./args";
import { SECRET, UNKNOWN, type PolicyCase } from "./cases";
import { describeTables } from "./table";

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
    { name: `${kind.type} ${field(kind)} at the floor: silent`, resources: [resource(kind, kind.floor)], expect: [] },
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
