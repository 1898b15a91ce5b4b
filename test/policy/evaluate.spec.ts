// The offline engine and the CrossGuard adapter around the rules: what a policy says it does not read, props
// that are not an object, and a rule that fails on a resource (reported, never thrown).
import * as assert from "node:assert/strict";
import { ISTIO_OPERATOR } from "../../policy/control-planes";
import { evaluatePolicies, PolicyConfigError, type StackResource, type Violation } from "../../policy/evaluate";
import { stackResource } from "../support/stackResource";

const ISTIO_VERSION = "istio-version-supports-native-sidecars";

const LEVELS = "advisory, mandatory, remediate, disabled";

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

describe("offline engine: a rule that fails on a resource", () => {
    // A value the pack cannot read without an error: a getter that throws, as a broken proxy would.
    const exploding: StackResource = {
        urn: "urn:pulumi:test::nativemesh::kubernetes:batch/v1:Job::job",
        type: "kubernetes:batch/v1:Job",
        name: "job",
        props: {
            get spec(): unknown {
                throw new Error("boom");
            },
        },
    };
    const failures = (packConfig?: unknown, strict?: boolean) =>
        evaluatePolicies([exploding], packConfig, { strict }).filter((violation) =>
            violation.message.startsWith("could not evaluate jobs-terminate-with-native-sidecars"),
        );

    it("is reported as advisory, naming the policy and the error, with no URN", () => {
        assert.deepEqual(failures(), [
            {
                policy: "jobs-terminate-with-native-sidecars",
                enforcementLevel: "advisory",
                urn: "",
                message: "could not evaluate jobs-terminate-with-native-sidecars: boom",
            },
        ]);
    });

    it("counts at the policy's level in strict mode (--strict or the policy's strict key)", () => {
        assert.equal(failures(undefined, true)[0]?.enforcementLevel, "mandatory");
        assert.equal(
            failures({ "jobs-terminate-with-native-sidecars": { strict: true } })[0]?.enforcementLevel,
            "mandatory",
        );
        assert.equal(
            failures({ "jobs-terminate-with-native-sidecars": { strict: true, enforcementLevel: "advisory" } })[0]
                ?.enforcementLevel,
            "advisory",
        );
    });
});

// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.

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
