// What policy/control-planes.ts reads from a resource that installs istiod, as tables compared whole: a Helm
// release of istiod (named or not), an IstioOperator, a Sail Istio or IstioRevision, an asmcli install run by a
// Command, and an istiod Deployment given as a manifest. Also which resource types are the operators' kinds.
import * as assert from "node:assert/strict";
import {
    ASM_MESH_CONFIG,
    controlPlanesOf,
    isAsmMeshConfig,
    isIstiodChart,
    isIstioOperator,
    isSail,
    ISTIO_OPERATOR,
    SAIL_ISTIO,
    type ControlPlane,
} from "../../policy/control-planes";
import { withEvaluationCache } from "../../policy/evaluation-cache";
import { CANNOT_TELL } from "../../policy/read";
import { type PolicyCase } from "../support/policy/cases";
import { placeCases } from "../support/policy/tableOfPlaces";
import { describeTables } from "../support/policy/table";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SIG = "4dabf18193072939515e22adb298388d";

const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

const ENV = "ENABLE_NATIVE_SIDECARS";

const RELEASE = "kubernetes:helm.sh/v3:Release";

const SAIL_REVISION = "kubernetes:sailoperator.io/v1:IstioRevision";

function plane(kind: ControlPlane["kind"], over: Partial<ControlPlane>): ControlPlane {
    return {
        kind,
        partial: false,
        version: undefined,
        revision: undefined,
        tags: [],
        env: { kind: "read", settings: [] },
        compatibility: undefined,
        overrides: [],
        unreadable: undefined,
        settingsRoot: undefined,
        ...over,
    };
}

describe("policy control planes (b): the operators' kinds", () => {
    it("names the served kinds", () =>
        assert.deepEqual(
            [ISTIO_OPERATOR, SAIL_ISTIO, ASM_MESH_CONFIG],
            [
                "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                "kubernetes:sailoperator.io/v1:Istio",
                "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig",
            ],
        ));
    const table: Array<[(type: string) => boolean, string, boolean]> = [
        [isIstioOperator, "kubernetes:install.istio.io/v1alpha1:IstioOperator", true],
        [isIstioOperator, "kubernetes:install.istio.io/v1:IstioOperator", true],
        [isIstioOperator, "xkubernetes:install.istio.io/v1alpha1:IstioOperator", false],
        [isIstioOperator, "kubernetes:install.istio.io/v1alpha1:IstioOperatorList", false],
        [isSail, "kubernetes:sailoperator.io/v1:Istio", true],
        [isSail, "kubernetes:sailoperator.io/v1alpha1:IstioRevision", true],
        [isSail, "xkubernetes:sailoperator.io/v1:Istio", false],
        [isSail, "kubernetes:sailoperator.io/v1:IstioRevisionTag", false],
        [isSail, "kubernetes:sailoperator.io/v1:IstioCNI", false],
        [isAsmMeshConfig, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig", true],
        [isAsmMeshConfig, "xkubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfig", false],
        [isAsmMeshConfig, "kubernetes:istio.alibabacloud.com/v1beta1:ASMMeshConfigList", false],
    ];
    for (const [read, type, expected] of table) {
        it(`${read.name} ${type}: ${expected}`, () => assert.equal(read(type), expected));
    }
    const charts: Array<[unknown, boolean]> = [
        ["istiod", true],
        ["oci://registry/istio/istiod-1.24.0.tgz", true],
        ["istio-base", false],
        [SECRET, false],
    ];
    for (const [chart, expected] of charts) {
        it(`isIstiodChart ${JSON.stringify(chart)}: ${expected}`, () => assert.equal(isIstiodChart(chart), expected));
    }
});

describe("policy control planes (b): controlPlanesOf", () => {
    const table: Array<[string, () => { type: string; props: unknown }, () => ControlPlane[]]> = [
        [
            "Helm istiod: revision, tags, env, compatibility",
            () => ({
                type: RELEASE,
                props: {
                    chart: "istiod",
                    version: "1.24.1",
                    values: {
                        revision: "canary",
                        revisionTags: ["prod", SECRET],
                        pilot: { env: { [ENV]: "true" } },
                        profile: "compatibility-version-1.23",
                    },
                },
            }),
            () => [
                plane("helm", {
                    version: { field: "version", text: "1.24.1" },
                    revision: "canary",
                    tags: ["prod", CANNOT_TELL],
                    env: {
                        kind: "read",
                        settings: [{ field: `values.pilot.env.${ENV}`, value: "true", beatsProfile: true }],
                    },
                    compatibility: { field: "values.profile", text: "1.23" },
                    settingsRoot: {
                        revision: "canary",
                        revisionTags: ["prod", SECRET],
                        pilot: { env: { [ENV]: "true" } },
                        profile: "compatibility-version-1.23",
                    },
                }),
            ],
        ],
        [
            "Helm istiod: revisionTags a secret, the default revision, the package's version",
            () => ({
                type: RELEASE,
                props: { chart: "istiod-1.22.3.tgz", values: { revision: "default", revisionTags: SECRET } },
            }),
            () => [
                plane("helm", {
                    version: { field: "chart", text: "1.22.3" },
                    tags: [CANNOT_TELL],
                    settingsRoot: { revision: "default", revisionTags: SECRET },
                }),
            ],
        ],
        [
            "Helm istiod: an empty revision is the default one",
            () => ({ type: RELEASE, props: { chart: "istiod", values: { revision: "" } } }),
            () => [plane("helm", { settingsRoot: { revision: "" } })],
        ],
        [
            "Helm: a chart the pack cannot name, given istiod's values",
            () => ({ type: RELEASE, props: { chart: "my-control-plane", values: { pilot: {} } } }),
            () => [
                plane("helm", {
                    version: { field: "chart", text: CANNOT_TELL },
                    unreadable: "the chart is not one the pack can name (istiod?)",
                    settingsRoot: { pilot: {} },
                }),
            ],
        ],
        [
            "Helm: a chart that cannot be read",
            () => ({ type: RELEASE, props: { chart: UNKNOWN } }),
            () => [
                plane("helm", {
                    version: { field: "chart", text: CANNOT_TELL },
                    unreadable: "the chart cannot be read (istiod?)",
                    settingsRoot: {},
                }),
            ],
        ],
        [
            "Helm: another chart",
            () => ({ type: RELEASE, props: { chart: "istio-base", values: { global: {} } } }),
            () => [],
        ],
        [
            "IstioOperator: values env and k8s env both beat the profile, spec.values.compatibilityVersion",
            () => ({
                type: ISTIO_OPERATOR,
                props: {
                    spec: {
                        tag: "1.24.0",
                        revision: "canary",
                        values: {
                            env: { [ENV]: "true" },
                            compatibilityVersion: "1.23",
                            profile: "compatibility-version-1.22",
                        },
                        components: {
                            pilot: {
                                k8s: {
                                    env: [
                                        { name: "PILOT_X", value: "1" },
                                        { name: ENV, value: "false" },
                                    ],
                                },
                            },
                        },
                    },
                },
            }),
            () => [
                plane("istio-operator", {
                    version: { field: "spec.tag", text: "1.24.0" },
                    revision: "canary",
                    env: {
                        kind: "read",
                        settings: [
                            { field: `spec.values.env.${ENV}`, value: "true", beatsProfile: true },
                            { field: `spec.components.pilot.k8s.env[1].value`, value: "false", beatsProfile: true },
                        ],
                    },
                    compatibility: { field: "spec.values.compatibilityVersion", text: "1.23" },
                    settingsRoot: {
                        tag: "1.24.0",
                        revision: "canary",
                        values: {
                            env: { [ENV]: "true" },
                            compatibilityVersion: "1.23",
                            profile: "compatibility-version-1.22",
                        },
                        components: {
                            pilot: {
                                k8s: {
                                    env: [
                                        { name: "PILOT_X", value: "1" },
                                        { name: ENV, value: "false" },
                                    ],
                                },
                            },
                        },
                    },
                }),
            ],
        ],
        [
            "IstioOperator: a profile in spec.values is not read (istioctl's profiles are others)",
            () => ({ type: ISTIO_OPERATOR, props: { spec: { values: { profile: "compatibility-version-1.22" } } } }),
            () => [plane("istio-operator", { settingsRoot: { values: { profile: "compatibility-version-1.22" } } })],
        ],
        [
            "IstioOperator: its own compatibilityVersion wins",
            () => ({
                type: ISTIO_OPERATOR,
                props: { spec: { compatibilityVersion: "1.24", values: { compatibilityVersion: "1.23" } } },
            }),
            () => [
                plane("istio-operator", {
                    compatibility: { field: "spec.compatibilityVersion", text: "1.24" },
                    settingsRoot: { compatibilityVersion: "1.24", values: { compatibilityVersion: "1.23" } },
                }),
            ],
        ],
        [
            "Sail Istio, InPlace by default: named after the resource",
            () => ({
                type: SAIL_ISTIO,
                props: {
                    metadata: { name: "canary" },
                    spec: {
                        version: "v1.24.0",
                        profile: "compatibility-version-1.23",
                        values: { pilot: { env: { [ENV]: "true" } } },
                    },
                },
            }),
            () => [
                plane("sail", {
                    version: { field: "spec.version", text: "v1.24.0" },
                    revision: "canary",
                    env: {
                        kind: "read",
                        settings: [{ field: `spec.values.pilot.env.${ENV}`, value: "true", beatsProfile: true }],
                    },
                    compatibility: { field: "spec.profile", text: "1.23" },
                    settingsRoot: { pilot: { env: { [ENV]: "true" } } },
                }),
            ],
        ],
        [
            "Sail Istio, InPlace, named default; spec.values.profile before spec.profile",
            () => ({
                type: SAIL_ISTIO,
                props: {
                    metadata: { name: "default" },
                    spec: {
                        updateStrategy: { type: "InPlace" },
                        profile: "compatibility-version-1.23",
                        values: { profile: "compatibility-version-1.22" },
                    },
                },
            }),
            () => [
                plane("sail", {
                    compatibility: { field: "spec.values.profile", text: "1.22" },
                    settingsRoot: { profile: "compatibility-version-1.22" },
                }),
            ],
        ],
        [
            "Sail Istio, RevisionBased: the revision carries the version",
            () => ({
                type: SAIL_ISTIO,
                props: { metadata: { name: "canary" }, spec: { updateStrategy: { type: "RevisionBased" } } },
            }),
            () => [plane("sail", { revision: CANNOT_TELL })],
        ],
        [
            "Sail Istio without a readable name",
            () => ({ type: SAIL_ISTIO, props: { metadata: { name: SECRET }, spec: { profile: "ambient" } } }),
            () => [plane("sail", { revision: CANNOT_TELL })],
        ],
        [
            "Sail IstioRevision is the revision itself",
            () => ({
                type: SAIL_REVISION,
                props: { metadata: { name: "canary" }, spec: { updateStrategy: { type: "RevisionBased" } } },
            }),
            () => [plane("sail", { revision: "canary" })],
        ],
        [
            "asmcli with --revision_name",
            () => ({
                type: "command:local:Command",
                props: { create: "./asmcli install --revision_name asm-11910-26 --enable_all" },
            }),
            () => [
                plane("asmcli", {
                    version: { field: "--revision_name", text: "asm-11910-26" },
                    revision: "asm-11910-26",
                }),
            ],
        ],
        [
            "asmcli without --revision_name",
            () => ({ type: "command:local:Command", props: { create: "./asmcli install --enable_all" } }),
            () => [plane("asmcli", { revision: CANNOT_TELL })],
        ],
        [
            "an istiod Deployment manifest",
            () => ({
                type: "kubernetes:apps/v1:Deployment",
                props: {
                    metadata: { labels: { "istio.io/rev": "canary" } },
                    spec: {
                        template: {
                            spec: {
                                containers: [
                                    {
                                        name: "discovery",
                                        image: "docker.io/istio/pilot:1.24.0",
                                        env: [{ name: ENV, value: "true" }],
                                    },
                                ],
                            },
                        },
                    },
                },
            }),
            () => [
                plane("manifest", {
                    version: { field: "spec.template.spec.containers[0].image", text: "1.24.0" },
                    revision: "canary",
                    env: {
                        kind: "read",
                        settings: [
                            {
                                field: "spec.template.spec.containers[0].env[0].value",
                                value: "true",
                                beatsProfile: true,
                            },
                        ],
                    },
                }),
            ],
        ],
    ];
    for (const [name, resource, expected] of table) {
        it(name, () => {
            const { type, props } = resource();
            assert.deepEqual(controlPlanesOf(type, props), expected());
        });
    }
});

// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.

describe("control planes: IstioOperator spec.components.pilot.k8s.env entries", () => {
    const table: Array<[string, unknown[], ControlPlane["env"]]> = [
        ["an entry without a name sets nothing and hides nothing", [{ value: "x" }], { kind: "read", settings: [] }],
        [
            "an entry without a name next to ENABLE_NATIVE_SIDECARS: the setting is read",
            [{ value: "x" }, { name: "ENABLE_NATIVE_SIDECARS", value: "true" }],
            {
                kind: "read",
                settings: [{ field: "spec.components.pilot.k8s.env[1].value", value: "true", beatsProfile: true }],
            },
        ],
        [
            "an entry whose name is not a string may be ENABLE_NATIVE_SIDECARS",
            [{ name: 3, value: "x" }],
            { kind: "cannot-tell", why: "spec.components.pilot.k8s.env[0] cannot be read" },
        ],
    ];
    for (const [name, env, expected] of table) {
        it(name, () => {
            const spec = { components: { pilot: { k8s: { env } } } };
            const expectedPlane: ControlPlane = {
                kind: "istio-operator",
                partial: false,
                version: undefined,
                revision: undefined,
                tags: [],
                env: expected,
                compatibility: undefined,
                overrides: [],
                unreadable: undefined,
                settingsRoot: spec,
            };
            assert.deepEqual(controlPlanesOf(ISTIO_OPERATOR, { spec }), [expectedPlane]);
        });
    }
});

// Every place of Istio's install APIs where istiod's ENABLE_NATIVE_SIDECARS can be set (Helm values, value
// files, IstioOperator values/unvalidatedValues/k8s env/overlays, Sail, Alibaba's ASMMeshConfig), in each state;
// and the release fields and injection settings that can undo it after it is read.
describe("control-planes: what the pack proves (issue 20)", () => {
    const ON = { pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } };
    const release = (extra: Record<string, unknown>, values: Record<string, unknown> = ON) => ({
        type: "kubernetes:helm.sh/v3:Release",
        name: "istiod",
        props: { chart: "istiod", version: "1.28.1", values, ...extra },
    });
    const cannotTell = (match: RegExp) => [{ level: "advisory" as const, match }];

    const overrides: PolicyCase[] = [
        {
            name: "a Release with a post-renderer: cannot tell even with the switch on",
            resources: [release({ postrender: "./rewrite.sh" })],
            expect: cannotTell(/postrender rewrites the rendered manifests/),
        },
        {
            name: "a v4 Chart with a postRenderer: cannot tell",
            resources: [
                { ...release({ postRenderer: { command: "kustomize" } }), type: "kubernetes:helm.sh/v4:Chart" },
            ],
            expect: cannotTell(/postRenderer rewrites/),
        },
        {
            name: "a Release that reuses the cluster's values: cannot tell",
            resources: [release({ reuseValues: true })],
            expect: cannotTell(/reuseValues merges the values of the release in the cluster/),
        },
        {
            name: "reuseValues false, resetValues, skipCrds change nothing read: silent",
            resources: [release({ reuseValues: false, resetValues: true, skipCrds: true })],
            expect: [],
        },
        {
            name: "a custom template replacing the built-in sidecar: cannot tell",
            resources: [release({}, { ...ON, sidecarInjectorWebhook: { templates: { sidecar: "spec: {}" } } })],
            expect: cannotTell(/replaces the built-in sidecar template/),
        },
        {
            name: "a custom template only for pods that ask for it: silent",
            resources: [release({}, { ...ON, sidecarInjectorWebhook: { templates: { hello: "metadata: {}" } } })],
            expect: [],
        },
        {
            name: "defaultTemplates applying another template to every pod: cannot tell",
            resources: [release({}, { ...ON, sidecarInjectorWebhook: { defaultTemplates: ["sidecar", "hello"] } })],
            expect: cannotTell(/defaultTemplates applies templates other than sidecar/),
        },
        {
            name: "defaultTemplates secret: cannot tell",
            resources: [release({}, { ...ON, sidecarInjectorWebhook: { defaultTemplates: SECRET } })],
            expect: cannotTell(/defaultTemplates cannot be read/),
        },
        {
            name: "injection left to a remote istiod (istiodRemote.enabled): cannot tell",
            resources: [release({}, { ...ON, istiodRemote: { enabled: true } })],
            expect: cannotTell(/istiodRemote\.enabled leaves injection to an istiod installed elsewhere/),
        },
        {
            name: "an injectionURL alone points at the istiod these values install (external control plane): silent",
            resources: [release({}, { ...ON, istiodRemote: { injectionURL: "https://127.0.0.1:15017/inject" } })],
            expect: [],
        },
        {
            name: "an off switch stays mandatory beside a post-renderer",
            resources: [
                release({ postrender: "./rewrite.sh" }, { pilot: { env: { ENABLE_NATIVE_SIDECARS: "false" } } }),
            ],
            expect: [{ level: "mandatory", match: /ENABLE_NATIVE_SIDECARS is "false"/ }],
        },
        {
            name: "IstioOperator overlay patching the istiod containers elsewhere: cannot tell",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "istio",
                    props: {
                        spec: {
                            tag: "1.28.1",
                            values: ON,
                            components: {
                                pilot: {
                                    k8s: {
                                        overlays: [
                                            {
                                                kind: "Deployment",
                                                name: "istiod",
                                                patches: [
                                                    {
                                                        path: "spec.template.spec.containers.[name:discovery].envFrom",
                                                        value: [],
                                                    },
                                                ],
                                            },
                                        ],
                                    },
                                },
                            },
                        },
                    },
                },
            ],
            expect: cannotTell(/patches spec\.template\.spec\.containers\.\[name:discovery\]\.envFrom/),
        },
        {
            name: "IstioOperator with one of istioctl's profiles: silent",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "istio",
                    props: { spec: { profile: "minimal", tag: "1.28.1", values: ON } },
                },
            ],
            expect: [],
        },
        {
            name: "IstioOperator with a profile istioctl does not ship (a file, asmcli's): cannot tell",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "istio",
                    props: { spec: { profile: "./my-profile.yaml", tag: "1.28.1", values: ON } },
                },
            ],
            expect: cannotTell(/spec\.profile "\.\/my-profile\.yaml" is not one of istioctl's profiles/),
        },
        {
            name: "IstioOperator overlay on another kind: silent",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "istio",
                    props: {
                        spec: {
                            tag: "1.28.1",
                            values: ON,
                            components: {
                                pilot: {
                                    k8s: {
                                        overlays: [
                                            {
                                                kind: "Service",
                                                name: "istiod",
                                                patches: [{ path: "spec.type", value: "NodePort" }],
                                            },
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
        {
            name: "IstioOperator unvalidatedValues off over values on: mandatory (istioctl merges them over values)",
            resources: [
                {
                    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
                    name: "istio",
                    props: {
                        spec: {
                            tag: "1.28.1",
                            values: ON,
                            unvalidatedValues: { pilot: { env: { ENABLE_NATIVE_SIDECARS: "false" } } },
                        },
                    },
                },
            ],
            expect: [{ level: "mandatory", match: /spec\.values\.pilot\.env\.ENABLE_NATIVE_SIDECARS is "false"/ }],
        },
    ];

    describe("control-planes: every place of Istio's install APIs", () => {
        describeTables(placeCases("control-planes"));
        describe("what can undo the switch after it is read", () => {
            describeTables({ "native-sidecars-enabled": overrides });
        });
    });
});

// controlPlanesOf answers a type that cannot install a control plane without reading its props (issue 20): seven
// rules ask about every resource, and most of a stack's resources are of such types.
describe("control planes: which types are read at all", () => {
    /** Props that count every look at them (a key asked for, a property read). */
    function watched(): { props: object; looks: () => number } {
        let looks = 0;
        const look = () => void looks++;
        const props = new Proxy(
            {},
            {
                get: (target, key) => (look(), Reflect.get(target, key)),
                has: (target, key) => (look(), Reflect.has(target, key)),
                getOwnPropertyDescriptor: (target, key) => (look(), Reflect.getOwnPropertyDescriptor(target, key)),
                ownKeys: (target) => (look(), Reflect.ownKeys(target)),
            },
        );
        return { props, looks: () => looks };
    }

    const neverInstall = [
        "kubernetes:core/v1:Service",
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:formance.com/v1beta1:Settings",
        "gcp:container/cluster:Cluster",
        "alicloud:servicemesh/serviceMesh:ServiceMesh",
    ];
    for (const type of neverInstall) {
        it(`${type}: the one frozen empty list, its props unread, in an evaluation or not`, () => {
            const { props, looks } = watched();
            const answer = controlPlanesOf(type, props);
            assert.deepEqual(answer, []);
            assert.ok(Object.isFrozen(answer));
            assert.strictEqual(controlPlanesOf(type, props), answer);
            assert.strictEqual(
                withEvaluationCache(() => controlPlanesOf(type, props)),
                answer,
            );
            assert.equal(looks(), 0);
        });
    }

    const mayInstall = [
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:helm.sh/v4:Chart",
        "kubernetes:install.istio.io/v1alpha1:IstioOperator",
        "kubernetes:sailoperator.io/v1:Istio",
        "kubernetes:sailoperator.io/v1alpha1:IstioRevision",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:DeploymentPatch",
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:Pod",
        "command:local:Command",
        "command:remote:Command",
    ];
    for (const type of mayInstall) {
        it(`${type}: its props are read`, () => {
            const { props, looks } = watched();
            controlPlanesOf(type, props);
            assert.ok(looks() > 0);
        });
    }
});
