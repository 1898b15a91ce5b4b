// Fixture tables: per policy, resources in and expected violations out. The first resource of a case is the one
// checked; the others are the stack around it (clusters, istiod...) for stack policies. Every case named in
// issue 4 has a firing row and a silent counterpart.

import { asmcliInstallScript } from "../../../components/render/asmOverlay";
import type { TestResource } from "./args";

export interface Expected {
    level: "mandatory" | "advisory";
    match: RegExp;
}

export interface PolicyCase {
    name: string;
    resources: TestResource[];
    expect: Expected[];
}

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

const mandatory = (match: RegExp): Expected => ({ level: "mandatory", match });
const advisory = (match: RegExp): Expected => ({ level: "advisory", match });

// Builders for the resources our components and other stacks produce.
const featureMembership = (mesh: unknown): TestResource => ({
    type: "gcp:gkehub/featureMembership:FeatureMembership",
    name: "membership",
    props: { feature: "servicemesh", location: "global", mesh },
});
const feature = (name: string, fleetDefaultMemberConfig?: unknown): TestResource => ({
    type: "gcp:gkehub/feature:Feature",
    name: "mesh-feature",
    props: { name, location: "global", fleetDefaultMemberConfig },
});
const namespace = (labels: unknown): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name: "apps",
    props: { metadata: { name: "apps", labels } },
});
const setting = (key: unknown, value: unknown, stacks: unknown = ["*"]): TestResource => ({
    type: "kubernetes:formance.com/v1beta1:Settings",
    name: "setting",
    props: {
        apiVersion: "formance.com/v1beta1",
        kind: "Settings",
        metadata: { name: "setting" },
        spec: { key, value, stacks },
    },
});
const command = (create: unknown, environment?: Record<string, unknown>): TestResource => ({
    type: "command:local:Command",
    name: "asmcli",
    props: { create, environment },
});
const overlay = (value: string) =>
    `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    pilot:\n      env:\n        ENABLE_NATIVE_SIDECARS: ${value}\n`;
const ASMCLI_WITH_OVERLAY =
    'printf "%s" "$OVERLAY" > o.yaml && ./asmcli install --revision_name asm-11910-26 --custom_overlay o.yaml --enable_all';
/** The script our AsmInstall component runs (components/render/asmOverlay.ts), with revision tags set by istioctl. */
const asmInstall = (revisionTags: string[]): TestResource =>
    command(
        asmcliInstallScript({
            asmcli: "/opt/asmcli",
            version: "1.19.10-asm.26",
            revision: "asm-11910-26",
            revisionTags,
            ca: "mesh_ca",
            outputDir: "/tmp/asm-out",
            enableAll: false,
            options: [],
            target: { kind: "gke", project: "p", clusterName: "c", location: "europe-west1" },
        }),
        { NATIVEMESH_OVERLAY: overlay('"true"') },
    );
const gkeCluster = (props: Record<string, unknown>): TestResource => ({
    type: "gcp:container/cluster:Cluster",
    name: "gke",
    props: { location: "europe-west1", ...props },
});
const gkePool = (version: unknown): TestResource => ({
    type: "gcp:container/nodePool:NodePool",
    name: "pool",
    props: { cluster: "gke", version },
});
const ackCluster = (version: unknown, type = "alicloud:cs/managedKubernetes:ManagedKubernetes"): TestResource => ({
    type,
    name: "ack",
    props: { clusterSpec: "ack.pro.small", version },
});
const helm = (props: Record<string, unknown>, type = "kubernetes:helm.sh/v3:Release"): TestResource => ({
    type,
    name: "istiod",
    props: {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        ...props,
    },
});
const istiod = (version: unknown, values: Record<string, unknown> = {}): TestResource => helm({ version, values });
const istioOperator = (spec: Record<string, unknown>): TestResource => ({
    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
    name: "iop",
    props: { apiVersion: "install.istio.io/v1alpha1", kind: "IstioOperator", spec },
});
const sail = (spec: Record<string, unknown>): TestResource => ({
    type: "kubernetes:sailoperator.io/v1:Istio",
    name: "default",
    props: { metadata: { name: "default" }, spec },
});
const serviceMesh = (version: unknown): TestResource => ({
    type: "alicloud:servicemesh/serviceMesh:ServiceMesh",
    name: "asm",
    props: { serviceMeshName: "mesh", edition: "Pro", version },
});
const meshConfig = (spec: unknown): TestResource => ({
    type: "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig",
    name: "default",
    props: { metadata: { name: "default" }, spec },
});
const pilotEnv = (value: unknown) => ({ pilot: { env: { ENABLE_NATIVE_SIDECARS: value } } });

type Kind = "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob";
const GROUP: Record<Kind, string> = {
    Pod: "core/v1",
    Deployment: "apps/v1",
    StatefulSet: "apps/v1",
    DaemonSet: "apps/v1",
    ReplicaSet: "apps/v1",
    Job: "batch/v1",
    CronJob: "batch/v1",
};
/** A workload whose pod template has these annotations, labels and pod spec. */
function workload(
    kind: Kind,
    annotations: unknown,
    extra: { labels?: unknown; spec?: Record<string, unknown> } = {},
): TestResource {
    const template = {
        metadata: { annotations, labels: extra.labels },
        spec: { containers: [{ name: "app", image: "busybox" }], ...extra.spec },
    };
    const props =
        kind === "Pod"
            ? template
            : kind === "CronJob"
              ? { spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } } }
              : { spec: { template } };
    return { type: `kubernetes:${GROUP[kind]}:${kind}`, name: kind.toLowerCase(), props };
}

const NATIVE = "sidecar.istio.io/nativeSidecar";
const QUITTER_SPEC = {
    containers: [
        { name: "migrate", image: "m", args: ["run && curl -fsI -X POST http://localhost:15020/quitquitquit"] },
    ],
};
const QUITTER: TestResource = {
    type: "kubernetes:batch/v1:Job",
    name: "quitter",
    props: { spec: { template: { spec: QUITTER_SPEC } } },
};
const ISTIOD_128 = istiod("1.28.1", { revision: "1-28-1", ...pilotEnv("true") });

export const CASES: Record<string, PolicyCase[]> = {
    "no-managed-control-plane": [
        {
            name: "FeatureMembership mesh.management MANAGEMENT_AUTOMATIC",
            resources: [featureMembership({ management: "MANAGEMENT_AUTOMATIC" })],
            expect: [mandatory(/MANAGEMENT_AUTOMATIC/)],
        },
        {
            name: "FeatureMembership deprecated mesh.controlPlane AUTOMATIC",
            resources: [featureMembership({ controlPlane: "AUTOMATIC" })],
            expect: [mandatory(/controlPlane is AUTOMATIC/)],
        },
        {
            name: "FeatureMembership MANAGEMENT_MANUAL (counterpart)",
            resources: [featureMembership({ management: "MANAGEMENT_MANUAL" })],
            expect: [],
        },
        {
            name: "FeatureMembership controlPlane MANUAL (counterpart)",
            resources: [featureMembership({ controlPlane: "MANUAL" })],
            expect: [],
        },
        {
            name: "FeatureMembership management unknown during preview",
            resources: [featureMembership({ management: UNKNOWN })],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "servicemesh Feature defaulting members to MANAGEMENT_AUTOMATIC",
            resources: [feature("servicemesh", { mesh: { management: "MANAGEMENT_AUTOMATIC" } })],
            expect: [mandatory(/fleet feature defaults/)],
        },
        {
            name: "servicemesh Feature without fleet default (counterpart)",
            resources: [feature("servicemesh")],
            expect: [],
        },
        {
            name: "servicemesh Feature defaulting to MANAGEMENT_MANUAL (counterpart)",
            resources: [feature("servicemesh", { mesh: { management: "MANAGEMENT_MANUAL" } })],
            expect: [],
        },
        {
            name: "namespace labelled asm-managed",
            resources: [namespace({ "istio.io/rev": "asm-managed" })],
            expect: [mandatory(/asm-managed selects a Google-managed/)],
        },
        {
            name: "namespace labelled asm-managed-rapid",
            resources: [namespace({ "istio.io/rev": "asm-managed-rapid" })],
            expect: [mandatory(/asm-managed-rapid/)],
        },
        {
            name: "namespace labelled asm-managed-stable",
            resources: [namespace({ "istio.io/rev": "asm-managed-stable" })],
            expect: [mandatory(/asm-managed-stable/)],
        },
        {
            name: "namespace labelled with a self-managed revision (counterpart)",
            resources: [namespace({ "istio.io/rev": "asm-11910-26" })],
            expect: [],
        },
        {
            name: "namespace.labels Setting with a managed revision",
            resources: [setting("namespace.labels", "istio.io/rev=asm-managed-stable")],
            expect: [mandatory(/Formance namespace.labels Setting istio.io\/rev=asm-managed-stable/)],
        },
        {
            name: "namespace.labels Setting with a self-managed revision (counterpart)",
            resources: [setting("namespace.labels", "istio.io/rev=1-28-1")],
            expect: [],
        },
        {
            name: "asmcli install --managed",
            resources: [
                command("./asmcli install --project_id p --cluster_name c --cluster_location l --managed --enable_all"),
            ],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "asmcli install over several lines with --managed",
            resources: [
                command(
                    "curl -sSLo asmcli https://example/asmcli && chmod +x asmcli && \\\n  ./asmcli install \\\n  --managed \\\n  --enable_all",
                ),
            ],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "asmcli install without --managed (counterpart)",
            resources: [
                command(
                    "asmcli install --project_id p --revision_name asm-11910-26 --custom_overlay /tmp/overlay.yaml",
                ),
            ],
            expect: [],
        },
        {
            name: "a Command that only mentions --managed (counterpart)",
            resources: [command("echo asmcli is not run here --managed")],
            expect: [],
        },
    ],

    "kubernetes-version-supports-native-sidecars": [
        {
            name: "GKE cluster minMasterVersion below 1.29",
            resources: [gkeCluster({ minMasterVersion: "1.28.15-gke.1020000" })],
            expect: [mandatory(/minMasterVersion "1.28.15-gke.1020000" is below 1.29/)],
        },
        {
            name: "GKE cluster nodeVersion below 1.29",
            resources: [gkeCluster({ nodeVersion: "1.28" })],
            expect: [mandatory(/nodeVersion "1.28" is below 1.29/)],
        },
        {
            name: "GKE cluster on 1.29 (counterpart)",
            resources: [gkeCluster({ minMasterVersion: "1.29", nodeVersion: "1.29.1-gke.1589018" })],
            expect: [],
        },
        {
            name: "GKE cluster on 1.33.5-gke.1308000 (counterpart)",
            resources: [gkeCluster({ minMasterVersion: "1.33.5-gke.1308000" })],
            expect: [],
        },
        { name: "GKE cluster without a version (not a violation)", resources: [gkeCluster({})], expect: [] },
        { name: "GKE cluster on latest", resources: [gkeCluster({ minMasterVersion: "latest" })], expect: [] },
        {
            name: "GKE cluster inline node pool below 1.29",
            resources: [gkeCluster({ nodePools: [{ name: "p", version: "1.27.16-gke.1" }] })],
            expect: [mandatory(/nodePools\[0\].version/)],
        },
        {
            name: "GKE node pool below 1.29",
            resources: [gkePool("1.28.3-gke.1")],
            expect: [mandatory(/version "1.28.3-gke.1" is below 1.29/)],
        },
        { name: "GKE node pool on 1.30 (counterpart)", resources: [gkePool("1.30.5-gke.1")], expect: [] },
        {
            name: "ACK managed cluster below 1.30",
            resources: [ackCluster("1.28.9-aliyun.1")],
            expect: [mandatory(/below 1.30/)],
        },
        {
            name: "ACK managed cluster on 1.29 (GKE's floor is not ACK's)",
            resources: [ackCluster("1.29.3-aliyun.1")],
            expect: [mandatory(/below 1.30/)],
        },
        {
            name: "ACK managed cluster on 1.30.1-aliyun.1 (counterpart)",
            resources: [ackCluster("1.30.1-aliyun.1")],
            expect: [],
        },
        {
            name: "ACK dedicated cluster below 1.30",
            resources: [ackCluster("1.26.3-aliyun.1", "alicloud:cs/kubernetes:Kubernetes")],
            expect: [mandatory(/below 1.30/)],
        },
        {
            name: "ACK dedicated cluster on 1.31 (counterpart)",
            resources: [ackCluster("1.31.1-aliyun.1", "alicloud:cs/kubernetes:Kubernetes")],
            expect: [],
        },
        { name: "ACK cluster without a version (not a violation)", resources: [ackCluster(undefined)], expect: [] },
        { name: "version unknown during preview", resources: [gkePool(UNKNOWN)], expect: [advisory(/cannot tell/)] },
        { name: "version secret", resources: [ackCluster(SECRET)], expect: [advisory(/cannot tell/)] },
        {
            name: "version written as a number (sent as its text: YAML 1.30 is 1.3)",
            resources: [gkePool(1.3)],
            expect: [mandatory(/version "1.3" is below 1.29/)],
        },
        {
            name: "version written as the number 1.28",
            resources: [gkeCluster({ minMasterVersion: 1.28 })],
            expect: [mandatory(/minMasterVersion "1.28" is below 1.29/)],
        },
        { name: "version written as the number 1.31 (counterpart)", resources: [gkePool(1.31)], expect: [] },
    ],

    "istio-version-supports-native-sidecars": [
        {
            name: "istiod Helm release below 1.19",
            resources: [istiod("1.18.3")],
            expect: [
                mandatory(
                    /istiod version "1.18.3" is below 1.19\. Native sidecar injection first shipped in Istio 1\.19\.0 .*Fix: use istiod 1\.19 or later \(1\.28\+ recommended\)\./,
                ),
            ],
        },
        { name: "istiod Helm release on 1.19.0 (counterpart)", resources: [istiod("1.19.0")], expect: [] },
        {
            name: "istiod helm.v3.Chart istio/istiod below 1.19",
            resources: [helm({ chart: "istio/istiod", version: "1.17.2" }, "kubernetes:helm.sh/v3:Chart")],
            expect: [mandatory(/below 1.19/)],
        },
        {
            name: "istiod helm.v4.Chart from an OCI path below 1.19",
            resources: [
                helm(
                    { chart: "oci://registry.example/charts/istiod", version: "1.18.0" },
                    "kubernetes:helm.sh/v4:Chart",
                ),
            ],
            expect: [mandatory(/below 1.19/)],
        },
        {
            name: "the base chart below 1.19 is not istiod",
            resources: [helm({ chart: "base", version: "1.18.0" })],
            expect: [],
        },
        {
            name: "istiod image tag below 1.19 on a newer chart",
            resources: [istiod("1.28.1", { global: { tag: "1.18.7" } })],
            expect: [mandatory(/values.global.tag "1.18.7"/)],
        },
        { name: "istiod without a pinned version (not a violation)", resources: [istiod(undefined)], expect: [] },
        {
            name: "istiod version unknown during preview",
            resources: [istiod(UNKNOWN)],
            expect: [advisory(/cannot tell/)],
        },
        { name: "istiod version a semver range", resources: [istiod("^1.18")], expect: [advisory(/not a version/)] },
        {
            name: "an old istiod chart with a values file the pack cannot see: cannot tell the image, and still below 1.19",
            resources: [helm({ version: "1.18.0", valueYamlFiles: [UNKNOWN] })],
            expect: [
                advisory(/cannot tell the istiod version: valueYamlFiles\[0\] .*, and it may set the image/),
                mandatory(/istiod version "1.18.0" is below 1.19/),
            ],
        },
        {
            name: "a Helm chart that cannot be read: one cannot-tell about the chart, none about its version",
            resources: [helm({ chart: UNKNOWN, version: "1.28.1" })],
            expect: [
                advisory(
                    /cannot tell the istiod version: the chart cannot be read \(istiod\?\), and it may set the image/,
                ),
            ],
        },
        {
            name: "IstioOperator spec.tag below 1.19",
            resources: [istioOperator({ tag: "1.18.2" })],
            expect: [mandatory(/spec.tag "1.18.2"/)],
        },
        {
            name: "IstioOperator asmcli-style revision asm-11810-3 (1.18.10)",
            resources: [istioOperator({ revision: "asm-11810-3" })],
            expect: [mandatory(/spec.revision "asm-11810-3"/)],
        },
        {
            name: "IstioOperator revision asm-11910-26 (1.19.10, counterpart)",
            resources: [istioOperator({ revision: "asm-11910-26" })],
            expect: [],
        },
        {
            name: "IstioOperator with a named revision and no tag",
            resources: [istioOperator({ revision: "canary" })],
            expect: [],
        },
        {
            name: "Alibaba ServiceMesh below 1.22",
            resources: [serviceMesh("v1.21.6.30-g1d0a3a0b-aliyun")],
            expect: [
                mandatory(
                    /Alibaba Service Mesh version "v1.21.6.30-g1d0a3a0b-aliyun" is below 1.22\. Alibaba ASM runs native sidecars from 1\.22 .*Fix: upgrade the mesh to ASM 1\.22 or later\./,
                ),
            ],
        },
        {
            name: "Alibaba ServiceMesh v1.22.2.35-ge64ec8af-aliyun (counterpart)",
            resources: [serviceMesh("v1.22.2.35-ge64ec8af-aliyun")],
            expect: [],
        },
        {
            name: "Alibaba ServiceMesh version secret",
            resources: [serviceMesh(SECRET)],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "Sail Istio spec.version below 1.19",
            resources: [sail({ version: "v1.18.2" })],
            expect: [mandatory(/istiod spec.version "v1.18.2" is below 1.19.*Fix: use istiod 1.19 or later/)],
        },
        {
            name: "Sail Istio spec.version v1.19.0 (counterpart)",
            resources: [sail({ version: "v1.19.0" })],
            expect: [],
        },
        {
            name: "Sail IstioRevision (v1alpha1) spec.version below 1.19",
            resources: [
                {
                    type: "kubernetes:sailoperator.io/v1alpha1:IstioRevision",
                    name: "default",
                    props: { metadata: { name: "default" }, spec: { version: "v1.17.0" } },
                },
            ],
            expect: [mandatory(/spec.version "v1.17.0" is below 1.19/)],
        },
        {
            name: "Sail Istio spec.version unknown during preview",
            resources: [sail({ version: UNKNOWN })],
            expect: [advisory(/cannot tell the istiod version: spec.version is secret, unknown/)],
        },
    ],

    "native-sidecars-enabled": [
        { name: 'istiod with pilot.env "true"', resources: [ISTIOD_128], expect: [] },
        {
            name: "istiod with env true (boolean)",
            resources: [istiod("1.28.1", { env: { ENABLE_NATIVE_SIDECARS: true } })],
            expect: [],
        },
        {
            name: 'istiod with pilot.env "false"',
            resources: [istiod("1.28.1", pilotEnv("false"))],
            expect: [mandatory(/pilot.env.ENABLE_NATIVE_SIDECARS is "false"/)],
        },
        {
            name: "istiod with env false (boolean)",
            resources: [istiod("1.22.0", { env: { ENABLE_NATIVE_SIDECARS: false } })],
            expect: [mandatory(/is false/)],
        },
        {
            name: 'istiod with an odd value "1"',
            resources: [istiod("1.28.1", pilotEnv("1"))],
            expect: [mandatory(/is "1"\. Only true\/"true" turns native sidecars on \("auto" from 1\.27\)/)],
        },
        {
            name: 'istiod 1.26 with "auto" (not valid before 1.27)',
            resources: [istiod("1.26.2", pilotEnv("auto"))],
            expect: [
                mandatory(
                    /"auto" on istiod 1.26\. Before 1\.27 the variable is a boolean and "auto" leaves it off .*Fix: set ENABLE_NATIVE_SIDECARS: "true" \(a string\) in istiod's env/,
                ),
            ],
        },
        {
            name: 'istiod 1.28 with "auto" and every node on 1.33',
            resources: [istiod("1.28.1", pilotEnv("auto")), gkeCluster({ minMasterVersion: "1.33.5-gke.1308000" })],
            expect: [],
        },
        {
            name: 'istiod 1.28 with "auto" and a node pool pinned on 1.31',
            resources: [istiod("1.28.1", pilotEnv("auto")), gkePool("1.31.4-gke.1")],
            expect: [
                mandatory(
                    /values\.pilot\.env\.ENABLE_NATIVE_SIDECARS is "auto", and the stack pins Kubernetes below 1\.33: pool \(gcp:container\/nodePool:NodePool\) version=1\.31\.4-gke\.1\./,
                ),
            ],
        },
        {
            name: "istiod 1.22 with the variable unset (default off)",
            resources: [istiod("1.22.0")],
            expect: [mandatory(/unset on istiod 1.22.0.*defaults to false/)],
        },
        {
            name: "istiod 1.27 unset while an ACK cluster is on 1.30",
            resources: [istiod("1.27.0"), ackCluster("1.30.1-aliyun.1")],
            expect: [mandatory(/default "auto".*below 1.33/)],
        },
        {
            name: "istiod 1.28 unset, cluster on 1.34 (counterpart)",
            resources: [istiod("1.28.1"), gkeCluster({ minMasterVersion: "1.34.0-gke.1" })],
            expect: [],
        },
        {
            name: "istiod 1.28 unset and no cluster version in the stack",
            resources: [istiod("1.28.1")],
            expect: [advisory(/not pinned/)],
        },
        {
            name: 'istiod 1.28 with "auto" and a GKE cluster on the "latest" alias (counterpart)',
            resources: [istiod("1.28.1", pilotEnv("auto")), gkeCluster({ minMasterVersion: "latest" })],
            expect: [],
        },
        {
            name: 'istiod 1.28 with "auto", one pool on 1.34 and one whose version is unknown',
            resources: [
                istiod("1.28.1", pilotEnv("auto")),
                gkePool("1.34.1-gke.1"),
                { ...gkePool(UNKNOWN), name: "pool2" },
            ],
            expect: [
                advisory(
                    /values\.pilot\.env\.ENABLE_NATIVE_SIDECARS is "auto": "auto" gives native sidecars only on nodes with kubelet >= 1\.33, and the stack's cluster versions cannot all be read; set ENABLE_NATIVE_SIDECARS: "true" to be sure/,
                ),
            ],
        },
        {
            name: 'istiod with "auto" and no version pinned',
            resources: [istiod(undefined, pilotEnv("auto"))],
            expect: [
                advisory(
                    /cannot tell whether values\.pilot\.env\.ENABLE_NATIVE_SIDECARS="auto" is valid: the istiod version is not pinned or not readable \("auto" exists from 1\.27\); set ENABLE_NATIVE_SIDECARS: "true"/,
                ),
            ],
        },
        {
            name: "istiod unset and its version not readable",
            resources: [istiod("^1.28")],
            expect: [
                advisory(
                    /ENABLE_NATIVE_SIDECARS is unset and the istiod version is not readable, so its default is unknown/,
                ),
            ],
        },
        {
            name: "istiod unset and its version not pinned (the message says so)",
            resources: [istiod(undefined)],
            expect: [
                advisory(
                    /ENABLE_NATIVE_SIDECARS is unset and the istiod version is not pinned, so its default is unknown/,
                ),
            ],
        },
        {
            name: "istiod unset and version not pinned",
            resources: [istiod(undefined)],
            expect: [advisory(/default is unknown/)],
        },
        {
            name: "istiod values secret",
            resources: [istiod("1.28.1", { pilot: { env: SECRET } })],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "istiod env unknown during preview",
            resources: [istiod("1.28.1", pilotEnv(UNKNOWN))],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: 'IstioOperator spec.values.pilot.env "false"',
            resources: [istioOperator({ tag: "1.22.1", values: pilotEnv("false") })],
            expect: [mandatory(/spec.values.pilot.env.ENABLE_NATIVE_SIDECARS is "false"/)],
        },
        {
            name: 'IstioOperator k8s.env list "true" (counterpart)',
            resources: [
                istioOperator({
                    revision: "asm-11910-26",
                    components: { pilot: { k8s: { env: [{ name: "ENABLE_NATIVE_SIDECARS", value: "true" }] } } },
                }),
            ],
            expect: [],
        },
        {
            name: 'IstioOperator k8s.env list "false"',
            resources: [
                istioOperator({
                    revision: "asm-11910-26",
                    components: { pilot: { k8s: { env: [{ name: "ENABLE_NATIVE_SIDECARS", value: "false" }] } } },
                }),
            ],
            expect: [mandatory(/k8s.env\[0\].value is "false"/)],
        },
        {
            name: "IstioOperator on 1.19 with nothing set",
            resources: [istioOperator({ revision: "asm-11910-26" })],
            expect: [mandatory(/unset on istiod 1.19.10/)],
        },
        {
            name: 'Sail Istio spec.values.pilot.env "false"',
            resources: [sail({ version: "v1.28.1", values: pilotEnv("false") })],
            expect: [mandatory(/is "false"/)],
        },
        {
            name: 'Sail Istio spec.values.pilot.env "true" (counterpart)',
            resources: [sail({ version: "v1.28.1", values: pilotEnv("true") })],
            expect: [],
        },
        {
            name: "ASMMeshConfig enableNativeSidecar false",
            resources: [meshConfig({ enableNativeSidecar: false })],
            expect: [mandatory(/enableNativeSidecar is false/)],
        },
        {
            name: "ASMMeshConfig enableNativeSidecar true (counterpart)",
            resources: [meshConfig({ enableNativeSidecar: true })],
            expect: [],
        },
        {
            name: 'ASMMeshConfig enableNativeSidecar "false" (a string)',
            resources: [meshConfig({ enableNativeSidecar: "false" })],
            expect: [
                mandatory(
                    /enableNativeSidecar is false\. ASMMeshConfig is Alibaba ASM's mesh-wide native sidecar switch .*Fix: set spec.enableNativeSidecar: true or drop the field/,
                ),
            ],
        },
        {
            name: 'ASMMeshConfig enableNativeSidecar "False" (any case)',
            resources: [meshConfig({ enableNativeSidecar: "False" })],
            expect: [mandatory(/enableNativeSidecar is false/)],
        },
        {
            name: 'ASMMeshConfig enableNativeSidecar "true" (a string, counterpart)',
            resources: [meshConfig({ enableNativeSidecar: "true" })],
            expect: [],
        },
        {
            name: "ASMMeshConfig enableNativeSidecar unknown during preview",
            resources: [meshConfig({ enableNativeSidecar: UNKNOWN })],
            expect: [advisory(/cannot tell whether spec.enableNativeSidecar is on/)],
        },
        {
            name: "ASMMeshConfig spec secret",
            resources: [meshConfig(SECRET)],
            expect: [advisory(/cannot tell whether spec.enableNativeSidecar is on/)],
        },
        {
            name: "ASMMeshConfig without enableNativeSidecar (default on, counterpart)",
            resources: [meshConfig({})],
            expect: [],
        },
        {
            name: "IstioOperator setting another pilot k8s env variable (counterpart)",
            resources: [
                istioOperator({
                    tag: "1.28.1",
                    values: pilotEnv("true"),
                    components: { pilot: { k8s: { env: [{ name: "PILOT_TRACE_SAMPLING", value: "100" }] } } },
                }),
            ],
            expect: [],
        },
        {
            name: "IstioOperator k8s.env ENABLE_NATIVE_SIDECARS from a valueFrom (cannot tell)",
            resources: [
                istioOperator({
                    tag: "1.28.1",
                    components: {
                        pilot: {
                            k8s: {
                                env: [
                                    {
                                        name: "ENABLE_NATIVE_SIDECARS",
                                        valueFrom: { configMapKeyRef: { name: "c", key: "k" } },
                                    },
                                ],
                            },
                        },
                    },
                }),
            ],
            expect: [
                advisory(
                    /cannot tell whether native sidecars are on: spec.components.pilot.k8s.env\[0\].value is secret, unknown or not readable/,
                ),
            ],
        },
        {
            name: "IstioOperator k8s.env entry whose name is secret (cannot tell)",
            resources: [
                istioOperator({
                    tag: "1.28.1",
                    values: pilotEnv("true"),
                    components: {
                        pilot: {
                            k8s: {
                                env: [
                                    { name: "A", value: "1" },
                                    { name: SECRET, value: "x" },
                                ],
                            },
                        },
                    },
                }),
            ],
            expect: [
                advisory(
                    /cannot tell whether native sidecars are on: spec.components.pilot.k8s.env\[1\] cannot be read/,
                ),
            ],
        },
        {
            name: "IstioOperator k8s.env entry that is not an object (cannot tell)",
            resources: [
                istioOperator({
                    tag: "1.28.1",
                    values: pilotEnv("true"),
                    components: { pilot: { k8s: { env: ["ENABLE_NATIVE_SIDECARS=false"] } } },
                }),
            ],
            expect: [advisory(/spec.components.pilot.k8s.env\[0\] cannot be read/)],
        },
        {
            name: "IstioOperator k8s.env list unknown during preview (cannot tell)",
            resources: [
                istioOperator({
                    tag: "1.28.1",
                    values: pilotEnv("true"),
                    components: { pilot: { k8s: { env: UNKNOWN } } },
                }),
            ],
            expect: [advisory(/spec.components.pilot.k8s.env cannot be read/)],
        },
        {
            name: "istiod pilot.env.ENABLE_NATIVE_SIDECARS secret (cannot tell)",
            resources: [istiod("1.28.1", pilotEnv(SECRET))],
            expect: [advisory(/cannot tell whether native sidecars are on: values.pilot.env cannot be read/)],
        },
        {
            name: "istiod top-level env.ENABLE_NATIVE_SIDECARS unknown (cannot tell)",
            resources: [istiod("1.28.1", { env: { ENABLE_NATIVE_SIDECARS: UNKNOWN } })],
            expect: [advisory(/cannot tell whether native sidecars are on: values.env cannot be read/)],
        },
        {
            name: "asmcli 1.19 install without any overlay",
            resources: [command("asmcli install --project_id p --revision_name asm-11910-26 --enable_all")],
            expect: [mandatory(/unset on istiod 1.19.10/)],
        },
        {
            name: "asmcli install with an overlay file (content not in the resource)",
            resources: [command("asmcli install --revision_name asm-11910-26 --co /tmp/native.yaml")],
            expect: [advisory(/--custom_overlay file .* is not part of the resource/)],
        },
        {
            name: "asmcli --revision-name and --custom-overlay (dash spellings, overlay file not readable)",
            resources: [command("./asmcli install --revision-name asm-11910-26 --custom-overlay native.yaml")],
            expect: [advisory(/--custom_overlay file .* is not part of the resource/)],
        },
        {
            name: "asmcli --revision_name and --custom-overlay (brief's reproduction)",
            resources: [command("./asmcli install --revision_name asm-11910-26 --custom-overlay native.yaml")],
            expect: [advisory(/--custom_overlay file .* is not part of the resource/)],
        },
        {
            name: "asmcli -r and --co=FILE",
            resources: [command("./asmcli install -r asm-11910-26 --co=native.yaml --enable_all")],
            expect: [advisory(/--custom_overlay file .* is not part of the resource/)],
        },
        {
            name: "asmcli flags in another case (asmcli matches them with nocasematch)",
            resources: [command("./asmcli install --Revision_Name asm-11910-26 --CUSTOM_OVERLAY native.yaml")],
            expect: [advisory(/--custom_overlay file .* is not part of the resource/)],
        },
        {
            name: "asmcli apply (install without prompts) without any overlay",
            resources: [command("./asmcli apply --revision_name asm-11910-26 --enable_all")],
            expect: [mandatory(/unset on istiod 1.19.10/)],
        },
        {
            name: "asmcli --revision-name without any overlay (still fires)",
            resources: [command("./asmcli install --revision-name asm-11910-26 --enable_all")],
            expect: [mandatory(/unset on istiod 1.19.10/)],
        },
        {
            name: 'asmcli overlay passed in the environment with "true" (counterpart)',
            resources: [command(ASMCLI_WITH_OVERLAY, { OVERLAY: overlay('"true"') })],
            expect: [],
        },
        {
            name: 'asmcli overlay passed in the environment with "false"',
            resources: [command(ASMCLI_WITH_OVERLAY, { OVERLAY: overlay('"false"') })],
            expect: [mandatory(/environment.OVERLAY overlay spec.values.pilot.env.ENABLE_NATIVE_SIDECARS is "false"/)],
        },
        {
            name: "asmcli overlay in the environment without the variable",
            resources: [
                command(ASMCLI_WITH_OVERLAY, {
                    OVERLAY: "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n",
                }),
            ],
            expect: [mandatory(/unset on istiod 1.19.10/)],
        },
    ],

    "namespace-injection-labels": [
        {
            name: "namespace with istio-injection and istio.io/rev",
            resources: [namespace({ "istio-injection": "enabled", "istio.io/rev": "1-28-1" })],
            expect: [mandatory(/both istio-injection="enabled" and istio.io\/rev="1-28-1"/)],
        },
        {
            name: "namespace with istio.io/rev only (counterpart)",
            resources: [namespace({ "istio.io/rev": "1-28-1" })],
            expect: [],
        },
        {
            name: "a NamespaceList is not a Namespace (counterpart: the type must end with Namespace or NamespacePatch)",
            resources: [
                {
                    ...namespace({ "istio-injection": "enabled", "istio.io/rev": "1-28-1" }),
                    type: "kubernetes:core/v1:NamespaceList",
                },
            ],
            expect: [],
        },
        {
            name: "a type that only ends like a Namespace's is not one (counterpart)",
            resources: [
                {
                    ...namespace({ "istio-injection": "enabled", "istio.io/rev": "1-28-1" }),
                    type: "acme:kubernetes:core/v1:Namespace",
                },
            ],
            expect: [],
        },
        {
            name: "namespace with istio-injection only (counterpart)",
            resources: [namespace({ "istio-injection": "enabled" })],
            expect: [],
        },
        {
            name: "istio.io/rev with a dot",
            resources: [namespace({ "istio.io/rev": "1.28.1" })],
            expect: [mandatory(/not a DNS-1123 label/)],
        },
        {
            name: "istio.io/rev in capitals",
            resources: [namespace({ "istio.io/rev": "Prod" })],
            expect: [mandatory(/not a DNS-1123 label/)],
        },
        {
            name: "namespace.labels Setting with both labels",
            resources: [setting("namespace.labels", "istio-injection=enabled,istio.io/rev=1-28-1")],
            expect: [mandatory(/Formance namespace.labels Setting carries both/)],
        },
        {
            name: "namespace.labels Setting with a dotted revision",
            resources: [setting("namespace.labels", "istio.io/rev=1.28.1")],
            expect: [mandatory(/not a DNS-1123 label/)],
        },
        {
            name: "namespace.labels Setting with a revision only (counterpart)",
            resources: [setting("namespace.labels", "istio.io/rev=1-28-1,team=ledger")],
            expect: [],
        },
        { name: "namespace labels unknown during preview", resources: [namespace(UNKNOWN)], expect: [] },
    ],

    "native-sidecar-annotation": [
        {
            name: "Deployment with sidecar.istio.io/native-sidecar (seed 000)",
            resources: [workload("Deployment", { "sidecar.istio.io/native-sidecar": "true" }), ISTIOD_128],
            expect: [mandatory(/"sidecar.istio.io\/native-sidecar", which Istio ignores/)],
        },
        {
            name: "Pod with sidecar.istio.io/native-side (Istio 1.27 notes)",
            resources: [workload("Pod", { "sidecar.istio.io/native-side": "true" }), ISTIOD_128],
            expect: [mandatory(/native-side", which Istio ignores/)],
        },
        {
            name: "StatefulSet with another spelling",
            resources: [workload("StatefulSet", { "sidecar.istio.io/NativeSidecar": "true" }), ISTIOD_128],
            expect: [mandatory(/which Istio ignores/)],
        },
        {
            name: "DaemonSet with the key under another prefix",
            resources: [workload("DaemonSet", { "proxy.istio.io/nativeSidecar": "true" }), ISTIOD_128],
            expect: [mandatory(/which Istio ignores/)],
        },
        {
            name: "ReplicaSet with native_sidecar",
            resources: [workload("ReplicaSet", { "sidecar.istio.io/native_sidecar": "false" }), ISTIOD_128],
            expect: [mandatory(/which Istio ignores/)],
        },
        {
            name: "Job with the right key (counterpart)",
            resources: [workload("Job", { [NATIVE]: "true" }), ISTIOD_128],
            expect: [],
        },
        {
            name: "CronJob jobTemplate with a misspelled key",
            resources: [workload("CronJob", { "sidecar.istio.io/native-sidecar": "true" }), ISTIOD_128],
            expect: [mandatory(/spec.jobTemplate.spec.template.metadata.annotations/)],
        },
        {
            name: 'value "yes"',
            resources: [workload("Deployment", { [NATIVE]: "yes" }), ISTIOD_128],
            expect: [mandatory(/to "yes"/)],
        },
        {
            name: 'value "True"',
            resources: [workload("Deployment", { [NATIVE]: "True" }), ISTIOD_128],
            expect: [mandatory(/to "True"/)],
        },
        {
            name: 'value "false" (counterpart)',
            resources: [workload("Deployment", { [NATIVE]: "false" }), ISTIOD_128],
            expect: [],
        },
        {
            name: "value unknown during preview",
            resources: [workload("Deployment", { [NATIVE]: UNKNOWN }), ISTIOD_128],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "right annotation with istiod 1.23.6 (too old)",
            resources: [workload("Deployment", { [NATIVE]: "true" }), istiod("1.23.6", pilotEnv("true"))],
            expect: [mandatory(/older than 1.24.0/)],
        },
        {
            name: "right annotation with istiod 1.24.0 (counterpart)",
            resources: [workload("Deployment", { [NATIVE]: "true" }), istiod("1.24.0", pilotEnv("true"))],
            expect: [],
        },
        {
            name: "right annotation while a canary runs 1.23 beside 1.28",
            resources: [workload("Deployment", { [NATIVE]: "true" }), istiod("1.23.6"), ISTIOD_128],
            expect: [advisory(/ignore it/)],
        },
        {
            name: "right annotation in a stack without istiod",
            resources: [workload("Deployment", { [NATIVE]: "true" })],
            expect: [],
        },
        {
            name: "Formance deployments template Setting with a misspelled key",
            resources: [
                setting("deployments.ledger.spec.template.annotations", "sidecar.istio.io/native-sidecar=true"),
                ISTIOD_128,
            ],
            expect: [mandatory(/Formance deployments.ledger.spec.template.annotations Setting has annotation/)],
        },
        {
            name: "Formance jobs template Setting with the right key (counterpart)",
            resources: [setting("jobs.ledger.spec.template.annotations", `${NATIVE}=true`), ISTIOD_128],
            expect: [],
        },
    ],

    "jobs-terminate-with-native-sidecars": [
        {
            name: 'Job with nativeSidecar "false"',
            resources: [workload("Job", { [NATIVE]: "false" })],
            expect: [
                mandatory(
                    /job \(kubernetes:batch\/v1:Job\): the pod template \(spec\.template\.metadata\.annotations\) sets sidecar.istio.io\/nativeSidecar: "false" on a Job\. With a regular sidecar the Job's pod never completes/,
                ),
            ],
        },
        {
            name: 'CronJob with nativeSidecar "false"',
            resources: [workload("CronJob", { [NATIVE]: "false" })],
            expect: [
                mandatory(/the pod template \(spec\.jobTemplate\.spec\.template\.metadata\.annotations\) .* on a Job/),
            ],
        },
        {
            name: 'Job with nativeSidecar "false" and inject "false" (counterpart)',
            resources: [workload("Job", { [NATIVE]: "false", "sidecar.istio.io/inject": "false" })],
            expect: [],
        },
        {
            name: 'Job with nativeSidecar "false" and the inject label "false" (counterpart)',
            resources: [workload("Job", { [NATIVE]: "false" }, { labels: { "sidecar.istio.io/inject": "false" } })],
            expect: [],
        },
        {
            name: 'Job with inject annotation "false" but inject label "true" (the label wins)',
            resources: [
                workload(
                    "Job",
                    { [NATIVE]: "false", "sidecar.istio.io/inject": "false" },
                    { labels: { "sidecar.istio.io/inject": "true" } },
                ),
            ],
            expect: [mandatory(/on a Job/)],
        },
        {
            name: 'Job with inject annotation "false" but an empty inject label (the label wins: namespace default)',
            resources: [
                workload(
                    "Job",
                    { [NATIVE]: "false", "sidecar.istio.io/inject": "false" },
                    { labels: { "sidecar.istio.io/inject": "" } },
                ),
            ],
            expect: [mandatory(/on a Job/)],
        },
        {
            name: 'Job with inject label "false" and annotation "true" (counterpart: the label wins)',
            resources: [
                workload(
                    "Job",
                    { [NATIVE]: "false", "sidecar.istio.io/inject": "true" },
                    { labels: { "sidecar.istio.io/inject": "false" } },
                ),
            ],
            expect: [],
        },
        {
            name: 'Job with inject annotation "off" (counterpart: any value but y/yes/true/on turns injection off)',
            resources: [workload("Job", { [NATIVE]: "false", "sidecar.istio.io/inject": "off" })],
            expect: [],
        },
        {
            name: "Job whose inject label is unknown during preview",
            resources: [
                workload(
                    "Job",
                    { [NATIVE]: "false", "sidecar.istio.io/inject": "false" },
                    { labels: { "sidecar.istio.io/inject": UNKNOWN } },
                ),
            ],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "Job whose inject annotation is unknown during preview (no label)",
            resources: [workload("Job", { [NATIVE]: "false", "sidecar.istio.io/inject": UNKNOWN })],
            expect: [advisory(/cannot tell whether .* keeps injection/)],
        },
        {
            name: "Job whose labels are secret",
            resources: [workload("Job", { [NATIVE]: "false", "sidecar.istio.io/inject": "false" }, { labels: SECRET })],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: 'Job with nativeSidecar "true" (counterpart)',
            resources: [workload("Job", { [NATIVE]: "true" })],
            expect: [],
        },
        {
            name: 'Deployment with nativeSidecar "false" is not a Job',
            resources: [workload("Deployment", { [NATIVE]: "false" })],
            expect: [],
        },
        {
            name: "jobs.* template Setting with nativeSidecar=false",
            resources: [setting("jobs.ledger.spec.template.annotations", `${NATIVE}=false`)],
            expect: [mandatory(/Formance jobs.ledger.spec.template.annotations Setting/)],
        },
        {
            name: "jobs.* template Setting with injection off (counterpart)",
            resources: [
                setting("jobs.ledger.spec.template.annotations", `${NATIVE}=false,sidecar.istio.io/inject=false`),
            ],
            expect: [],
        },
        {
            name: "Job annotation secret",
            resources: [workload("Job", { [NATIVE]: SECRET })],
            expect: [advisory(/cannot tell/)],
        },
        // Istio's injector reads y, yes, true and on (any case) as "inject" (inject.go injectRequired).
        ...["y", "yes", "on", "TRUE", "Yes"].map((value) => ({
            name: `Job with nativeSidecar "false" and the inject label "${value}" (injection kept)`,
            resources: [workload("Job", { [NATIVE]: "false" }, { labels: { "sidecar.istio.io/inject": value } })],
            expect: [mandatory(/on a Job/)],
        })),
        {
            name: 'Job with nativeSidecar "false" and the inject annotation "yes" (injection kept)',
            resources: [workload("Job", { [NATIVE]: "false", "sidecar.istio.io/inject": "yes" })],
            expect: [mandatory(/on a Job.*Fix: remove the annotation \(or set it to "true"\), or turn injection off/)],
        },
        {
            name: "a List of CronJobs is not a CronJob (counterpart: the type must end with the kind)",
            resources: [{ ...workload("CronJob", { [NATIVE]: "false" }), type: "kubernetes:batch/v1:CronJobList" }],
            expect: [],
        },
        {
            name: "a type that only ends like a Job's is not one (counterpart: the type must start with kubernetes:)",
            resources: [{ ...workload("Job", { [NATIVE]: "false" }), type: "acme:kubernetes:batch/v1:Job" }],
            expect: [],
        },
        {
            name: "deployments.* template Setting with nativeSidecar=false is not a Job (counterpart)",
            resources: [setting("deployments.ledger.spec.template.annotations", `${NATIVE}=false`)],
            expect: [],
        },
        {
            name: "jobs.* template Setting with an unknown value",
            resources: [setting("jobs.ledger.spec.template.annotations", UNKNOWN)],
            expect: [],
        },
    ],

    "no-legacy-sidecar-workarounds": [
        {
            name: "Job container calling /quitquitquit",
            resources: [
                workload(
                    "Job",
                    {},
                    {
                        spec: {
                            containers: [
                                {
                                    name: "migrate",
                                    image: "m",
                                    command: ["sh", "-c"],
                                    args: ["run && curl -fsI -X POST http://localhost:15020/quitquitquit"],
                                },
                            ],
                        },
                    },
                ),
                ISTIOD_128,
            ],
            expect: [advisory(/container migrate calls \/quitquitquit/)],
        },
        {
            name: "holdApplicationUntilProxyStarts in proxy.istio.io/config",
            resources: [
                workload("Deployment", { "proxy.istio.io/config": "holdApplicationUntilProxyStarts: true" }),
                ISTIOD_128,
            ],
            expect: [advisory(/holdApplicationUntilProxyStarts in proxy.istio.io\/config/)],
        },
        {
            name: "holdApplicationUntilProxyStarts in istiod values",
            resources: [
                istiod("1.28.1", {
                    ...pilotEnv("true"),
                    meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true } },
                }),
            ],
            expect: [advisory(/istiod config sets holdApplicationUntilProxyStarts/)],
        },
        {
            name: "holdApplicationUntilProxyStarts in an IstioOperator",
            resources: [
                istioOperator({
                    values: { ...pilotEnv("true"), global: { proxy: { holdApplicationUntilProxyStarts: true } } },
                }),
            ],
            expect: [advisory(/holdApplicationUntilProxyStarts/)],
        },
        {
            name: "excludeOutboundPorts annotation",
            resources: [workload("Pod", { "traffic.sidecar.istio.io/excludeOutboundPorts": "5432" }), ISTIOD_128],
            expect: [advisory(/excludeOutboundPorts/)],
        },
        {
            name: "excludeOutboundIPRanges annotation",
            resources: [
                workload("StatefulSet", { "traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/8" }),
                ISTIOD_128,
            ],
            expect: [advisory(/excludeOutboundIPRanges/)],
        },
        {
            name: "init container running as UID 1337",
            resources: [
                workload(
                    "Deployment",
                    {},
                    { spec: { initContainers: [{ name: "wait", image: "w", securityContext: { runAsUser: 1337 } }] } },
                ),
                ISTIOD_128,
            ],
            expect: [advisory(/init container wait runs as UID 1337/)],
        },
        {
            name: "init container inheriting UID 1337 from the pod",
            resources: [
                workload(
                    "Deployment",
                    {},
                    { spec: { securityContext: { runAsUser: 1337 }, initContainers: [{ name: "wait", image: "w" }] } },
                ),
                ISTIOD_128,
            ],
            expect: [advisory(/UID 1337/)],
        },
        {
            name: "Formance annotations Setting with excludeOutboundPorts",
            resources: [
                setting(
                    "deployments.ledger.spec.template.annotations",
                    "traffic.sidecar.istio.io/excludeOutboundPorts=5432",
                ),
                ISTIOD_128,
            ],
            expect: [advisory(/excludeOutboundPorts/)],
        },
        {
            name: "a clean Deployment (counterpart)",
            resources: [
                workload(
                    "Deployment",
                    { [NATIVE]: "true" },
                    { spec: { initContainers: [{ name: "init", image: "i", securityContext: { runAsUser: 1000 } }] } },
                ),
                ISTIOD_128,
            ],
            expect: [],
        },
        { name: "istiod values without the setting (counterpart)", resources: [ISTIOD_128], expect: [] },
        {
            name: "istiod values holding the setting where native sidecars are off (counterpart: still needed there)",
            resources: [
                istiod("1.28.1", {
                    ...pilotEnv("false"),
                    meshConfig: { defaultConfig: { holdApplicationUntilProxyStarts: true } },
                }),
            ],
            expect: [],
        },
        {
            name: "Job calling /quitquitquit in a stack whose istiod has native sidecars off (counterpart)",
            resources: [QUITTER, istiod("1.28.1", pilotEnv("false"))],
            expect: [],
        },
        {
            name: "Job calling /quitquitquit on istiod 1.22 with the variable unset (default off, counterpart)",
            resources: [QUITTER, istiod("1.22.0")],
            expect: [],
        },
        {
            name: "Job calling /quitquitquit in a stack without any control plane (cannot tell: stays quiet)",
            resources: [QUITTER],
            expect: [],
        },
        {
            name: 'Job calling /quitquitquit that opts out with nativeSidecar "false" (counterpart)',
            resources: [
                {
                    ...QUITTER,
                    props: {
                        spec: { template: { metadata: { annotations: { [NATIVE]: "false" } }, spec: QUITTER_SPEC } },
                    },
                },
                ISTIOD_128,
            ],
            expect: [],
        },
        {
            name: 'Job calling /quitquitquit with nativeSidecar "true" on istiod 1.28 whose mesh-wide switch is off',
            resources: [
                {
                    ...QUITTER,
                    props: {
                        spec: { template: { metadata: { annotations: { [NATIVE]: "true" } }, spec: QUITTER_SPEC } },
                    },
                },
                istiod("1.28.1", pilotEnv("false")),
            ],
            expect: [advisory(/calls \/quitquitquit/)],
        },
        {
            name: "Job calling /quitquitquit with injection off (counterpart: no sidecar at all)",
            resources: [
                {
                    ...QUITTER,
                    props: {
                        spec: {
                            template: {
                                metadata: { annotations: { "sidecar.istio.io/inject": "false" } },
                                spec: QUITTER_SPEC,
                            },
                        },
                    },
                },
                ISTIOD_128,
            ],
            expect: [],
        },
    ],

    "formance-settings-valid": [
        {
            name: "a valid map Setting (counterpart)",
            resources: [setting("services.ledger.annotations", 'cloud.google.com/neg={"ingress":true}')],
            expect: [],
        },
        {
            name: "a valid plain Setting (counterpart)",
            resources: [setting("postgres.ledger.uri", "postgresql://db:5432/ledger?sslmode=disable")],
            expect: [],
        },
        {
            name: "key missing",
            resources: [setting(undefined, "x")],
            expect: [
                mandatory(
                    /spec\.key is missing\. the Settings CRD requires string spec\.key and spec\.value .*Fix: set spec\.key to a string\./,
                ),
            ],
        },
        {
            name: "value not a string",
            resources: [setting("namespace.labels", 42)],
            expect: [mandatory(/spec.value is 42, not a string.*Fix: write spec\.value as a string\./)],
        },
        { name: "value secret", resources: [setting("namespace.labels", SECRET)], expect: [advisory(/cannot tell/)] },
        {
            name: "stacks missing",
            resources: [
                {
                    type: "kubernetes:formance.com/v1beta1:Settings",
                    name: "setting",
                    props: { spec: { key: "namespace.labels", value: "a=b" } },
                },
            ],
            expect: [
                mandatory(
                    /spec\.stacks is missing\. The operator applies a Setting only to the stacks listed in spec\.stacks .*Fix: list the stack names, or \["\*"\] for every stack\./,
                ),
            ],
        },
        {
            name: "stacks empty",
            resources: [setting("namespace.labels", "a=b", [])],
            expect: [mandatory(/spec.stacks is \[\]/)],
        },
        {
            name: "stacks a string",
            resources: [setting("namespace.labels", "a=b", "stack0")],
            expect: [mandatory(/spec.stacks is "stack0"/)],
        },
        {
            name: "stacks holding a number",
            resources: [setting("namespace.labels", "a=b", ["stack0", 1])],
            expect: [mandatory(/spec.stacks is/)],
        },
        {
            name: "stacks unknown during preview",
            resources: [setting("namespace.labels", "a=b", UNKNOWN)],
            expect: [advisory(/cannot tell whether spec.stacks is valid/)],
        },
        {
            name: "stacks holding a secret name",
            resources: [setting("namespace.labels", "a=b", ["stack0", SECRET])],
            expect: [advisory(/cannot tell whether spec.stacks is valid/)],
        },
        {
            name: "the seed's NEG annotation (parser rejects it)",
            resources: [
                setting(
                    "services.ledger.annotations",
                    'cloud.google.com/neg={"ingress":true,"exposed_ports":{"8080":{}}}',
                ),
            ],
            expect: [
                mandatory(
                    /rejected: quotes are not allowed in keys.*The operator's parser \(formancehq\/operator .* fails, and the operator then fails the whole Setting.*Fix: write k=v pairs/,
                ),
            ],
        },
        {
            name: "a map value the parser changes (a=b=c)",
            resources: [setting("namespace.annotations", "a=b=c")],
            expect: [
                mandatory(
                    /spec\.value of map key namespace\.annotations is not read as written: the "=" inside the value of "a" is dropped: it reads as "bc"\. The operator's parser .* drops "=" inside values/,
                ),
            ],
        },
        {
            name: "a map value with a duplicate key",
            resources: [setting("gateway.ingress.labels", "a=1,a=2")],
            expect: [mandatory(/key "a" is given more than once: only the last value \("2"\) is kept/)],
        },
        {
            name: 'an unquoted value holding a " (read back exactly: a -> 5" tall, b -> c)',
            resources: [setting("services.gateway.annotations", 'a=5" tall,b=c')],
            expect: [],
        },
        {
            name: "white space after a comma (formatting, trimmed as meant)",
            resources: [setting("namespace.labels", "a=1, b=2")],
            expect: [],
        },
        {
            name: "a quoted value with white space at its ends (trimmed)",
            resources: [setting("namespace.annotations", 'a=" x "')],
            expect: [mandatory(/quoted value of "a" has white space at its ends, which the parser trims/)],
        },
        {
            name: 'a "=" inside a quoted value (dropped)',
            resources: [setting("namespace.annotations", 'a="x=y"')],
            expect: [mandatory(/"=" inside the value of "a" is dropped: it reads as "xy"/)],
        },
        {
            name: "a value starting with = (the byte after = is kept, counterpart)",
            resources: [setting("namespace.annotations", "a==x,b=c")],
            expect: [],
        },
        {
            name: "a non-ASCII value",
            resources: [setting("namespace.labels", "team=équipe")],
            expect: [mandatory(/"team" holds non-ASCII text/)],
        },
        {
            name: "an empty key from a doubled comma",
            resources: [setting("namespace.labels", "a=1,,b=2")],
            expect: [mandatory(/an empty key/)],
        },
        {
            name: "jobs.<Kind> with an upper-case owner kind never matches",
            resources: [setting("jobs.Ledger.spec.template.annotations", "a=b")],
            expect: [
                mandatory(
                    /spec\.key "jobs\.Ledger\.spec\.template\.annotations" names the job owner kind "Ledger" with upper-case letters, so it matches no job\. The operator looks job Settings up under the owner kind in lower case .*write the owner kind in lower case: jobs.ledger.spec.template.annotations/,
                ),
            ],
        },
        {
            name: "jobs.<Kind>.containers with an upper-case owner kind never matches",
            resources: [setting("jobs.Ledger.containers.migrate.run-as", "user=1000")],
            expect: [mandatory(/jobs.ledger.containers.migrate.run-as/)],
        },
        {
            name: "jobs.<kind> in lower case (counterpart)",
            resources: [setting("jobs.ledger.spec.template.annotations", "a=b")],
            expect: [],
        },
        {
            name: "jobs.* wildcard (counterpart)",
            resources: [setting("jobs.*.spec.template.annotations", "a=b")],
            expect: [],
        },
        {
            name: "jobs.<Kind> alone (two segments) with an upper-case owner kind",
            resources: [setting("jobs.Ledger", "x")],
            expect: [mandatory(/write the owner kind in lower case: jobs\.ledger/)],
        },
        {
            name: "an upper-case segment outside jobs (counterpart: only job owner kinds are looked up in lower case)",
            resources: [setting("deployments.Ledger.spec.template.annotations", "a=b")],
            expect: [],
        },
        {
            name: "a List of Settings is not a Setting (counterpart: the type must end with Settings)",
            resources: [{ ...setting(undefined, 42), type: "kubernetes:formance.com/v1beta1:SettingsList" }],
            expect: [],
        },
        {
            name: "a quoted map value with a comma (counterpart)",
            resources: [setting("gateway.ingress.annotations", 'a="x,y",b=z')],
            expect: [],
        },
    ],

    "revision-references-control-plane": [
        {
            name: "namespace on the istiod revision (counterpart)",
            resources: [namespace({ "istio.io/rev": "1-28-1" }), ISTIOD_128],
            expect: [],
        },
        {
            name: "namespace on a revision tag (counterpart)",
            resources: [
                namespace({ "istio.io/rev": "prod-stable" }),
                istiod("1.28.1", { revision: "1-28-1", revisionTags: ["prod-stable"] }),
            ],
            expect: [],
        },
        {
            name: "namespace on a revision the stack does not install",
            resources: [namespace({ "istio.io/rev": "1-27-0" }), ISTIOD_128],
            expect: [
                mandatory(
                    /istio.io\/rev="1-27-0", which no control plane in this stack serves \(revisions and tags: 1-28-1\)/,
                ),
            ],
        },
        {
            name: "IstioOperator revision matched (counterpart)",
            resources: [namespace({ "istio.io/rev": "asm-11910-26" }), istioOperator({ revision: "asm-11910-26" })],
            expect: [],
        },
        {
            name: "IstioOperator revision not matched",
            resources: [namespace({ "istio.io/rev": "asm-11910-9" }), istioOperator({ revision: "asm-11910-26" })],
            expect: [mandatory(/asm-11910-9/)],
        },
        {
            name: "namespace.labels Setting not matching asmcli --revision_name",
            resources: [
                setting("namespace.labels", "istio.io/rev=asm-11910-9"),
                command("asmcli install --revision_name asm-11910-26 --co o.yaml"),
            ],
            expect: [mandatory(/Formance namespace.labels Setting selects/)],
        },
        {
            name: "namespace.labels Setting matching asmcli --revision_name (counterpart)",
            resources: [
                setting("namespace.labels", "istio.io/rev=asm-11910-26"),
                command("asmcli install --revision_name=asm-11910-26 --co o.yaml"),
            ],
            expect: [],
        },
        {
            name: "namespace on a tag our AsmInstall sets with istioctl tag set (counterpart)",
            resources: [namespace({ "istio.io/rev": "prod-stable" }), asmInstall(["prod-stable"])],
            expect: [],
        },
        {
            name: "namespace on a tag our AsmInstall does not set",
            resources: [namespace({ "istio.io/rev": "prod-canary" }), asmInstall(["prod-stable"])],
            expect: [mandatory(/istio.io\/rev="prod-canary".*revisions and tags: asm-11910-26, prod-stable/)],
        },
        {
            name: "istioctl tag set -r REV in another Command (counterpart)",
            resources: [
                namespace({ "istio.io/rev": "prod" }),
                command("asmcli install --revision_name asm-11910-26 --co o.yaml"),
                { ...command("istioctl tag set prod -r asm-11910-26 --overwrite"), name: "tag" },
            ],
            expect: [],
        },
        {
            name: "istioctl tag set --revision=REV with global flags before the tag (counterpart)",
            resources: [
                namespace({ "istio.io/rev": "prod" }),
                command(
                    "asmcli install --revision_name asm-11910-26 --co o.yaml && istioctl --context ctx tag set -y prod --revision=asm-11910-26",
                ),
            ],
            expect: [],
        },
        {
            name: "istioctl tag set for a revision the stack does not install",
            resources: [
                namespace({ "istio.io/rev": "prod" }),
                command("asmcli install --revision_name asm-11910-26 --co o.yaml"),
                { ...command("istioctl tag set prod --revision asm-11910-9"), name: "tag" },
            ],
            expect: [mandatory(/istio.io\/rev="prod"/)],
        },
        {
            name: "istioctl tag set with the tag in a shell variable",
            resources: [
                namespace({ "istio.io/rev": "prod" }),
                command(
                    'asmcli install --revision_name asm-11910-26 --co o.yaml && istioctl tag set "$TAG" -r asm-11910-26',
                ),
            ],
            expect: [advisory(/may still match/)],
        },
        {
            name: "namespace matching asmcli --revision-name (dash spelling, counterpart)",
            resources: [
                namespace({ "istio.io/rev": "asm-11910-26" }),
                command("asmcli install --revision-name asm-11910-26 --custom-overlay o.yaml"),
            ],
            expect: [],
        },
        {
            name: "asmcli --revision_name in a shell variable",
            resources: [
                namespace({ "istio.io/rev": "asm-11910-26" }),
                command('asmcli install --revision_name "$REV"'),
            ],
            expect: [advisory(/may still match/)],
        },
        { name: "no control plane in the stack", resources: [namespace({ "istio.io/rev": "whatever" })], expect: [] },
        {
            name: "only a default-revision istiod",
            resources: [namespace({ "istio.io/rev": "whatever" }), istiod("1.28.1", pilotEnv("true"))],
            expect: [],
        },
        {
            name: "a revision that cannot be read",
            resources: [namespace({ "istio.io/rev": "other" }), ISTIOD_128, istiod("1.28.1", { revision: UNKNOWN })],
            expect: [advisory(/may still match/)],
        },
    ],
};
