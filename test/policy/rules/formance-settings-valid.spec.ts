// The walk behind formance-settings-valid: it must read every map value exactly as the operator's parser does
// (policy/facts/formance.ts parseKeyValueList, the faithful port), and what our own encoder writes must never be
// reported.
import { strict as assert } from "assert";
import fc from "fast-check";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { encodeKeyValueMap, FormanceValueError } from "../../../policy/facts/formance";
import { checkFormanceSettings } from "../../../policy/rules/formance-settings-valid";
import { stackResource } from "../../support/stackResource";

// Strings biased to the bytes the parser treats specially, plus non-ASCII and Go-only spaces.
const tricky = fc.string({
    unit: fc.constantFrom("a", "b", " ", "\t", "\n", ",", "=", '"', "\u00e9", "\u00a0", "\u0085"),
    maxLength: 12,
});

function settings(value: string): Record<string, unknown> {
    return { spec: { key: "namespace.annotations", value, stacks: ["*"] } };
}

const resource = stackResource;

describe("formance-settings-valid over encoded values", () => {
    it("property: a map our encoder accepts (non-empty keys) is never reported", () => {
        const keys = tricky.filter((key) => key.trim() !== "");
        fc.assert(
            fc.property(fc.dictionary(keys, tricky, { maxKeys: 4, noNullPrototype: true }), (map) => {
                let encoded: string;
                try {
                    encoded = encodeKeyValueMap("namespace.annotations", map);
                } catch (error) {
                    assert.ok(error instanceof FormanceValueError);
                    return;
                }
                assert.deepEqual(
                    checkFormanceSettings("kubernetes:formance.com/v1beta1:Settings", settings(encoded)),
                    [],
                );
            }),
            { numRuns: 2000 },
        );
    });
});

// native-sidecars-enabled, istio-version-supports-native-sidecars and formance-settings-valid, for mutation
// testing: auto mode against the stack's Kubernetes pins (which versions are below kubelet 1.33, the whole
// messages), the compatibility version's message and fix, the version check on config floors, and how Formance
// Settings are misread (every misreading listed, the fix for a job owner kind). Inputs are built inside each `it`
// (docs/MUTATION.md).

describe("mutation: formance-settings-valid", () => {
    const SETTINGS = "kubernetes:formance.com/v1beta1:Settings";
    const setting = (key: string, value: string) =>
        resource(SETTINGS, "s", {
            apiVersion: "formance.com/v1beta1",
            kind: "Settings",
            metadata: { name: "s" },
            spec: { key, value, stacks: ["*"] },
        });
    /** The policy's messages, and any rule that failed to evaluate. */
    const messages = (target: StackResource) =>
        evaluatePolicies([target])
            .filter(
                (violation) =>
                    violation.policy === "formance-settings-valid" || violation.message.startsWith("could not"),
            )
            .map((violation) => violation.message);

    it("every way a map value is misread is listed, in order", () => {
        const [message, ...rest] = messages(setting("namespace.labels", "a=1=2,b=x,b=y"));
        assert.deepEqual(rest, []);
        assert.ok(
            message.startsWith(
                `s (${SETTINGS}): spec.value of map key namespace.labels is not read as written: the "=" inside the value of "a" is dropped: it reads as "12"; key "b" is given more than once: only the last value ("y") is kept. `,
            ),
            message,
        );
    });

    it("a job owner kind with upper case: the fix quotes segments holding a dot", () => {
        const [message, ...rest] = messages(setting('jobs.MyJob."x.y".spec', "x"));
        assert.deepEqual(rest, []);
        assert.ok(message.endsWith('Fix: write the owner kind in lower case: jobs.myjob."x.y".spec.'), message);
    });

    it("the key jobs alone names no owner kind, and is not a failure", () => {
        assert.deepEqual(messages(setting("jobs", "x")), []);
    });

    it("the pure check reads Settings only", () => {
        assert.deepEqual(checkFormanceSettings("kubernetes:core/v1:ConfigMap", { spec: { key: 1 } }), []);
    });
});
