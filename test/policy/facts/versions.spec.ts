import { strict as assert } from "assert";
import fc from "fast-check";
import {
    compareVersions,
    isAtLeast,
    isDns1123Label,
    parseVersion,
    revisionFromVersion,
    type Version,
} from "../../../policy/facts/versions";

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

describe("versions", () => {
    describe("parseVersion reads every form seen in the wild (FACTS.md)", () => {
        const readable: Array<[string, [number, number, number]]> = [
            ["1.33.5-gke.1308000", [1, 33, 5]],
            ["1.30.1-aliyun.1", [1, 30, 1]],
            ["1.19.10-asm.26", [1, 19, 10]],
            ["asm-11910-26", [1, 19, 10]],
            ["asm-1285-12", [1, 28, 5]],
            ["v1.22.2.35-ge64ec8af-aliyun", [1, 22, 2]],
            ["1.24.3", [1, 24, 3]],
            ["1.29", [1, 29, 0]],
            ["1-28-1", [1, 28, 1]],
            [" 1.27.0 ", [1, 27, 0]],
        ];
        for (const [text, [major, minor, patch]] of readable) {
            it(`reads ${JSON.stringify(text)} as ${major}.${minor}.${patch}`, () => {
                assert.deepEqual(parseVersion(text), { major, minor, patch });
            });
        }

        const unreadable: unknown[] = [
            undefined,
            null,
            1.3, // a YAML `1.30` that became a number: the trailing zero is gone, so it cannot be trusted
            "",
            "latest",
            "asm-managed",
            "asm-managed-rapid",
            "asm-191-9", // too few digits for MAJOR(1) MINOR(2) POINT(1+)
            "asm-11910", // no -REV
            "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // Pulumi's unknown sentinel
            { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" },
            ["1.29"],
            "1.x",
            "99999999999999999999.1",
        ];
        for (const text of unreadable) {
            it(`returns undefined for ${JSON.stringify(text)}`, () => {
                assert.equal(parseVersion(text), undefined);
            });
        }

        it("never throws, whatever it is given", () => {
            fc.assert(
                fc.property(fc.anything(), (value) => {
                    parseVersion(value);
                }),
            );
            fc.assert(
                fc.property(fc.string(), (value) => {
                    parseVersion(value);
                }),
            );
        });
    });

    describe("compareVersions", () => {
        const cases: Array<[string, string, number]> = [
            ["1.29.0", "1.29", 0],
            ["1.28.9", "1.29.0", -1],
            ["1.30.0", "1.29.15", 1],
            ["2.0.0", "1.99.99", 1],
            ["1.24.0", "1.24.1", -1],
        ];
        for (const [a, b, sign] of cases) {
            it(`${a} vs ${b} is ${sign}`, () => {
                assert.equal(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!)), sign);
            });
        }
    });

    describe("isAtLeast", () => {
        const cases: Array<[unknown, string, boolean | undefined]> = [
            ["1.33.5-gke.1308000", "1.29", true],
            ["1.28.15-gke.1", "1.29", false],
            ["1.29", "1.29", true],
            ["1.30.1-aliyun.1", "1.30", true],
            ["asm-11910-26", "1.19", true],
            ["asm-1189-3", "1.19", false],
            ["1.23.6", "1.24.0", false], // the annotation shipped in 1.24.0, not 1.23.6 (FACTS.md "Traps")
            ["v1.22.2.35-ge64ec8af-aliyun", "1.22", true],
            ["latest", "1.29", undefined],
            [undefined, "1.29", undefined],
            ["04da6b54-80e4-46f7-96ec-b56ff0331ba9", "1.29", undefined],
        ];
        for (const [text, floor, expected] of cases) {
            it(`${JSON.stringify(text)} >= ${floor} is ${String(expected)}`, () => {
                assert.equal(isAtLeast(text, floor), expected);
            });
        }
        it("throws a message naming an unreadable floor", () => {
            assert.throws(() => isAtLeast("1.29", "one-twenty-nine"), /one-twenty-nine/);
        });
    });

    describe("revisionFromVersion", () => {
        it('gives Helm revision "1-28-1" for 1.28.1', () => {
            assert.equal(revisionFromVersion("1.28.1", "helm"), "1-28-1");
        });
        it('gives asmcli revision "asm-11910-26" for 1.19.10-asm.26 and "asm-1285-12" for 1.28.5-asm.12', () => {
            assert.equal(revisionFromVersion("1.19.10-asm.26", "asmcli"), "asm-11910-26");
            assert.equal(revisionFromVersion("1.28.5-asm.12", "asmcli"), "asm-1285-12");
        });
        const misfits: Array<[string, "helm" | "asmcli"]> = [
            ["1.19.10", "asmcli"], // asmcli needs -asm.N
            ["1.9.3-asm.1", "asmcli"], // one-digit minor cannot be read back from the concatenated digits
            ["1.28", "helm"],
            ["1.28.1-asm.3", "helm"],
            ["latest", "helm"],
        ];
        for (const [version, method] of misfits) {
            it(`throws for ${version} with ${method}, naming the version`, () => {
                assert.throws(
                    () => revisionFromVersion(version, method),
                    (error: Error) => error.message.includes(version),
                );
            });
        }
        it("gives names that are DNS-1123 labels and parse back to the same version", () => {
            fc.assert(
                fc.property(
                    fc.nat(9),
                    fc.integer({ min: 10, max: 99 }),
                    fc.nat(999),
                    fc.nat(999),
                    (major, minor, patch, rev) => {
                        const helm = revisionFromVersion(`${major}.${minor}.${patch}`, "helm");
                        const asm = revisionFromVersion(`${major}.${minor}.${patch}-asm.${rev}`, "asmcli");
                        for (const name of [helm, asm]) {
                            assert.ok(isDns1123Label(name), name);
                            assert.deepEqual(parseVersion(name), { major, minor, patch });
                        }
                    },
                ),
            );
        });
    });

    describe("isDns1123Label", () => {
        const cases: Array<[string, boolean]> = [
            ["1-28-1", true],
            ["asm-11910-26", true],
            ["prod-stable", true],
            ["a", true],
            ["a".repeat(63), true],
            ["a".repeat(64), false],
            ["1.28.1", false], // revisions may not contain "." (FACTS.md "Labels")
            ["Prod", false],
            ["-a", false],
            ["a-", false],
            ["", false],
            ["a_b", false],
        ];
        for (const [text, expected] of cases) {
            it(`${JSON.stringify(text.length > 20 ? `${text.slice(0, 5)}…(${text.length})` : text)} is ${expected}`, () => {
                assert.equal(isDns1123Label(text), expected);
            });
        }
    });
});

// policy/facts/versions.ts, policy/facts/formance.ts and policy/formance-values.ts, for mutation testing: the edges
// of each version form (multi-digit components, junk before or after, the 256-character limit), the whole
// refusal messages of revisionFromVersion and encodeKeyValueMap, Go's white space (vertical tab included) trimmed
// on both ends, non-string inputs from JavaScript callers, and the pairs and changes the Formance walk reports.
// Inputs are built inside each `it` (docs/MUTATION.md).

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
});
