// policy/facts/versions.ts, policy/facts/formance.ts and policy/formance-values.ts, for mutation testing: the edges
// of each version form (multi-digit components, junk before or after, the 256-character limit), the whole
// refusal messages of revisionFromVersion and encodeKeyValueMap, Go's white space (vertical tab included) trimmed
// on both ends, non-string inputs from JavaScript callers, and the pairs and changes the Formance walk reports.
// Inputs are built inside each `it` (docs/MUTATION.md).

import * as assert from "node:assert/strict";
import {
    encodeKeyValueMap,
    FormanceValueError,
    isMapSettingKey,
    parseKeyValueList,
    type ParseResult,
} from "../policy/facts/formance";
import { isDns1123Label, parseVersion, revisionFromVersion, type Version } from "../policy/facts/versions";
import { readingChanges, walkKeyValueList, type WalkedPair } from "../policy/formance-values";

const WHAT_TO_DO =
    "set it on the Kubernetes object through Pulumi instead of through a Formance Setting, or use a value without it";

/** The error `run` throws, which must be a FormanceValueError: its name and message. */
function formanceError(run: () => unknown): { name: string; message: string } {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof FormanceValueError, `expected a FormanceValueError, got ${String(error)}`);
        return { name: error.name, message: error.message };
    }
    assert.fail("expected a FormanceValueError, nothing was thrown");
}

/** The message of the Error `run` throws. */
function errorMessage(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
        return error.message;
    }
    assert.fail("expected an Error, nothing was thrown");
}

describe("mutation: policy facts", () => {
    describe("parseVersion", () => {
        const table: Array<[string, string, Version | undefined]> = [
            ["a two-digit major, dotted", "10.2", { major: 10, minor: 2, patch: 0 }],
            ["a two-digit major with a patch, dotted", "12.3.4", { major: 12, minor: 3, patch: 4 }],
            ["junk after a dotted MAJOR.MINOR", "1.2_x", undefined],
            ["words after a dotted version", "1.2.3 x", undefined],
            ["junk after an asmcli revision", "asm-11910-9x", undefined],
            ["junk before an asmcli revision", "xasm-11910-9", undefined],
            ["a two-digit major, Helm revision", "10-28-1", { major: 10, minor: 28, patch: 1 }],
            ["a Helm revision without a patch", "1-28", { major: 1, minor: 28, patch: 0 }],
            ["junk after a Helm revision", "1-28-1x", undefined],
        ];
        for (const [what, text, expected] of table) {
            it(`${what}: ${JSON.stringify(text)} reads as ${JSON.stringify(expected)}`, () => {
                assert.deepEqual(parseVersion(text), expected);
            });
        }

        it("reads a version of 256 characters and refuses one of 257", () => {
            const at256 = `1.2-${"a".repeat(252)}`;
            const at257 = `1.2-${"a".repeat(253)}`;
            assert.equal(at256.length, 256);
            assert.equal(at257.length, 257);
            assert.deepEqual(parseVersion(at256), { major: 1, minor: 2, patch: 0 });
            assert.equal(parseVersion(at257), undefined);
        });

        it("counts the white space it would trim towards the 257-character limit", () => {
            assert.equal(parseVersion(`${" ".repeat(254)}1.2`), undefined);
            assert.deepEqual(parseVersion(`${" ".repeat(253)}1.2`), { major: 1, minor: 2, patch: 0 });
        });
    });

    describe("revisionFromVersion", () => {
        it("names a Helm revision for a two-digit major", () => {
            assert.equal(revisionFromVersion("10.2.3", "helm"), "10-2-3");
        });

        const refused: Array<[string, string, "helm" | "asmcli", string]> = [
            [
                "junk before a Helm version",
                "x1.28.1",
                "helm",
                'Istio version "x1.28.1" cannot name a Helm revision; expected MAJOR.MINOR.PATCH, e.g. "1.28.1"',
            ],
            [
                "a two-digit major for asmcli",
                "11.19.10-asm.26",
                "asmcli",
                'ASM version "11.19.10-asm.26" cannot name an asmcli revision; expected MAJOR.MINOR.POINT-asm.REV with a ' +
                    'one-digit major and two-digit minor, e.g. "1.19.10-asm.26"',
            ],
            [
                "junk before an ASM version",
                "x1.19.10-asm.26",
                "asmcli",
                'ASM version "x1.19.10-asm.26" cannot name an asmcli revision; expected MAJOR.MINOR.POINT-asm.REV with a ' +
                    'one-digit major and two-digit minor, e.g. "1.19.10-asm.26"',
            ],
            [
                "junk after an ASM version",
                "1.19.10-asm.26x",
                "asmcli",
                'ASM version "1.19.10-asm.26x" cannot name an asmcli revision; expected MAJOR.MINOR.POINT-asm.REV with a ' +
                    'one-digit major and two-digit minor, e.g. "1.19.10-asm.26"',
            ],
        ];
        for (const [what, version, method, message] of refused) {
            it(`refuses ${what} (${JSON.stringify(version)}, ${method}) with the whole message`, () => {
                assert.equal(
                    errorMessage(() => revisionFromVersion(version, method)),
                    message,
                );
            });
        }
    });

    describe("isDns1123Label", () => {
        const notStrings: Array<[string, unknown]> = [
            ["null", null],
            ["undefined", undefined],
            ["a number", 42],
            ["an array holding a valid label", ["abc"]],
        ];
        for (const [what, input] of notStrings) {
            it(`answers false for ${what} from a JavaScript caller`, () => {
                assert.equal(isDns1123Label(input as string), false);
            });
        }
    });

    describe("parseKeyValueList trims Go's white space, vertical tab included, at both ends", () => {
        const table: Array<[string, ParseResult]> = [
            ["a=b\v", { ok: true, entries: [["a", "b"]] }],
            ["\va\v=\vb\v", { ok: true, entries: [["a", "b"]] }],
            ["\vk=v", { ok: true, entries: [["k", "v"]] }],
        ];
        for (const [value, expected] of table) {
            it(`reads ${JSON.stringify(value)} as ${JSON.stringify(expected)}`, () => {
                assert.deepEqual(parseKeyValueList(value), expected);
            });
        }
    });

    describe("encodeKeyValueMap refusals: a FormanceValueError, named so, with the whole message", () => {
        const table: Array<[string, Record<string, unknown>, string]> = [
            [
                "a key with non-ASCII characters",
                { é: "v" },
                `Formance setting "s": map key "é" holds non-ASCII characters, which the parser reads byte by byte and mangles; ${WHAT_TO_DO}`,
            ],
            [
                "a key ending with a vertical tab",
                { "a\v": "v" },
                `Formance setting "s": map key "a\v" starts or ends with white space, which the parser trims; ${WHAT_TO_DO}`,
            ],
            [
                "a key starting with a vertical tab",
                { "\va": "v" },
                `Formance setting "s": map key "\va" starts or ends with white space, which the parser trims; ${WHAT_TO_DO}`,
            ],
            [
                "a value ending with a vertical tab",
                { k: "b\v" },
                `Formance setting "s": value of "k" ("b\\u000b") starts or ends with white space, which the parser trims, ` +
                    `so the operator would reject or change it (formancehq/operator parseKeyValueList); ${WHAT_TO_DO}`,
            ],
            [
                "a value starting with a vertical tab",
                { k: "\vb" },
                `Formance setting "s": value of "k" ("\\u000bb") starts or ends with white space, which the parser trims, ` +
                    `so the operator would reject or change it (formancehq/operator parseKeyValueList); ${WHAT_TO_DO}`,
            ],
            [
                "a number value from a JavaScript caller",
                { k: 3 },
                'Formance setting "s": value of "k" is a number, not a string; write it as a string',
            ],
            [
                "a boolean value from a JavaScript caller",
                { k: true },
                'Formance setting "s": value of "k" is a boolean, not a string; write it as a string',
            ],
        ];
        for (const [what, entries, message] of table) {
            it(`refuses ${what}`, () => {
                assert.deepEqual(
                    formanceError(() => encodeKeyValueMap("s", entries as Record<string, string>)),
                    { name: "FormanceValueError", message },
                );
            });
        }

        it("writes keys and values whose inner white space is not at an end", () => {
            assert.equal(encodeKeyValueMap("s", { "a\vb": "c\vd" }), "a\vb=c\vd");
        });
    });

    describe("isMapSettingKey", () => {
        const table: Array<[string, unknown, boolean]> = [
            ["a map key", "namespace.labels", true],
            ["a map key with a segment too many", "namespace.labels.extra", false],
            ["a wildcard map key with a segment too many", "services.api.annotations.x", false],
            ["a number from a JavaScript caller", 42, false],
            ["null from a JavaScript caller", null, false],
            ["undefined from a JavaScript caller", undefined, false],
        ];
        for (const [what, key, expected] of table) {
            it(`${what} (${JSON.stringify(key)}): ${expected}`, () => {
                assert.equal(isMapSettingKey(key as string), expected);
            });
        }
    });

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
