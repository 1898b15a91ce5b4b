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
import { CANNOT_TELL } from "../../policy/read";

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
                unreadable: undefined,
                settingsRoot: spec,
            };
            assert.deepEqual(controlPlanesOf(ISTIO_OPERATOR, { spec }), [expectedPlane]);
        });
    }
});
