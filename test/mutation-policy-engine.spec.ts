// The offline engine and the CrossGuard adapter around the rules: what a policy says it does not read, props
// that are not an object, and a rule that fails on a resource (reported, never thrown).

import * as assert from "node:assert/strict";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, type StackResource } from "../policy/evaluate";
import { POLICIES } from "../policy/rules";
import { runResourcePolicy } from "./policy/args";

const jobsPolicy = () =>
    POLICIES.find((policy) => policy.name === "jobs-terminate-with-native-sidecars") as ResourceValidationPolicy;

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
