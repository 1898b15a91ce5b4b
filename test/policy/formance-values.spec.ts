// The walk behind formance-settings-valid: it must read every map value exactly as the operator's parser does
// (policy/facts/formance.ts parseKeyValueList, the faithful port), and what our own encoder writes must never be
// reported.

import { strict as assert } from "assert";
import fc from "fast-check";
import { encodeKeyValueMap, FormanceValueError, parseKeyValueList } from "../../policy/facts/formance";
import { readingChanges, walkKeyValueList } from "../../policy/formance-values";
import { checkFormanceSettings } from "../../policy/rules/formance-settings-valid";

// Strings biased to the bytes the parser treats specially, plus non-ASCII and Go-only spaces.
const tricky = fc.string({
    unit: fc.constantFrom("a", "b", " ", "\t", "\n", ",", "=", '"', "\u00e9", "\u00a0", "\u0085"),
    maxLength: 12,
});

function settings(value: string): Record<string, unknown> {
    return { spec: { key: "namespace.annotations", value, stacks: ["*"] } };
}

describe("walkKeyValueList", () => {
    it("property: fails where the parser fails, and otherwise stores the parser's entries", () => {
        fc.assert(
            fc.property(fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 16 })), (value) => {
                const parsed = parseKeyValueList(value);
                const walked = walkKeyValueList(value);
                assert.equal(walked !== undefined, parsed.ok, value);
                if (!parsed.ok || walked === undefined) return;
                const stored = new Map<string, string>();
                for (const entry of walked) stored.set(entry.key, entry.value);
                assert.deepEqual([...stored.entries()], parsed.entries, value);
            }),
            { numRuns: 3000 },
        );
    });

    const examples: Array<[string, RegExp[]]> = [
        ['a=5" tall,b=c', []],
        ["a=1, b=2\n", []],
        ["a==x", []],
        ['a="x,y",b=z', []],
        ["a=b=c", [/"=" inside the value of "a" is dropped: it reads as "bc"/]],
        ['a="x=y"', [/"=" inside the value of "a" is dropped: it reads as "xy"/]],
        ['a=" x "', [/quoted value of "a" has white space at its ends/]],
        ["a=1,a=2,a=3", [/key "a" is given more than once: only the last value \("3"\) is kept/]],
        ["a=1,,b=2", [/an empty key/]],
        ["=x", [/an empty key/]],
        ["k=é", [/"k" holds non-ASCII text, which the parser reads byte by byte: "k=é" reads as "k=Ã©"/]],
    ];
    for (const [value, expected] of examples) {
        it(`${JSON.stringify(value)}: ${expected.length === 0 ? "read as written" : expected.join(", ")}`, () => {
            const changes = readingChanges(walkKeyValueList(value)!);
            assert.equal(changes.length, expected.length, JSON.stringify(changes));
            expected.forEach((pattern, index) => assert.match(changes[index], pattern));
        });
    }
});

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
