// Fixture tables for the shapes a stack could use to walk around the pack (issue 12 section 3), the findings
// that misled (issue 10) and the behaviours mutation testing found untested (issue 13). Resources in, expected
// violations out, through the CrossGuard policy objects and the offline engine alike.

import { strict as assert } from "assert";
import { evaluatePolicies } from "../../policy/evaluate";
import type { TestResource } from "../support/policy/args";
import { SECRET, UNKNOWN, type Expected, type PolicyCase } from "../support/policy/cases";
import { describeTables, toStack } from "../support/policy/table";

const mandatory = (match: RegExp): Expected => ({ level: "mandatory", match });
const advisory = (match: RegExp): Expected => ({ level: "advisory", match });

const NATIVE = "sidecar.istio.io/nativeSidecar";
const INJECT = "sidecar.istio.io/inject";
const env = (value: unknown) => ({ env: { ENABLE_NATIVE_SIDECARS: value } });
const helm = (props: Record<string, unknown>, type = "kubernetes:helm.sh/v3:Release"): TestResource => ({
    type,
    name: "istiod",
    props,
});
const istiod = (version: string, values: Record<string, unknown>): TestResource =>
    helm({ chart: "istiod", version, values });
const ON = istiod("1.28.1", { pilot: env("true") });
const OLD = istiod("1.23.6", { pilot: env("true") });
const command = (create: unknown, environment?: Record<string, unknown>, type = "command:local:Command") => ({
    type,
    name: "install",
    props: { create, environment },
});
const overlay = (value: string) =>
    `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    pilot:\n      env:\n        ENABLE_NATIVE_SIDECARS: ${value}\n`;
const stringAsset = (text: string) => ({
    "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
    text,
});
const fileAsset = (path: string) => ({
    "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
    path,
});
const job = (kind: "Job" | "CronJob", annotations: Record<string, unknown>, labels?: Record<string, string>) => {
    const template = { metadata: { annotations, labels }, spec: { containers: [{ name: "c", image: "c" }] } };
    return {
        type: `kubernetes:batch/v1:${kind}`,
        name: kind.toLowerCase(),
        props: kind === "Job" ? { spec: { template } } : { spec: { jobTemplate: { spec: { template } } } },
    };
};
const istiodDeployment = (type: string, container: Record<string, unknown>): TestResource => ({
    type,
    name: "istiod-manifest",
    props: { metadata: { name: "istiod" }, spec: { template: { spec: { containers: [container] } } } },
});
const setting = (key: string, value: string): TestResource => ({
    type: "kubernetes:formance.com/v1beta1:Settings",
    name: "setting",
    props: { spec: { key, value, stacks: ["*"] } },
});

const TABLES: Record<string, PolicyCase[]> = {
    "istio-version-supports-native-sidecars": [
        {
            name: "istiod chart given as a URL to a .tgz (version from the package name)",
            resources: [helm({ chart: "https://charts.example/istiod-1.18.2.tgz" })],
            expect: [mandatory(/chart "1.18.2" is below 1.19/)],
        },
        {
            name: "istiod chart given as a local .tgz with a version (counterpart)",
            resources: [helm({ chart: "./istiod-1.28.1.tgz", version: "1.28.1" })],
            expect: [],
        },
        {
            name: "pilot.tag older than the chart",
            resources: [istiod("1.28.1", { pilot: { tag: "1.18.7" } })],
            expect: [mandatory(/values.pilot.tag "1.18.7" is below 1.19/)],
        },
        {
            name: "pilot.image with a registry and an old tag",
            resources: [istiod("1.28.1", { pilot: { image: "registry.example/istio/pilot:1.17.0" } })],
            expect: [mandatory(/pilot.image "1.17.0" is below 1.19/)],
        },
        {
            name: "pilot.image pinned by digest (cannot tell)",
            resources: [istiod("1.28.1", { pilot: { image: "registry.example/pilot@sha256:abc" } })],
            expect: [advisory(/cannot tell the istiod version/)],
        },
        {
            name: "a values file the pack cannot read (cannot tell)",
            resources: [helm({ chart: "istiod", version: "1.28.1", valueYamlFiles: [fileAsset("values.yaml")] })],
            expect: [advisory(/valueYamlFiles\[0\] is a file or URL/)],
        },
        {
            name: "a raw istiod Deployment running pilot 1.18",
            resources: [
                istiodDeployment("kubernetes:apps/v1:Deployment", {
                    name: "discovery",
                    image: "docker.io/istio/pilot:1.18.2",
                }),
            ],
            expect: [mandatory(/image "1.18.2" is below 1.19/)],
        },
        {
            name: "a DeploymentPatch putting an old pilot image on istiod",
            resources: [
                istiodDeployment("kubernetes:apps/v1:DeploymentPatch", {
                    name: "discovery",
                    image: "docker.io/istio/pilot:1.18.2",
                }),
            ],
            expect: [mandatory(/below 1.19/)],
        },
        {
            name: "Sail Istio v1.18.0 (below the floor)",
            resources: [
                {
                    type: "kubernetes:sailoperator.io/v1:Istio",
                    name: "default",
                    props: { spec: { version: "v1.18.0" } },
                },
            ],
            expect: [mandatory(/spec.version "v1.18.0" is below 1.19/)],
        },
        {
            name: "Sail Istio v1.19.0 (counterpart)",
            resources: [
                {
                    type: "kubernetes:sailoperator.io/v1:Istio",
                    name: "default",
                    props: { spec: { version: "v1.19.0" } },
                },
            ],
            expect: [],
        },
        {
            name: "Sail IstioRevision v1alpha1 below the floor",
            resources: [
                {
                    type: "kubernetes:sailoperator.io/v1alpha1:IstioRevision",
                    name: "rev",
                    props: { spec: { version: "v1.17.8" } },
                },
            ],
            expect: [mandatory(/below 1.19/)],
        },
        {
            name: "Alibaba ServiceMesh version given as a number",
            resources: [
                { type: "alicloud:servicemesh/serviceMesh:ServiceMesh", name: "asm", props: { version: 1.21 } },
            ],
            expect: [mandatory(/"1.21" is below 1.22/)],
        },
    ],

    "native-sidecars-enabled": [
        {
            name: "compatibilityVersion 1.26 turns ENABLE_NATIVE_SIDECARS off",
            resources: [istiod("1.28.1", { compatibilityVersion: "1.26", pilot: { autoscaleMin: 2 } })],
            expect: [
                mandatory(/values.compatibilityVersion is "1.26", which sets pilot.env.ENABLE_NATIVE_SIDECARS "false"/),
            ],
        },
        {
            name: "compatibilityVersion as a number 1.26",
            resources: [istiod("1.28.1", { compatibilityVersion: 1.26 })],
            expect: [mandatory(/compatibilityVersion is "1.26"/)],
        },
        {
            name: 'profile compatibility-version-1.25 beats a top-level env "true"',
            resources: [istiod("1.28.1", { profile: "compatibility-version-1.25", ...env("true") })],
            expect: [mandatory(/values.profile is "1.25".* over values.env.ENABLE_NATIVE_SIDECARS/)],
        },
        {
            name: "global.profile compatibility-version-1.24",
            resources: [istiod("1.28.1", { global: { profile: "compatibility-version-1.24" } })],
            expect: [mandatory(/values.global.profile is "1.24"/)],
        },
        {
            name: 'compatibilityVersion 1.26 with pilot.env "true", which wins (counterpart)',
            resources: [istiod("1.28.1", { compatibilityVersion: "1.26", pilot: env("true") })],
            expect: [],
        },
        {
            name: "compatibilityVersion 1.27 keeps the auto default (counterpart)",
            resources: [istiod("1.28.1", { compatibilityVersion: "1.27", ...env("true") })],
            expect: [],
        },
        {
            name: "a profile Istio does not ship (cannot tell)",
            resources: [istiod("1.28.1", { profile: "house-special", ...env("true") })],
            expect: [advisory(/profile Istio does not ship/)],
        },
        {
            name: "compatibilityVersion unknown during preview (cannot tell)",
            resources: [istiod("1.28.1", { compatibilityVersion: UNKNOWN, ...env("true") })],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "Sail Istio spec.values.compatibilityVersion 1.26",
            resources: [
                {
                    type: "kubernetes:sailoperator.io/v1:Istio",
                    name: "default",
                    props: {
                        metadata: { name: "default" },
                        spec: { version: "v1.28.1", values: { compatibilityVersion: "1.26" } },
                    },
                },
            ],
            expect: [mandatory(/spec.values.compatibilityVersion is "1.26"/)],
        },
        {
            name: "IstioOperator spec.compatibilityVersion 1.26",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "iop",
                    props: { spec: { tag: "1.28.1", compatibilityVersion: "1.26" } },
                },
            ],
            expect: [mandatory(/spec.compatibilityVersion is "1.26"/)],
        },
        {
            name: "valueYamlFiles (string asset) turning the switch off",
            resources: [
                helm({
                    chart: "istiod",
                    version: "1.28.1",
                    valueYamlFiles: [stringAsset('pilot:\n  env:\n    ENABLE_NATIVE_SIDECARS: "false"\n')],
                }),
            ],
            expect: [mandatory(/pilot.env.ENABLE_NATIVE_SIDECARS is "false"/)],
        },
        {
            name: "valueYamlFiles off, values on: values win (counterpart)",
            resources: [
                helm({
                    chart: "istiod",
                    version: "1.28.1",
                    valueYamlFiles: [stringAsset('pilot:\n  env:\n    ENABLE_NATIVE_SIDECARS: "false"\n')],
                    values: { pilot: env("true") },
                }),
            ],
            expect: [],
        },
        {
            name: "valueYamlFiles the pack cannot read and no switch in values (cannot tell)",
            resources: [helm({ chart: "istiod", version: "1.22.0", valueYamlFiles: [fileAsset("native.yaml")] })],
            expect: [advisory(/valueYamlFiles\[0\] is a file or URL/)],
        },
        {
            name: "istiod chart as a .tgz URL with the switch off",
            resources: [helm({ chart: "https://charts.example/istiod-1.28.1.tgz", values: { pilot: env("false") } })],
            expect: [mandatory(/is "false"/)],
        },
        {
            name: "a renamed chart given istiod's values is read as istiod",
            resources: [
                helm({ chart: "oci://registry.example/mesh-core", version: "1.28.1", values: { pilot: env("false") } }),
            ],
            expect: [mandatory(/is "false"/)],
        },
        {
            name: "a chart that cannot be read (cannot tell)",
            resources: [helm({ chart: SECRET, version: "1.28.1" })],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "a raw istiod Deployment with the switch off in its env",
            resources: [
                istiodDeployment("kubernetes:apps/v1:Deployment", {
                    name: "discovery",
                    image: "docker.io/istio/pilot:1.28.1",
                    env: [
                        { name: "PILOT_TRACE_SAMPLING", value: "1" },
                        { name: "ENABLE_NATIVE_SIDECARS", value: "false" },
                    ],
                }),
            ],
            expect: [mandatory(/containers\[0\].env\[1\].value is "false"/)],
        },
        {
            name: "a raw istiod Deployment 1.22 without the variable",
            resources: [
                istiodDeployment("kubernetes:apps/v1:Deployment", { name: "discovery", image: "istio/pilot:1.22.0" }),
            ],
            expect: [mandatory(/unset on istiod 1.22.0/)],
        },
        {
            name: "a raw istiod Deployment reading the switch from a ConfigMap (cannot tell)",
            resources: [
                istiodDeployment("kubernetes:apps/v1:Deployment", {
                    name: "discovery",
                    image: "istio/pilot:1.28.1",
                    env: [{ name: "ENABLE_NATIVE_SIDECARS", valueFrom: { configMapKeyRef: { name: "x", key: "y" } } }],
                }),
            ],
            expect: [advisory(/cannot tell/)],
        },
        {
            name: "a DeploymentPatch setting the switch off on istiod",
            resources: [
                istiodDeployment("kubernetes:apps/v1:DeploymentPatch", {
                    name: "discovery",
                    env: [{ name: "ENABLE_NATIVE_SIDECARS", value: "false" }],
                }),
            ],
            expect: [mandatory(/is "false"/)],
        },
        {
            name: "a DeploymentPatch on istiod that leaves the switch alone (counterpart)",
            resources: [
                istiodDeployment("kubernetes:apps/v1:DeploymentPatch", {
                    name: "discovery",
                    resources: { requests: {} },
                }),
            ],
            expect: [],
        },
        {
            name: "an app Deployment is not istiod (counterpart)",
            resources: [istiodDeployment("kubernetes:apps/v1:Deployment", { name: "app", image: "app:1" })],
            expect: [],
        },
        {
            name: "asmcli inside sh -c with an overlay turning the switch off",
            resources: [
                command(
                    'sh -c \'printf "%s" "$OV" > o.yaml && ./asmcli install --revision_name asm-1285-12 --custom_overlay o.yaml\'',
                    { OV: overlay('"false"') },
                ),
            ],
            expect: [mandatory(/environment.OV overlay spec.values.pilot.env.ENABLE_NATIVE_SIDECARS is "false"/)],
        },
        {
            name: "asmcli overlay written from a here-document",
            resources: [
                command(
                    `cat > o.yaml <<'EOF'\n${overlay('"false"')}EOF\nasmcli install --revision_name asm-1285-12 --co o.yaml`,
                ),
            ],
            expect: [mandatory(/here-document overlay .* is "false"/)],
        },
        {
            name: "asmcli overlay file beside an unrelated overlay in the environment (cannot tell)",
            resources: [
                command("asmcli install --revision_name asm-1285-12 --co /etc/native.yaml", {
                    OTHER: overlay('"true"'),
                }),
            ],
            expect: [advisory(/--custom_overlay file \/etc\/native.yaml is not part of the resource/)],
        },
        {
            name: "a renamed asmcli in a command:remote:Command, no overlay",
            resources: [
                command(
                    "/opt/csm/install_mesh install --project_id p --cluster_name c --cluster_location l --revision_name asm-1228-1",
                    undefined,
                    "command:remote:Command",
                ),
            ],
            expect: [mandatory(/unset on istiod 1.22.8/)],
        },
        {
            name: 'ASMMeshConfig enableNativeSidecar "false" as a string',
            resources: [
                {
                    type: "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig",
                    name: "default",
                    props: { spec: { enableNativeSidecar: "false" } },
                },
            ],
            expect: [mandatory(/enableNativeSidecar is false/)],
        },
        {
            name: "ENABLE_NATIVE_SIDECARS secret (cannot tell)",
            resources: [istiod("1.28.1", { pilot: { env: { ENABLE_NATIVE_SIDECARS: SECRET } } })],
            expect: [advisory(/cannot tell whether native sidecars are on/)],
        },
        {
            name: "IstioOperator with other k8s.env entries and the switch on (counterpart)",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "iop",
                    props: {
                        spec: {
                            tag: "1.22.1",
                            components: {
                                pilot: {
                                    k8s: {
                                        env: [
                                            { name: "PILOT_ENABLE_STATUS", value: "false" },
                                            { name: "ENABLE_NATIVE_SIDECARS", value: "true" },
                                            { name: "PILOT_TRACE_SAMPLING", value: "1" },
                                        ],
                                    },
                                },
                            },
                        },
                    },
                },
            ],
            expect: [],
        },
    ],

    "no-managed-control-plane": [
        {
            name: "gcloud container fleet mesh update --management automatic",
            resources: [
                command("gcloud container fleet mesh update --management automatic --memberships m --project p"),
            ],
            expect: [mandatory(/--management automatic/)],
        },
        {
            name: "gcloud beta container hub mesh update --control-plane=AUTOMATIC",
            resources: [command("gcloud beta container hub mesh update --control-plane=AUTOMATIC --membership m")],
            expect: [mandatory(/--control-plane AUTOMATIC/)],
        },
        {
            name: "gcloud fleet mesh update --management manual (counterpart)",
            resources: [command("gcloud container fleet mesh update --management manual --memberships m")],
            expect: [],
        },
        {
            name: "gcloud fleet mesh enable with a fleet default config file (cannot tell)",
            resources: [command("gcloud container fleet mesh enable --fleet-default-member-config mesh.yaml")],
            expect: [advisory(/cannot tell whether the mesh is managed/)],
        },
        {
            name: "asmcli --managed wrapped in bash -c",
            resources: [command("bash -c './asmcli install --managed --enable_all'")],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "a renamed asmcli with --managed",
            resources: [command("./mesh-installer install --project_id p --managed")],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "asmcli --managed in a command:remote:Command",
            resources: [command("asmcli install --managed --enable_all", undefined, "command:remote:Command")],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "asmcli --managed on update only",
            resources: [
                {
                    type: "command:local:Command",
                    name: "install",
                    props: { create: "echo", update: "asmcli install --managed" },
                },
            ],
            expect: [mandatory(/--managed/)],
        },
        {
            name: "a Command whose text is unknown during preview (cannot tell)",
            resources: [command(UNKNOWN)],
            expect: [advisory(/cannot tell whether this Command installs a managed control plane/)],
        },
        {
            name: "a NamespacePatch selecting a managed revision",
            resources: [
                {
                    type: "kubernetes:core/v1:NamespacePatch",
                    name: "apps",
                    props: { metadata: { name: "apps", labels: { "istio.io/rev": "asm-managed" } } },
                },
            ],
            expect: [mandatory(/asm-managed selects a Google-managed/)],
        },
    ],

    "namespace-injection-labels": [
        {
            name: "a NamespacePatch with both injection labels",
            resources: [
                {
                    type: "kubernetes:core/v1:NamespacePatch",
                    name: "apps",
                    props: {
                        metadata: { name: "apps", labels: { "istio-injection": "enabled", "istio.io/rev": "1-28-1" } },
                    },
                },
            ],
            expect: [mandatory(/carries both/)],
        },
    ],

    "kubernetes-version-supports-native-sidecars": [
        {
            name: "node pool version given as a number",
            resources: [{ type: "gcp:container/nodePool:NodePool", name: "pool", props: { version: 1.28 } }],
            expect: [mandatory(/"1.28" is below 1.29/)],
        },
    ],

    "jobs-terminate-with-native-sidecars": [
        ...["yes", "y", "on", "YES", "True"].map((value) => ({
            name: `Job with inject "${value}" (injects) and nativeSidecar "false"`,
            resources: [job("Job", { [NATIVE]: "false", [INJECT]: value })],
            expect: [mandatory(/on a Job/)],
        })),
        {
            name: 'CronJobPatch with nativeSidecar "false"',
            resources: [{ ...job("CronJob", { [NATIVE]: "false" }), type: "kubernetes:batch/v1:CronJobPatch" }],
            expect: [mandatory(/on a Job/)],
        },
        {
            name: "Formance deployments.* Setting with nativeSidecar=false is not a Job (counterpart)",
            resources: [setting("deployments.ledger.spec.template.annotations", `${NATIVE}=false`)],
            expect: [],
        },
    ],

    "native-sidecar-annotation": [
        {
            name: 'CronJob with inject "false" and nativeSidecar "false" on an old istiod (counterpart: not injected)',
            resources: [job("CronJob", { [NATIVE]: "false", [INJECT]: "false" }), OLD],
            expect: [],
        },
        {
            name: 'CronJob with the inject label "false" and a misspelled key (counterpart: not injected)',
            resources: [job("CronJob", { "sidecar.istio.io/native-sidecar": "true" }, { [INJECT]: "false" }), ON],
            expect: [],
        },
        {
            name: 'Job with nativeSidecar "false" on an old istiod: owned by jobs-terminate-with-native-sidecars',
            resources: [job("Job", { [NATIVE]: "false" }), OLD],
            expect: [],
        },
        {
            name: 'Deployment with nativeSidecar "false" on an old istiod: the fix does not contradict the opt-out',
            resources: [
                {
                    type: "kubernetes:apps/v1:Deployment",
                    name: "web",
                    props: { spec: { template: { metadata: { annotations: { [NATIVE]: "false" } } } } },
                },
                OLD,
            ],
            expect: [mandatory(/older than 1.24.0.*Fix: upgrade istiod to 1.24.0 or later, or remove the annotation/)],
        },
        {
            name: "CronJobPatch with a misspelled key",
            resources: [
                {
                    ...job("CronJob", { "sidecar.istio.io/native-sidecar": "true" }),
                    type: "kubernetes:batch/v1:CronJobPatch",
                },
                ON,
            ],
            expect: [mandatory(/which Istio ignores/)],
        },
    ],
};

describe("walk-arounds, misleading findings and untested behaviours, over fixture tables", () => {
    describeTables(TABLES);

    it('one problem on one Job (nativeSidecar "false", istiod 1.23) is reported once, by its owner', () => {
        const stack = toStack([job("Job", { [NATIVE]: "false" }), OLD]);
        const onJob = evaluatePolicies(stack).filter(
            (violation) => violation.urn === stack[0].urn && violation.enforcementLevel === "mandatory",
        );
        assert.deepEqual(
            onJob.map((violation) => violation.policy),
            ["jobs-terminate-with-native-sidecars"],
        );
    });
});
