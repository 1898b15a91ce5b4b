// The offline engine and the CrossGuard adapter around the rules: what a policy says it does not read, props
// that are not an object, and a rule that fails on a resource (reported, never thrown).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as assert from "node:assert/strict";
import { ISTIO_OPERATOR } from "../../policy/control-planes";
import { POLICIES } from "../../policy/rules";
import { runResourcePolicy, runStackPolicy } from "../support/policy/args";

const jobsPolicy = () =>
    POLICIES.find((policy) => policy.name === "jobs-terminate-with-native-sidecars") as ResourceValidationPolicy;

const ISTIO_VERSION = "istio-version-supports-native-sidecars";

const ENABLED = "native-sidecars-enabled";

const policyNamed = (name: string) => POLICIES.find((policy) => policy.name === name)!;

describe("policy adapter: what CrossGuard is told", () => {
    it("a resource policy names itself and the type it does not read", async () => {
        const run = await runResourcePolicy(jobsPolicy(), {
            type: "kubernetes:core/v1:Namespace",
            name: "apps",
            props: {},
        });
        assert.equal(
            run.notApplicable,
            "jobs-terminate-with-native-sidecars does not read kubernetes:core/v1:Namespace resources",
        );
    });

    for (const [name, props] of [
        ["null", null],
        ["a string", "spec"],
        ["a number", 3],
    ] as Array<[string, unknown]>) {
        it(`props that are ${name} read as an empty object: no crash, no violation`, async () => {
            const run = await runResourcePolicy(jobsPolicy(), {
                type: "kubernetes:batch/v1:Job",
                name: "job",
                props: props as Record<string, unknown>,
            });
            assert.deepEqual(run.violations, []);
            assert.equal(run.notApplicable, undefined);
        });
    }
});

// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.

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
