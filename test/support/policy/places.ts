// The places docs/POLICY.md ("What the pack proves") says a native-sidecar switch, a managed mesh or a
// Kubernetes version can live, each able to hold the value on, off, or something the pack cannot read. Shared by
// the fixture tables (one row per place and state) and the property tests that build whole stacks from them.

import type { TestResource } from "./args";
import { SECRET, UNKNOWN } from "./cases";

/** What a place holds: the value that means on, the one that means off, or one the pack cannot read. */
export type State = "on" | "off" | "secret" | "unknown" | "wrong-type";
export const STATES: State[] = ["on", "off", "secret", "unknown", "wrong-type"];

export interface Place {
    /** The module of policy/ that reads it (the spec file that tables it). */
    unit: "control-planes" | "istiod-manifest" | "clusters" | "no-managed-control-plane";
    /** The policy that judges it. */
    policy: string;
    name: string;
    /** The resources that put `state` at this place; "wrong-type" puts a value of the wrong type in the field
     *  that holds the switch or in its parent. */
    build(state: State): TestResource[];
}

const ENV = "ENABLE_NATIVE_SIDECARS";
const VERSION = "1.28.1";

/** The leaf value of an env switch in each state; wrong type is decided by each place (its parent). */
function envLeaf(state: State): unknown {
    return state === "on" ? "true" : state === "off" ? "false" : state === "secret" ? SECRET : UNKNOWN;
}
/** A map-shaped env (Helm values `pilot.env`): on/off/secret/unknown at the leaf, a string where the map goes. */
const envMap = (state: State): unknown => (state === "wrong-type" ? `${ENV}=true` : { [ENV]: envLeaf(state) });
/** A list-shaped env (Kubernetes `env`, IstioOperator `k8s.env`): valueFrom and a non-list are unreadable. */
const envList = (state: State): unknown =>
    state === "wrong-type"
        ? `${ENV}=true`
        : state === "unknown"
          ? [{ name: ENV, valueFrom: { configMapKeyRef: { name: "istiod-env", key: ENV } } }]
          : [{ name: ENV, value: envLeaf(state) }];

const helm =
    (type: string, values: (state: State) => Record<string, unknown>, extra = {}) =>
    (state: State) => [
        { type, name: "istiod", props: { chart: "istiod", version: VERSION, ...extra, values: values(state) } },
    ];

const operator = (spec: (state: State) => Record<string, unknown>) => (state: State) => [
    {
        type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
        name: "istio",
        props: { spec: { tag: VERSION, ...spec(state) } },
    },
];

const sail = (kind: "Istio" | "IstioRevision") => (state: State) => [
    {
        type: `kubernetes:sailoperator.io/v1:${kind}`,
        name: "default",
        props: {
            metadata: { name: "default" },
            spec: { version: `v${VERSION}`, values: { pilot: { env: envMap(state) } } },
        },
    },
];

const podSpec = (state: State) => ({
    containers: [
        { name: "pilot", image: `docker.io/istio/pilot:${VERSION}`, args: ["discovery"], env: envList(state) },
    ],
});
const workload = (type: string, path: "pod" | "template" | "cronjob") => (state: State) => [
    {
        type,
        name: "control-plane",
        props:
            path === "pod"
                ? { spec: podSpec(state) }
                : path === "template"
                  ? { spec: { template: { spec: podSpec(state) } } }
                  : { spec: { jobTemplate: { spec: { template: { spec: podSpec(state) } } } } },
    },
];

const cluster =
    (type: string, floor: string, below: string, props: (v: unknown) => Record<string, unknown>) => (state: State) => [
        {
            type,
            name: "cluster",
            props: props(
                state === "on"
                    ? floor
                    : state === "off"
                      ? below
                      : state === "secret"
                        ? SECRET
                        : state === "unknown"
                          ? UNKNOWN
                          : 1.3e9,
            ),
        },
    ];

/** A managed-mesh switch: on = self-managed (or no managed object at all), off = managed. */
const management = (state: State): unknown =>
    state === "on"
        ? "MANAGEMENT_MANUAL"
        : state === "off"
          ? "MANAGEMENT_AUTOMATIC"
          : state === "secret"
            ? SECRET
            : state === "unknown"
              ? UNKNOWN
              : ["MANAGEMENT_AUTOMATIC"];

export const PLACES: Place[] = [
    ...(
        [
            ["kubernetes:helm.sh/v3:Release", "values.pilot.env", (s: State) => ({ pilot: { env: envMap(s) } })],
            ["kubernetes:helm.sh/v3:Release", "values.env", (s: State) => ({ env: envMap(s) })],
            ["kubernetes:helm.sh/v3:Chart", "values.pilot.env", (s: State) => ({ pilot: { env: envMap(s) } })],
            ["kubernetes:helm.sh/v4:Chart", "values.pilot.env", (s: State) => ({ pilot: { env: envMap(s) } })],
        ] as const
    ).map(([type, field, values]) => ({
        unit: "control-planes" as const,
        policy: "native-sidecars-enabled",
        name: `${type} ${field}`,
        build: helm(type, values),
    })),
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "helm v3 Release valueYamlFiles (string asset)",
        build: (state) => [
            {
                type: "kubernetes:helm.sh/v3:Release",
                name: "istiod",
                props: {
                    chart: "istiod",
                    version: VERSION,
                    valueYamlFiles: [
                        state === "secret"
                            ? SECRET
                            : state === "unknown"
                              ? UNKNOWN
                              : state === "wrong-type"
                                ? { path: "./istiod-values.yaml" }
                                : { text: `pilot:\n  env:\n    ${ENV}: "${state === "on" ? "true" : "false"}"\n` },
                    ],
                },
            },
        ],
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "IstioOperator spec.values.pilot.env",
        build: operator((s) => ({ values: { pilot: { env: envMap(s) } } })),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "IstioOperator spec.unvalidatedValues.pilot.env",
        build: operator((s) => ({ unvalidatedValues: { pilot: { env: envMap(s) } } })),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "IstioOperator spec.components.pilot.k8s.env",
        build: operator((s) => ({ components: { pilot: { k8s: { env: envList(s) } } } })),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "IstioOperator spec.components.pilot.k8s.overlays patch",
        build: operator((s) => ({
            components: {
                pilot: {
                    k8s: {
                        overlays: [
                            {
                                kind: "Deployment",
                                name: "istiod",
                                patches:
                                    s === "wrong-type"
                                        ? "spec.template.spec.containers"
                                        : [
                                              {
                                                  path: `spec.template.spec.containers.[name:discovery].env.[name:${ENV}].value`,
                                                  value: envLeaf(s),
                                              },
                                          ],
                            },
                        ],
                    },
                },
            },
        })),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "Sail Istio spec.values.pilot.env",
        build: sail("Istio"),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "Sail IstioRevision spec.values.pilot.env",
        build: sail("IstioRevision"),
    },
    {
        unit: "control-planes",
        policy: "native-sidecars-enabled",
        name: "Alibaba ASMMeshConfig spec.enableNativeSidecar",
        build: (state) => [
            {
                type: "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig",
                name: "asm",
                props: {
                    spec: {
                        enableNativeSidecar:
                            state === "on"
                                ? true
                                : state === "off"
                                  ? false
                                  : state === "secret"
                                    ? SECRET
                                    : state === "unknown"
                                      ? UNKNOWN
                                      : "yes",
                    },
                },
            },
        ],
    },
    ...(
        [
            ["kubernetes:apps/v1:Deployment", "template"],
            ["kubernetes:apps/v1:DeploymentPatch", "template"],
            ["kubernetes:apps/v1:StatefulSet", "template"],
            ["kubernetes:apps/v1:DaemonSet", "template"],
            ["kubernetes:apps/v1:ReplicaSet", "template"],
            ["kubernetes:core/v1:Pod", "pod"],
            ["kubernetes:batch/v1:Job", "template"],
            ["kubernetes:batch/v1:CronJob", "cronjob"],
        ] as const
    ).map(([type, path]) => ({
        unit: "istiod-manifest" as const,
        policy: "native-sidecars-enabled",
        name: `${type} running pilot-discovery, env`,
        build: workload(type, path),
    })),
    {
        unit: "clusters",
        policy: "kubernetes-version-supports-native-sidecars",
        name: "GKE NodePool version",
        build: cluster("gcp:container/nodePool:NodePool", "1.30.5-gke.1", "1.28.3-gke.1", (v) => ({ version: v })),
    },
    {
        unit: "clusters",
        policy: "kubernetes-version-supports-native-sidecars",
        name: "ACK ServerlessKubernetes version",
        build: cluster(
            "alicloud:cs/serverlessKubernetes:ServerlessKubernetes",
            "1.31.1-aliyun.1",
            "1.28.3-aliyun.1",
            (v) => ({
                version: v,
            }),
        ),
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "gcp gkehub FeatureMembership mesh.management",
        build: (state) => [
            {
                type: "gcp:gkehub/featureMembership:FeatureMembership",
                name: "membership",
                props: { feature: "servicemesh", location: "global", mesh: { management: management(state) } },
            },
        ],
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "Config Connector GKEHubFeatureMembership spec.mesh.management",
        build: (state) => [
            {
                type: "kubernetes:gkehub.cnrm.cloud.google.com/v1beta1:GKEHubFeatureMembership",
                name: "membership",
                props: { spec: { location: "global", mesh: { management: management(state) } } },
            },
        ],
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "gcp gkehub Feature servicemesh fleetDefaultMemberConfig",
        build: (state) => [
            {
                type: "gcp:gkehub/feature:Feature",
                name: "mesh-feature",
                props: {
                    name: "servicemesh",
                    location: "global",
                    fleetDefaultMemberConfig: { mesh: { management: management(state) } },
                },
            },
        ],
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "Config Connector GKEHubFeature servicemesh fleetDefaultMemberConfig",
        build: (state) => [
            {
                type: "kubernetes:gkehub.cnrm.cloud.google.com/v1beta1:GKEHubFeature",
                name: "mesh-feature",
                props: {
                    metadata: { name: "servicemesh" },
                    spec: { location: "global", fleetDefaultMemberConfig: { mesh: { management: management(state) } } },
                },
            },
        ],
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "Google ControlPlaneRevision spec.type",
        // "on" is a stack without one: there is no self-managed ControlPlaneRevision.
        build: (state) =>
            state === "on"
                ? []
                : [
                      {
                          type: "kubernetes:mesh.cloud.google.com/v1beta1:ControlPlaneRevision",
                          name: "asm-managed",
                          props: {
                              metadata: { name: "asm-managed", namespace: "istio-system" },
                              spec: {
                                  type:
                                      state === "off"
                                          ? "managed_service"
                                          : state === "secret"
                                            ? SECRET
                                            : state === "unknown"
                                              ? UNKNOWN
                                              : ["managed_service"],
                                  channel: "regular",
                              },
                          },
                      },
                  ],
    },
];

const istioAddon = (state: State): unknown =>
    state === "on"
        ? true
        : state === "off"
          ? false
          : state === "secret"
            ? SECRET
            : state === "unknown"
              ? UNKNOWN
              : "false";

PLACES.push(
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "gcp container Cluster addonsConfig.istioConfig (Istio on GKE)",
        build: (state) => [
            {
                type: "gcp:container/cluster:Cluster",
                name: "cluster",
                props: { location: "europe-west1", addonsConfig: { istioConfig: { disabled: istioAddon(state) } } },
            },
        ],
    },
    {
        unit: "no-managed-control-plane",
        policy: "no-managed-control-plane",
        name: "Config Connector ContainerCluster spec.addonsConfig.istioConfig",
        build: (state) => [
            {
                type: "kubernetes:container.cnrm.cloud.google.com/v1beta1:ContainerCluster",
                name: "cluster",
                props: {
                    spec: { location: "europe-west1", addonsConfig: { istioConfig: { disabled: istioAddon(state) } } },
                },
            },
        ],
    },
);

/** The verdict the pack must give: on is silent, off is mandatory, anything it cannot read is "cannot tell". */
export function truthOf(states: State[]): "silent" | "mandatory" | "cannot-tell" {
    if (states.includes("off")) return "mandatory";
    if (states.some((state) => state !== "on")) return "cannot-tell";
    return "silent";
}
