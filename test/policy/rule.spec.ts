// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.
import * as assert from "node:assert/strict";
import { addFindings, configSchemaOf, findingsOfEach, NO_FINDINGS, type Finding } from "../../policy/rule";
import { POLICIES, RULES } from "../../policy/rules";
import { stackResource } from "../support/stackResource";

const ISTIO_VERSION = "istio-version-supports-native-sidecars";

const ENABLED = "native-sidecars-enabled";

const ruleNamed = (name: string) => RULES.find((rule) => rule.name === name)!;

const policyNamed = (name: string) => POLICIES.find((policy) => policy.name === name)!;

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

describe("rule helpers: findingsOfEach", () => {
    it("tags each finding with its resource, in the resources' order and each resource's own order", () => {
        const resources = [
            stackResource("t", "a", { n: 2 }),
            stackResource("t", "b", { n: 0 }),
            stackResource("t", "c", { n: 1 }),
        ];
        const found = findingsOfEach(resources, (resource) =>
            Array.from({ length: Number(resource.props.n) }, (_, index) => ({ message: `${resource.name}${index}` })),
        );
        assert.deepEqual(
            found.map((finding) => [finding.message, finding.resource.name]),
            [
                ["a0", "a"],
                ["a1", "a"],
                ["c0", "c"],
            ],
        );
    });

    it("keeps what a finding carries besides its message", () => {
        const [finding] = findingsOfEach([stackResource("t", "a", {})], () => [{ message: "m", cannotTell: true }]);
        assert.deepEqual(finding, { message: "m", cannotTell: true, resource: stackResource("t", "a", {}) });
    });
});

describe("policy rules: NO_FINDINGS", () => {
    it("is one frozen empty list, which no caller can add to (issue 20)", () => {
        assert.deepEqual(NO_FINDINGS, []);
        assert.ok(Object.isFrozen(NO_FINDINGS));
        assert.throws(() => NO_FINDINGS.push({ message: "x" }), TypeError);
    });
});

describe("rule helpers: addFindings", () => {
    const a: Finding = { message: "a" };
    const b: Finding = { message: "b", cannotTell: true };
    const c: Finding = { message: "c" };

    it("answers what it was given while nothing is added, NO_FINDINGS included: no list is made", () => {
        assert.equal(addFindings(NO_FINDINGS, NO_FINDINGS), NO_FINDINGS);
        assert.equal(addFindings(NO_FINDINGS, []), NO_FINDINGS);
        const own = [a];
        assert.equal(addFindings(own, NO_FINDINGS), own);
    });

    it("makes a list of its own for the first finding, and never changes the list it adds (a reader may keep it)", () => {
        const kept = Object.freeze([a, b]) as unknown as Finding[];
        const first = addFindings(NO_FINDINGS, kept);
        assert.notEqual(first, kept);
        assert.deepEqual(first, [a, b]);
        const more = addFindings(first, kept);
        assert.equal(more, first, "a list it made grows in place");
        assert.deepEqual(more, [a, b, a, b]);
        assert.deepEqual(kept, [a, b]);
    });

    it("keeps the order: what was found first, then what is added", () => {
        let found = NO_FINDINGS;
        for (const next of [[a], NO_FINDINGS, [b, c]]) found = addFindings(found, next);
        assert.deepEqual(found, [a, b, c]);
        assert.deepEqual(NO_FINDINGS, []);
    });
});
