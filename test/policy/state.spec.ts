// Mutation tests for two readers of what a stack declares: propsFromState (policy/state.ts: inputs over outputs,
// key by key, lists of equal length entry by entry, a bounded depth) and gcloudMeshFindings (policy/gcloud.ts:
// which gcloud commands switch a managed control plane on). Each table compares the reader's whole answer.
import * as assert from "node:assert/strict";
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
