// The walk behind formance-settings-valid: it must read every map value exactly as the operator's parser does
// (policy/facts/formance.ts parseKeyValueList, the faithful port), and what our own encoder writes must never be
// reported.
import { strict as assert } from "assert";
import fc from "fast-check";
import { parseKeyValueList } from "../../policy/facts/formance";
import { readingChanges, walkKeyValueList, type WalkedPair } from "../../policy/formance-values";

// Strings biased to the bytes the parser treats specially, plus non-ASCII and Go-only spaces.
const tricky = fc.string({
    unit: fc.constantFrom("a", "b", " ", "\t", "\n", ",", "=", '"', "\u00e9", "\u00a0", "\u0085"),
    maxLength: 12,
});

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

// policy/facts/versions.ts, policy/facts/formance.ts and policy/formance-values.ts, for mutation testing: the edges
// of each version form (multi-digit components, junk before or after, the 256-character limit), the whole
// refusal messages of revisionFromVersion and encodeKeyValueMap, Go's white space (vertical tab included) trimmed
// on both ends, non-string inputs from JavaScript callers, and the pairs and changes the Formance walk reports.
// Inputs are built inside each `it` (docs/MUTATION.md).

describe("mutation: policy facts", () => {
    describe("walkKeyValueList: whole pairs", () => {
        const table: Array<[string, string, WalkedPair[]]> = [
            [
                "an unquoted pair is not quoted",
                "a=b",
                [
                    {
                        key: "a",
                        value: "b",
                        writtenKey: "a",
                        writtenValue: "b",
                        quoted: false,
                        untrimmedValue: "b",
                        droppedEquals: 0,
                        nonAscii: false,
                    },
                ],
            ],
            [
                "spaces around key and value are trimmed from the written text too",
                " a = b ",
                [
                    {
                        key: "a",
                        value: "b",
                        writtenKey: "a",
                        writtenValue: "b",
                        quoted: false,
                        untrimmedValue: " b ",
                        droppedEquals: 0,
                        nonAscii: false,
                    },
                ],
            ],
            [
                "a trailing vertical tab is trimmed",
                "a\v=b\v",
                [
                    {
                        key: "a",
                        value: "b",
                        writtenKey: "a",
                        writtenValue: "b",
                        quoted: false,
                        untrimmedValue: "b\v",
                        droppedEquals: 0,
                        nonAscii: false,
                    },
                ],
            ],
            [
                "a leading vertical tab is trimmed",
                "\va=\vb",
                [
                    {
                        key: "a",
                        value: "b",
                        writtenKey: "a",
                        writtenValue: "b",
                        quoted: false,
                        untrimmedValue: "\vb",
                        droppedEquals: 0,
                        nonAscii: false,
                    },
                ],
            ],
        ];
        for (const [what, value, expected] of table) {
            it(`${what}: ${JSON.stringify(value)}`, () => {
                assert.deepEqual(walkKeyValueList(value), expected);
            });
        }
    });

    describe("readingChanges", () => {
        it("reports empty keys once and never as a key given more than once", () => {
            assert.deepEqual(readingChanges(walkKeyValueList("=a,=b")!), [
                'an empty key (a leading or doubled ",", or "=" with no key before it), which Kubernetes refuses as a label or annotation name',
            ]);
        });

        it("reports a named key given twice with its last value", () => {
            assert.deepEqual(readingChanges(walkKeyValueList("k=a,k=b")!), [
                'key "k" is given more than once: only the last value ("b") is kept',
            ]);
        });
    });
});
