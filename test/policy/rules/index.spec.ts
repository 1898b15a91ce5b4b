// Every policy over its fixture table (test/policy/cases.ts), twice: through the CrossGuard policy object with
// faithful arguments, and through the offline engine evaluatePolicies. Both must give the expected violations.

import { strict as assert } from "assert";
import { POLICIES, RULES } from "../../../policy/rules";
import { runResourcePolicy } from "../../support/policy/args";
import { CASES } from "../../support/policy/cases";
import { describeTables } from "../../support/policy/table";

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

    describeTables(CASES);

    it("resource policies call notApplicable() for types they do not read", async () => {
        for (const policy of POLICIES) {
            if (!("validateResource" in policy)) continue;
            const run = await runResourcePolicy(policy, { type: "aws:s3/bucket:Bucket", props: { bucket: "b" } });
            assert.equal(typeof run.notApplicable, "string", `${policy.name} did not call notApplicable`);
            assert.deepEqual(run.violations, []);
        }
    });
});
