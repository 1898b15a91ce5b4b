// Runs a fixture table (resources in, expected violations out) through the CrossGuard policy object with faithful
// arguments and through the offline engine evaluatePolicies; both must give the expected violations.

import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { POLICIES } from "../../../policy/rules";
import { runResourcePolicy, runStackPolicy, urnOf, type TestResource } from "./args";
import type { Expected, PolicyCase } from "./cases";

export function toStack(resources: TestResource[]): StackResource[] {
    return resources.map((resource, index) => ({
        urn: urnOf(resource, index),
        type: resource.type,
        name: resource.name ?? `r${index}`,
        props: resource.props,
    }));
}

/** Each expected violation matched by its own actual one (same level, message matching), nothing left over. */
export function assertMatches(
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

/** One mocha `describe` per policy, one `it` per case. */
export function describeTables(tables: Record<string, PolicyCase[]>): void {
    for (const [policyName, cases] of Object.entries(tables)) {
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
}
