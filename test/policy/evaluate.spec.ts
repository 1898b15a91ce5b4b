// Property: stacks built from the places docs/POLICY.md enumerates, each holding the switch on, off, or a value
// the pack cannot read (secret, unknown, wrong type), beside resources that cannot affect the mesh. The pack's
// verdict must equal the truth at each place: on is silent, off is mandatory, unreadable is "cannot tell"
// (advisory by default, mandatory under strict), whatever else the stack holds.

import { strict as assert } from "assert";
import fc from "fast-check";
import { evaluatePolicies, type StackResource } from "../../policy/evaluate";
import { PLACES, STATES, truthOf, type State } from "./places";

// Resources that provably cannot affect the mesh: the pack must stay silent about them.
const BYSTANDERS: Array<Omit<StackResource, "urn" | "name">> = [
    {
        type: "kubernetes:core/v1:ConfigMap",
        props: { metadata: { name: "app" }, data: { ENABLE_NATIVE_SIDECARS: "false" } },
    },
    { type: "kubernetes:core/v1:Service", props: { spec: { type: "ClusterIP", ports: [{ port: 80 }] } } },
    { type: "gcp:storage/bucket:Bucket", props: { location: "EU" } },
    {
        type: "kubernetes:apps/v1:Deployment",
        props: { spec: { template: { spec: { containers: [{ name: "discovery", image: "nginx:1.27" }] } } } },
    },
];

interface Built {
    stack: StackResource[];
    placed: Array<{ place: number; state: State; urns: string[] }>;
}

function build(choices: Array<{ place: number; state: State }>, bystanders: number[]): Built {
    const stack: StackResource[] = [];
    const placed: Built["placed"] = [];
    choices.forEach(({ place, state }, position) => {
        const urns: string[] = [];
        PLACES[place].build(state).forEach((resource, index) => {
            const name = `${resource.name ?? "r"}-${position}-${index}`;
            const urn = `urn:pulumi:prod::p::${resource.type}::${name}`;
            urns.push(urn);
            stack.push({ urn, type: resource.type, name, props: resource.props });
        });
        placed.push({ place, state, urns });
    });
    bystanders.forEach((which, index) => {
        const { type, props } = BYSTANDERS[which];
        const name = `bystander-${index}`;
        stack.push({ urn: `urn:pulumi:prod::p::${type}::${name}`, type, name, props });
    });
    return { stack, placed };
}

const choice = fc.record({
    place: fc.integer({ min: 0, max: PLACES.length - 1 }),
    state: fc.constantFrom(...STATES),
});
const stacks = fc.record({
    choices: fc.uniqueArray(choice, { minLength: 1, maxLength: 5, selector: (entry) => entry.place }),
    bystanders: fc.array(fc.integer({ min: 0, max: BYSTANDERS.length - 1 }), { maxLength: 4 }),
});

describe("evaluatePolicies: the verdict equals the truth at every enumerated place", () => {
    it("on is silent, off is mandatory, unreadable is cannot tell (advisory; mandatory under strict)", () => {
        fc.assert(
            fc.property(stacks, ({ choices, bystanders }) => {
                const { stack, placed } = build(choices, bystanders);
                const loose = evaluatePolicies(stack);
                const strict = evaluatePolicies(stack, undefined, { strict: true });
                for (const { place, state, urns } of placed) {
                    const { policy, name } = PLACES[place];
                    const own = (list: typeof loose) => list.filter((violation) => urns.includes(violation.urn));
                    const mine = own(loose);
                    const label = `${name} ${state}: ${JSON.stringify(mine)}`;
                    const truth = truthOf([state]);
                    if (truth === "silent") assert.deepEqual(mine, [], label);
                    else if (truth === "mandatory") {
                        assert.ok(
                            mine.some((v) => v.policy === policy && v.enforcementLevel === "mandatory"),
                            label,
                        );
                    } else {
                        assert.ok(
                            mine.every((v) => v.enforcementLevel === "advisory") &&
                                mine.some((v) => v.policy === policy && /cannot tell/.test(v.message)),
                            label,
                        );
                        assert.ok(
                            own(strict).some((v) => v.policy === policy && v.enforcementLevel === "mandatory"),
                            `strict: ${label}`,
                        );
                    }
                }
                // The stack as a whole: its worst level is the truth of all its places; bystanders are silent.
                const truth = truthOf(placed.map((entry) => entry.state));
                const worst = loose.some((v) => v.enforcementLevel === "mandatory")
                    ? "mandatory"
                    : loose.length > 0
                      ? "cannot-tell"
                      : "silent";
                assert.equal(worst, truth, JSON.stringify(loose));
                assert.ok(
                    loose.every((violation) => !violation.urn.includes("::bystander-")),
                    "a resource that cannot affect the mesh was reported",
                );
            }),
            { numRuns: 300 },
        );
    });
});
