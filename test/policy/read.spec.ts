// The policy pack's readers (policy/read.ts) as tables: what they answer for absent, opaque (secret, unknown) and
// wrongly typed values, and how a value is shown in a message. Every rule's "cannot tell" rests on these.

import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    at,
    CANNOT_TELL,
    isPlainObject,
    isSecret,
    isUnknown,
    readArray,
    readAssetText,
    readObject,
    readString,
    readStringMap,
    show,
} from "../../policy/read";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const ASSET = "c44067f5952c0a294b673a41bacd8c17";

describe("policy readers: at", () => {
    const table: Array<[string, unknown, Array<string | number>, unknown]> = [
        ["a nested value", { a: { b: [1, 2] } }, ["a", "b", 1], 2],
        ["a missing step", { a: {} }, ["a", "b", "c"], undefined],
        ["a null step", { a: null }, ["a", "b"], undefined],
        ["a null leaf (absent, as YAML null is)", { a: null }, ["a"], undefined],
        ["through a secret", { a: SECRET }, ["a", "b"], CANNOT_TELL],
        ["a secret leaf", { a: SECRET }, ["a"], CANNOT_TELL],
        ["through an unknown", { a: UNKNOWN }, ["a", "b"], CANNOT_TELL],
        ["an index into an object", { a: { b: 1 } }, ["a", 0], CANNOT_TELL],
        ["a key into an array", { a: [1] }, ["a", "b"], CANNOT_TELL],
        ["an inherited key is not a value", { a: {} }, ["a", "toString"], undefined],
        ["a key into a string (its length is no value)", { a: "abc" }, ["a", "length"], CANNOT_TELL],
        ["an index into a string", { a: "abc" }, ["a", 0], CANNOT_TELL],
        ["a secret's own key", { a: SECRET }, ["a", "ciphertext"], CANNOT_TELL],
        ["a key into a function", { a: () => 1 }, ["a", "name"], CANNOT_TELL],
    ];
    for (const [name, root, path, expected] of table) {
        it(`${name}: ${String(expected === CANNOT_TELL ? "cannot tell" : JSON.stringify(expected))}`, () =>
            assert.equal(at(root, ...path), expected));
    }
});

describe("policy readers: at walks a path in parts", () => {
    it("at(root, ...a, ...b) is at(at(root, ...a), ...b), so a reader may walk to a parent once", () => {
        // Values of every kind a step can meet: objects, lists, null, secrets, unknowns, strings, numbers.
        const step = fc.oneof(fc.constantFrom("a", "b", "length", SIG), fc.constantFrom(0, 1));
        const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
            tree: fc.oneof(
                { depthSize: "small", withCrossShrink: true },
                fc.constantFrom(null, undefined, UNKNOWN, SECRET, "text", 1, true),
                fc.dictionary(fc.constantFrom("a", "b", "length"), tie("tree"), { maxKeys: 3 }),
                fc.array(tie("tree"), { maxLength: 2 }),
            ),
        }));
        fc.assert(
            fc.property(tree, fc.array(step, { maxLength: 4 }), fc.array(step, { maxLength: 4 }), (root, a, b) => {
                assert.equal(at(at(root, ...a), ...b), at(root, ...a, ...b));
            }),
            { numRuns: 3000 },
        );
    });
});

describe("policy readers: isUnknown", () => {
    // Pulumi's unknown sentinels (@pulumi/policy proxy.js, @pulumi/pulumi runtime/rpc), each a UUID's 36 characters:
    // the reader tests the length before it looks a text up (issue 20).
    const SENTINELS = [
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    ];
    for (const sentinel of SENTINELS) {
        it(`${sentinel} is unknown; one character more or less is a text`, () => {
            assert.equal(isUnknown(sentinel), true);
            assert.equal(isUnknown(`${sentinel} `), false);
            assert.equal(isUnknown(sentinel.slice(1)), false);
            assert.equal(isUnknown(sentinel.toUpperCase()), false);
        });
    }
    it("another text of the same length, or no string, is not unknown", () => {
        assert.equal(isUnknown("00000000-0000-0000-0000-000000000000"), false);
        assert.equal(isUnknown({ [SENTINELS[0]]: true }), false);
        assert.equal(isUnknown(36), false);
    });
});

describe("policy readers: typed reads", () => {
    it("absent (undefined or null) is undefined, the wrong type or an opaque value is cannot tell", () => {
        for (const read of [readString, readObject, readArray]) {
            assert.equal(read(undefined), undefined, read.name);
            assert.equal(read(null), undefined, read.name);
        }
        assert.deepEqual(
            [readString("x"), readString(UNKNOWN), readString(1), readString(SECRET)],
            ["x", CANNOT_TELL, CANNOT_TELL, CANNOT_TELL],
        );
        assert.deepEqual(
            [readObject({ a: 1 }), readObject([]), readObject(SECRET)],
            [{ a: 1 }, CANNOT_TELL, CANNOT_TELL],
        );
        assert.deepEqual([readArray([1]), readArray({}), readArray(UNKNOWN)], [[1], CANNOT_TELL, CANNOT_TELL]);
    });

    it("a string map keeps strings, marks opaque entries, and drops null entries", () => {
        const map = readStringMap({ a: "1", b: UNKNOWN, c: null, d: 2 });
        assert.ok(map instanceof Map);
        assert.deepEqual(
            [...map.entries()],
            [
                ["a", "1"],
                ["b", CANNOT_TELL],
                ["d", CANNOT_TELL],
            ],
        );
    });

    it("a secret is neither a plain object nor anything but a secret", () => {
        assert.deepEqual(
            [isSecret(SECRET), isSecret("x"), isSecret(null), isSecret({ [SIG]: "other" })],
            [true, false, false, false],
        );
        assert.deepEqual(
            [isPlainObject({}), isPlainObject(SECRET), isPlainObject([]), isPlainObject(null)],
            [true, false, false, false],
        );
    });

    const assets: Array<[string, unknown, string | typeof CANNOT_TELL]> = [
        ["a string asset", { [SIG]: ASSET, text: "kind: IstioOperator" }, "kind: IstioOperator"],
        ["a file asset", { [SIG]: ASSET, path: "/tmp/overlay.yaml" }, CANNOT_TELL],
        ["a plain object holding text (as the engine hands it)", { text: "x" }, "x"],
        ["an object of another signature", { [SIG]: "other" }, CANNOT_TELL],
        ["a secret", SECRET, CANNOT_TELL],
        ["a string", "kind: IstioOperator", CANNOT_TELL],
        ["null", null, CANNOT_TELL],
        ["a string asset whose text is not a string", { [SIG]: ASSET, text: 1 }, CANNOT_TELL],
    ];
    for (const [name, value, expected] of assets) {
        it(`readAssetText of ${name}`, () => assert.equal(readAssetText(value), expected));
    }
});

describe("policy readers: show, how a value appears in a message", () => {
    const cyclicArray: unknown[] = [];
    cyclicArray.push(cyclicArray);
    const cyclicObject: Record<string, unknown> = {};
    cyclicObject.self = cyclicObject;
    const table: Array<[string, unknown, string]> = [
        ["cannot tell", CANNOT_TELL, "(cannot tell)"],
        ["a string, quoted", "auto", '"auto"'],
        ["a string of 80 characters, whole", "x".repeat(80), JSON.stringify("x".repeat(80))],
        ["a longer string, cut at 77 with ...", "x".repeat(81), JSON.stringify(`${"x".repeat(77)}...`)],
        ["a boolean", false, "false"],
        ["an object as JSON", { a: 1 }, '{"a":1}'],
        ["an object of 80 characters, whole", { a: "x".repeat(72) }, JSON.stringify({ a: "x".repeat(72) })],
        ["a longer object, cut", { a: "x".repeat(73) }, `${JSON.stringify({ a: "x".repeat(73) }).slice(0, 77)}...`],
        ["undefined", undefined, "undefined"],
        ["a cyclic array", cyclicArray, "(an array)"],
        ["a cyclic object", cyclicObject, "(a object)"],
    ];
    for (const [name, value, expected] of table) {
        it(`${name}: ${expected.length > 30 ? `${expected.slice(0, 30)}...` : expected}`, () =>
            assert.equal(show(value), expected));
    }
});
