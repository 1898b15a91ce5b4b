// Mutation tests for two readers of what a stack declares: propsFromState (policy/state.ts: inputs over outputs,
// key by key, lists of equal length entry by entry, a bounded depth) and gcloudMeshFindings (policy/gcloud.ts:
// which gcloud commands switch a managed control plane on). Each table compares the reader's whole answer.
// The merge copies only where the outputs change something (issue 20): a property compares it with a merge that
// copies every level, key order included, and the cases after the table pin down what it shares.
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { propsFromState } from "../../policy/state";

/** `levels` objects (or one-entry lists) around `leaf`: nest(2, "object", x) is { n: { n: x } }. */
function nest(levels: number, kind: "object" | "list", leaf: unknown): unknown {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = kind === "object" ? { n: value } : [value];
    return value;
}

describe("policy readers: propsFromState", () => {
    const table: Array<[string, () => [unknown, unknown], Record<string, unknown>]> = [
        ["a key the inputs leave out", () => [{ a: 1 }, { a: 2, b: 3 }], { a: 1, b: 3 }],
        ["a null input falls back to the output", () => [{ a: null }, { a: 2 }], { a: 2 }],
        ["an undefined input falls back to the output", () => [{ a: undefined }, { a: 2 }], { a: 2 }],
        ["a null input without an output stays null", () => [{ a: null }, {}], { a: null }],
        ["an undefined input without an output", () => [{ a: undefined }, {}], { a: undefined }],
        ["an object output for a null input", () => [{ a: null }, { a: { x: 1 } }], { a: { x: 1 } }],
        ["no inputs: the outputs", () => [null, { a: 1 }], { a: 1 }],
        ["inputs that are no object: the outputs", () => [[1], { a: 1 }], { a: 1 }],
        ["no outputs: the inputs", () => [{ a: 1 }, "x"], { a: 1 }],
        ["neither", () => [null, undefined], {}],
        ["nested objects merge", () => [{ a: { x: null, y: 1 } }, { a: { x: 2, z: 3 } }], { a: { x: 2, y: 1, z: 3 } }],
        [
            "lists of the same length merge entry by entry",
            () => [{ l: [{ a: null }, { a: 1 }] }, { l: [{ a: 5, b: 6 }, { a: 7 }] }],
            { l: [{ a: 5, b: 6 }, { a: 1 }] },
        ],
        [
            "lists of different lengths: the inputs",
            () => [{ l: [{ a: null }] }, { l: [{ a: 5 }, { a: 7 }] }],
            { l: [{ a: null }] },
        ],
        ["a list against an object: the inputs", () => [{ l: [1] }, { l: { a: 1 } }], { l: [1] }],
        [
            "objects merge down to depth 31 (the root is depth 0)",
            () => [nest(31, "object", { x: 1 }), nest(31, "object", { x: 1, y: 2 })],
            nest(31, "object", { x: 1, y: 2 }) as Record<string, unknown>,
        ],
        [
            "at depth 32 the inputs are taken as they are",
            () => [nest(32, "object", { x: 1 }), nest(32, "object", { x: 1, y: 2 })],
            nest(32, "object", { x: 1 }) as Record<string, unknown>,
        ],
        [
            "lists count toward the depth (merged at 31)",
            () => [{ l: nest(30, "list", { x: 1 }) }, { l: nest(30, "list", { x: 1, y: 2 }) }],
            { l: nest(30, "list", { x: 1, y: 2 }) },
        ],
        [
            "lists count toward the depth (not at 32)",
            () => [{ l: nest(31, "list", { x: 1 }) }, { l: nest(31, "list", { x: 1, y: 2 }) }],
            { l: nest(31, "list", { x: 1 }) },
        ],
    ];
    for (const [name, input, expected] of table) {
        it(name, () => {
            const [inputs, outputs] = input();
            assert.deepStrictEqual(propsFromState(inputs, outputs), expected);
        });
    }
});

const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** The merge as written before issue 20, copying every level: the reference the copy-on-write merge must match. */
function copyingMerge(input: unknown, output: unknown, depth: number): unknown {
    const plain = (value: unknown): value is Record<string, unknown> => isObject(value) && !(SIG in value);
    if (input === undefined || input === null) return output ?? input;
    if (depth >= 32) return input;
    if (plain(input) && plain(output)) {
        const merged: Record<string, unknown> = { ...output };
        for (const [key, value] of Object.entries(input)) merged[key] = copyingMerge(value, output[key], depth + 1);
        return merged;
    }
    if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
        return input.map((entry, index) => copyingMerge(entry, output[index], depth + 1));
    }
    return input;
}

function copyingProps(inputs: unknown, outputs: unknown): unknown {
    const plain = (value: unknown) => isObject(value) && !(SIG in value);
    const merged = copyingMerge(plain(inputs) ? inputs : undefined, plain(outputs) ? outputs : undefined, 0);
    return plain(merged) ? merged : {};
}

// Pulumi's secret signature (policy/read.ts): a secret is a leaf, never merged into.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:x" };

/** The keys of every object, in order, with the leaves: deepStrictEqual ignores key order, this does not. A
 *  `__proto__` input key assigned over a copy sets its prototype, which is compared by content here, since
 *  deepStrictEqual compares prototypes by identity. */
function ordered(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(ordered);
    if (!isObject(value)) return value;
    const entries: unknown[] = Object.keys(value).map((key) => [key, ordered(value[key])]);
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype) entries.push(["[[Prototype]]", ordered(prototype)]);
    return entries;
}

// Trees with few key names, so inputs and outputs overlap, and the values an export holds (null, secrets).
const KEYS = ["a", "b", "c", "metadata", "spec", "__proto__", "toString", "0", "1"];
const leaf = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom("x", ""), fc.constant(SECRET));
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.dictionary(fc.constantFrom(...KEYS), tie("tree"), { maxKeys: 5, noNullPrototype: true }),
        fc.array(tie("tree"), { maxLength: 3 }),
    ),
}));

/** An output derived from an input as providers write them: the same subtree, a key added, dropped or changed,
 *  keys reordered, lists of the same length. */
function outputOf(input: unknown, edits: number[], depth = 0): unknown {
    const edit = edits[depth % edits.length] ?? 0;
    if (edit === 0 || depth > 6) return structuredClone(input);
    if (Array.isArray(input)) return input.map((entry, index) => outputOf(entry, edits, depth + 1 + index));
    if (!isObject(input) || SIG in input) return edit === 1 ? null : edit === 2 ? { added: edit } : input;
    const output: Record<string, unknown> = {};
    const keys = Object.keys(input);
    if (edit === 3) keys.reverse();
    for (const key of keys) {
        if (edit === 4 && key === keys[0]) continue;
        Object.defineProperty(output, key, {
            value: outputOf(input[key], edits, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
        });
    }
    if (edit === 1 || edit === 5) output.added = depth;
    return output;
}

describe("policy readers: propsFromState copies only what the outputs change", () => {
    it("gives what copying every level gives, key order included, and leaves the inputs as they were", () => {
        fc.assert(
            fc.property(
                tree,
                fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }),
                fc.option(tree),
                (input, edits, other) => {
                    const inputs = isObject(input) ? input : { spec: input };
                    const outputs = other ?? outputOf(inputs, edits);
                    const before = ordered(inputs);
                    const expected = copyingProps(inputs, outputs);
                    const actual = propsFromState(inputs, outputs);
                    assert.deepStrictEqual(ordered(actual), ordered(expected));
                    assert.deepStrictEqual(ordered(inputs), before);
                },
            ),
            { numRuns: 2000 },
        );
    });

    it("shares an input subtree the outputs only repeat", () => {
        const spec = { template: { spec: { containers: [{ name: "app", env: [{ name: "A", value: "1" }] }] } } };
        const inputs = { metadata: { name: "web" }, spec };
        const outputs = { metadata: { name: "web", uid: "u" }, spec: structuredClone(spec), status: {} };
        const props = propsFromState(inputs, outputs);
        assert.strictEqual(props.spec, spec);
        assert.notStrictEqual(props, inputs);
        assert.deepStrictEqual(props, { metadata: { name: "web", uid: "u" }, spec, status: {} });
    });

    it("returns the inputs themselves when the outputs add nothing", () => {
        const inputs = { a: { b: [1, { c: "x" }] }, d: null };
        assert.strictEqual(propsFromState(inputs, { a: { b: [1, { c: "x" }] } }), inputs);
    });

    it("copies a list when the outputs fill one of its entries, and keeps the entries before it", () => {
        const first = { name: "a" };
        const inputs = { list: [first, { name: null }] };
        const props = propsFromState(inputs, { list: [{ name: "a" }, { name: "b" }] });
        assert.notStrictEqual(props.list, inputs.list);
        assert.strictEqual((props.list as unknown[])[0], first);
        assert.deepStrictEqual(props, { list: [{ name: "a" }, { name: "b" }] });
        assert.deepStrictEqual(inputs, { list: [first, { name: null }] });
    });

    it("copies an input without Object's prototype into a plain object, as copying every level does", () => {
        const inputs = Object.assign(Object.create(null) as Record<string, unknown>, { spec: { a: 1 } });
        const props = propsFromState({ inner: inputs }, { inner: { spec: { a: 1 } } });
        assert.strictEqual(Object.getPrototypeOf(props.inner), Object.prototype);
        assert.deepStrictEqual(props, { inner: { spec: { a: 1 } } });
    });

    it("merges the input's own keys only, as Object.keys lists them, not keys its prototype lends it", () => {
        const inner = Object.assign(Object.create({ lent: "by the prototype" }) as Record<string, unknown>, { a: 1 });
        const props = propsFromState({ inner }, { inner: { a: 1, b: 2 } });
        assert.deepStrictEqual(ordered(props), [
            [
                "inner",
                [
                    ["a", 1],
                    ["b", 2],
                ],
            ],
        ]);
    });

    it("copies an object whose outputs fill a key after shared ones, in the outputs' key order", () => {
        const shared = { x: 1 };
        const inputs = { a: shared, b: null, c: 2 };
        const props = propsFromState(inputs, { b: 3, a: { x: 1 } });
        assert.deepStrictEqual(ordered(props), [
            ["b", 3],
            ["a", [["x", 1]]],
            ["c", 2],
        ]);
        assert.strictEqual(props.a, shared);
    });
});
