// Every policy over its fixture table (test/policy/cases.ts), twice: through the CrossGuard policy object with
// faithful arguments, and through the offline engine evaluatePolicies. Both must give the expected violations.

import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, type StackResource } from "../../policy/evaluate";
import { POLICIES, RULES } from "../../policy/rules";
import { runResourcePolicy, runStackPolicy, urnOf, type TestResource } from "./args";
import { CASES, type Expected } from "./cases";

function toStack(resources: TestResource[]): StackResource[] {
    return resources.map((resource, index) => ({
        urn: urnOf(resource, index),
        type: resource.type,
        name: resource.name ?? `r${index}`,
        props: resource.props,
    }));
}

/** Each expected violation matched by its own actual one (same level, message matching), nothing left over. */
function assertMatches(
    actual: Array<{ enforcementLevel: string; message: string }>,
    expected: Expected[],
    via: string,
): void {
    const left = [...actual];
    for (const want of expected) {
        const index = left.findIndex((got) => got.enforcementLevel === want.level && want.match.test(got.message));
        assert.ok(
            index >= 0,
            `${via}: no ${want.level} violation matching ${want.match} in ${JSON.stringify(actual, null, 1)}`,
        );
        left.splice(index, 1);
    }
    assert.deepEqual(left, [], `${via}: unexpected violations`);
}

describe("policies over their fixture tables", () => {
    it("has a table for every policy of the pack, and every table fires and stays silent", () => {
        assert.deepEqual(Object.keys(CASES).sort(), RULES.map((rule) => rule.name).sort());
        for (const [name, cases] of Object.entries(CASES)) {
            assert.ok(
                cases.some((c) => c.expect.length > 0),
                `${name} never fires`,
            );
            assert.ok(
                cases.some((c) => c.expect.length === 0),
                `${name} has no silent counterpart`,
            );
        }
    });

    for (const [policyName, cases] of Object.entries(CASES)) {
        describe(policyName, () => {
            const policy = POLICIES.find((candidate) => candidate.name === policyName)!;
            const isStack = "validateStack" in policy;

            for (const testCase of cases) {
                it(testCase.name, async () => {
                    const target = testCase.resources[0];
                    const urn = urnOf(target, 0);
                    const run = isStack
                        ? await runStackPolicy(policy as StackValidationPolicy, testCase.resources)
                        : await runResourcePolicy(policy as ResourceValidationPolicy, target);
                    // CrossGuard reports nothing for a resource a policy declares itself not applicable to.
                    if (run.notApplicable !== undefined)
                        assert.deepEqual(testCase.expect, [], `not applicable: ${run.notApplicable}`);
                    const reported = isStack
                        ? run.violations.filter((violation) => violation.urn === urn)
                        : run.violations;
                    assertMatches(reported, testCase.expect, "CrossGuard policy");

                    const evaluated = evaluatePolicies(toStack(testCase.resources)).filter(
                        (violation) => violation.policy === policyName && violation.urn === urn,
                    );
                    assertMatches(evaluated, testCase.expect, "evaluatePolicies");
                    for (const violation of evaluated) {
                        assert.ok(
                            violation.message.startsWith(`${target.name} (${target.type}): `),
                            `message does not name the resource: ${violation.message}`,
                        );
                        if (
                            violation.enforcementLevel === "mandatory" ||
                            policyName === "no-legacy-sidecar-workarounds"
                        ) {
                            assert.match(violation.message, /\. Fix: /, "message gives no fix");
                        }
                    }
                });
            }
        });
    }

    it("resource policies call notApplicable() for types they do not read", async () => {
        for (const policy of POLICIES) {
            if (!("validateResource" in policy)) continue;
            const run = await runResourcePolicy(policy, { type: "aws:s3/bucket:Bucket", props: { bucket: "b" } });
            assert.equal(typeof run.notApplicable, "string", `${policy.name} did not call notApplicable`);
            assert.deepEqual(run.violations, []);
        }
    });
});
