// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.

import * as assert from "node:assert/strict";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { controlPlanesOf, ISTIO_OPERATOR, type ControlPlane } from "../policy/control-planes";
import { evaluatePolicies, PolicyConfigError, type Violation } from "../policy/evaluate";
import { configSchemaOf } from "../policy/rule";
import { POLICIES, RULES } from "../policy/rules";
import {
    isSettings,
    settingMapOf,
    settingNamespaceLabels,
    settingTemplateAnnotations,
    type SettingMap,
} from "../policy/workloads";
import { runResourcePolicy, runStackPolicy } from "./policy/args";
import { stackResource } from "./support/stackResource";

const ISTIO_VERSION = "istio-version-supports-native-sidecars";
const ENABLED = "native-sidecars-enabled";
const LEVELS = "advisory, mandatory, remediate, disabled";
const SETTINGS = "kubernetes:formance.com/v1beta1:Settings";

const ruleNamed = (name: string) => RULES.find((rule) => rule.name === name)!;
const policyNamed = (name: string) => POLICIES.find((policy) => policy.name === name)!;

/** The message of the PolicyConfigError `run` throws; fails the test on any other outcome. */
function configErrorOf(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof PolicyConfigError, `not a PolicyConfigError: ${String(error)}`);
        return error.message;
    }
    assert.fail("accepted a config that should be refused");
}

describe("offline engine: pack configs it accepts", () => {
    // An istiod 1.18 IstioOperator: istio-version-supports-native-sidecars refuses it at its default level.
    const below = (level: Violation["enforcementLevel"]): Violation => ({
        policy: ISTIO_VERSION,
        enforcementLevel: level,
        urn: "urn:pulumi:s::p::kubernetes:install.istio.io/v1alpha1:IstioOperator::istiod",
        message:
            'istiod (kubernetes:install.istio.io/v1alpha1:IstioOperator): istiod spec.tag "1.18.0" is below 1.19. Native sidecar injection first shipped in Istio 1.19.0 (istio/istio pilot/pkg/features, ENABLE_NATIVE_SIDECARS, tag 1.19.0). Fix: use istiod 1.19 or later (1.28+ recommended).',
    });
    const table: Array<[string, unknown, Violation[]]> = [
        ["no config", undefined, [below("mandatory")]],
        ["a JSON null config, as no config", null, [below("mandatory")]],
        ['"all" as an object without enforcementLevel keeps the default', { all: {} }, [below("mandatory")]],
        ['"all" as an object with a level sets it', { all: { enforcementLevel: "advisory" } }, [below("advisory")]],
        ['"all" as a level string sets it', { all: "advisory" }, [below("advisory")]],
    ];
    for (const [name, packConfig, expected] of table) {
        it(`${name}: the pack runs with it`, () => {
            const resource = stackResource(ISTIO_OPERATOR, "istiod", { spec: { tag: "1.18.0" } });
            const found = evaluatePolicies([resource], packConfig).filter(
                (violation) => violation.policy === ISTIO_VERSION,
            );
            assert.deepEqual(found, expected);
        });
    }
});

describe("offline engine: pack configs it refuses, with the whole message", () => {
    const notVersion = (key: string, value: string) =>
        `policy "${ISTIO_VERSION}": config "${key}" is ${JSON.stringify(value)}; expected a version such as "1.29"`;
    // Shaped like a version (digits and dots) but not one the pack can compare: a part beyond 2^53, or longer
    // than parseVersion reads (256 characters).
    const huge = "9007199254740993.0";
    const long = `1.${"0".repeat(300)}`;
    const table: Array<[string, unknown, string]> = [
        [
            '"all" as a string that is not a level',
            { all: "loud" },
            `policy "all": enforcementLevel "loud" is not one of ${LEVELS}`,
        ],
        [
            '"all" as an object whose enforcementLevel is not a level',
            { all: { enforcementLevel: "loud" } },
            `policy "all": enforcementLevel "loud" is not one of ${LEVELS}`,
        ],
        [
            "a version floor with a part too large to compare",
            { [ISTIO_VERSION]: { istioMinVersion: huge } },
            notVersion("istioMinVersion", huge),
        ],
        [
            "a version floor longer than a version is read",
            { [ISTIO_VERSION]: { asmMinVersion: long } },
            notVersion("asmMinVersion", long),
        ],
    ];
    for (const [name, packConfig, expected] of table) {
        it(`${name}: refused before any rule runs`, () => {
            assert.equal(
                configErrorOf(() => evaluatePolicies([], packConfig)),
                expected,
            );
        });
    }
});

describe("policy configSchema: what CrossGuard validates the config against", () => {
    const strict = {
        type: "boolean",
        default: false,
        description:
            'Report "cannot tell" (a value the pack cannot read: a secret, a file, an unknown) at this policy\'s level instead of as advisory.',
    };
    const pattern = "^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$";
    const table: Array<[string, Record<string, Record<string, unknown>>]> = [
        [
            ISTIO_VERSION,
            {
                istioMinVersion: {
                    type: "string",
                    description: "Lowest istiod version.",
                    default: "1.19",
                    pattern,
                },
                asmMinVersion: {
                    type: "string",
                    description: "Lowest Alibaba Service Mesh version.",
                    default: "1.22",
                    pattern,
                },
                strict,
            },
        ],
        [
            ENABLED,
            {
                autoMinIstioVersion: {
                    type: "string",
                    description: 'First istiod version whose default is "auto".',
                    default: "1.27",
                    pattern,
                },
                autoMinKubeletMinor: {
                    type: "integer",
                    description: 'Kubelet minor version from which "auto" turns native sidecars on.',
                    default: 33,
                    minimum: 0,
                },
                strict,
            },
        ],
    ];
    for (const [name, properties] of table) {
        it(`${name}: only the keys each property sets (a minimum only where there is one)`, () => {
            assert.deepEqual(configSchemaOf(ruleNamed(name)), { properties });
            assert.deepEqual(policyNamed(name).configSchema, { properties });
        });
    }
});

describe("policy adapter: props that are not an object read as an empty object", () => {
    const table: Array<[string, unknown]> = [
        ["undefined", undefined],
        ["a string", "spec"],
        ["a number", 3],
        ["a boolean", true],
    ];
    for (const [name, props] of table) {
        it(`an IstioOperator whose props are ${name}: the resource policy finds nothing, as for {}`, async () => {
            const run = await runResourcePolicy(policyNamed(ISTIO_VERSION) as ResourceValidationPolicy, {
                type: ISTIO_OPERATOR,
                name: "istiod",
                props: props as Record<string, unknown>,
            });
            assert.deepEqual(run, { violations: [] });
        });

        it(`an IstioOperator whose props are ${name}: the stack policy says the version is not pinned, as for {}`, async () => {
            const run = await runStackPolicy(policyNamed(ENABLED) as StackValidationPolicy, [
                { type: ISTIO_OPERATOR, name: "istiod", props: props as Record<string, unknown> },
            ]);
            assert.deepEqual(run, {
                violations: [
                    {
                        message:
                            'istiod (kubernetes:install.istio.io/v1alpha1:IstioOperator): cannot tell whether native sidecars are on: ENABLE_NATIVE_SIDECARS is unset and the istiod version is not pinned, so its default is unknown; set ENABLE_NATIVE_SIDECARS: "true" (a string) in istiod\'s env (Helm values pilot.env, IstioOperator spec.values.pilot.env)',
                        urn: "urn:pulumi:test::nativemesh::kubernetes:install.istio.io/v1alpha1:IstioOperator::istiod",
                        enforcementLevel: "advisory",
                    },
                ],
            });
        });
    }
});

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

describe("workloads: which resources are Formance Settings", () => {
    const table: Array<[string, boolean]> = [
        ["kubernetes:formance.com/v1beta1:Settings", true],
        ["kubernetes:formance.com/v1:Settings", true],
        ["xkubernetes:formance.com/v1beta1:Settings", false],
        ["pulumi:kubernetes:formance.com/v1beta1:Settings", false],
        ["kubernetes:formance.com/v1beta1:SettingsList", false],
    ];
    for (const [type, expected] of table) {
        it(`${type}: ${expected ? "a Settings" : "not a Settings"}`, () => assert.equal(isSettings(type), expected));
    }

    it("a resource of another type with the same spec is not read as a setting", () => {
        const props = { spec: { key: "namespace.labels", value: "istio.io/rev=1-28-1" } };
        assert.deepEqual(
            [
                settingMapOf("kubernetes:core/v1:ConfigMap", props),
                settingMapOf("xkubernetes:formance.com/v1beta1:Settings", props),
                settingMapOf(SETTINGS, props),
            ],
            [undefined, undefined, { key: "namespace.labels", entries: new Map([["istio.io/rev", "1-28-1"]]) }],
        );
    });
});

describe("workloads: namespace labels and pod template annotations set by Formance Settings", () => {
    const entries = new Map([["istio.io/rev", "1-28-1"]]);
    const table: Array<[string, SettingMap | undefined, (SettingMap & { isJob: boolean }) | undefined]> = [
        ["namespace.labels", { key: "namespace.labels", entries }, undefined],
        ["namespace.annotations", undefined, undefined],
        ["services.ledger.annotations", undefined, undefined],
        ["gateway.ingress.labels", undefined, undefined],
        [
            "deployments.ledger.spec.template.annotations",
            undefined,
            { key: "deployments.ledger.spec.template.annotations", entries, isJob: false },
        ],
        [
            "jobs.migrate.spec.template.annotations",
            undefined,
            { key: "jobs.migrate.spec.template.annotations", entries, isJob: true },
        ],
    ];
    for (const [key, labels, annotations] of table) {
        it(`${key}: ${labels ? "namespace labels" : annotations ? "pod template annotations" : "neither"}`, () => {
            const props = { spec: { key, value: "istio.io/rev=1-28-1" } };
            assert.deepEqual(
                [settingNamespaceLabels(SETTINGS, props), settingTemplateAnnotations(SETTINGS, props)],
                [labels, annotations],
            );
        });
    }
});
