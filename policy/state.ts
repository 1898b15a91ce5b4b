// The properties a rule reads from a resource's saved state (`pulumi stack export`, `pulumi preview --json`):
// each key from the inputs, falling back to the outputs. The inputs say what the stack asked for; the outputs
// add what the provider filled in, e.g. a node pool's `version` when the program set none (GKE then runs the
// cluster's version, and the outputs say which).
//
// Copy on write (issue 20): the merge allocates an object or list only where the outputs change something under
// it, and otherwise hands back the input's own subtree. An export's outputs mostly repeat the inputs (a
// Deployment's whole spec) and add a few keys near the top (metadata.uid, status), so copying every level cost
// a tenth of `audit`'s time, and as much again in garbage collection. The result is the same, key order
// included, as copying every level (`{...output}`, then each input key over it); test/policy/state.spec.ts
// compares the two on generated trees. Nothing reads props to change them, so sharing the inputs is safe.

import { isPlainObject } from "./read";

const MAX_DEPTH = 32;
const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function merge(input: unknown, output: unknown, depth: number): unknown {
    if (input === undefined || input === null) return output ?? input;
    if (depth >= MAX_DEPTH) return input;
    if (isPlainObject(input) && isPlainObject(output)) return mergeObjects(input, output, depth);
    // Lists line up only when they have the same length (inline node pools, containers).
    if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
        let merged: unknown[] | undefined;
        for (let index = 0; index < input.length; index++) {
            const value = merge(input[index], output[index], depth + 1);
            if (merged === undefined && value !== input[index]) merged = input.slice(0, index);
            if (merged !== undefined) merged.push(value);
        }
        return merged ?? input;
    }
    return input;
}

/** Whether `{...output}` with every input key assigned over it has the input's own keys, in the input's order:
 *  the output's keys must be the first of the input's, in the same order (so the output adds no key). A
 *  `__proto__` key or another prototype takes the copying path, where assignment behaves as it always did.
 *  for-in, not Object.keys: no list per object (a stack export has a quarter of a million of them). It also
 *  yields inherited enumerable keys, after the own ones; such a key only makes the test fail or, where it
 *  matches the input's next key, leaves the order the same. `keys[0..count)` are the input's own keys. */
function keepsInputShape(input: Record<string, unknown>, keys: string[], count: number, output: object): boolean {
    let index = 0;
    // An output with more keys than the input fails at index === count (the list may hold older keys beyond it).
    for (const key in output) if (index === count || key !== keys[index++]) return false;
    // The prototype last: reading it is a call into the runtime, and most outputs that add keys fail above.
    return Object.getPrototypeOf(input) === Object.prototype && !hasOwn(input, "__proto__");
}

// The input's own keys as the merge meets them, one reused list per depth. The merge walks each input with for-in
// rather than Object.keys: optimized, a for-in reads each value by its slot, where reading by a key from a list
// went through the megamorphic property lookup, the largest cost of the merge (issue 20); and no list per object.
// A merge at one depth calls merges one level deeper only, so a depth's list is never overwritten while in use.
// for-in with the own-key test yields what Object.keys does, in the same order.
const keysAtDepth: string[][] = [];

function mergeObjects(input: Record<string, unknown>, output: Record<string, unknown>, depth: number): unknown {
    const keys = (keysAtDepth[depth] ??= []);
    let count = 0;
    let merged: Record<string, unknown> | undefined;
    for (const key in input) {
        if (!hasOwn(input, key)) continue;
        keys[count++] = key;
        const child = input[key];
        // A string, number or boolean is the input's answer whatever the outputs hold (merge's last line): half of
        // an export's values, taken without a call or a read of the outputs.
        const value = child !== undefined && typeof child !== "object" ? child : merge(child, output[key], depth + 1);
        if (merged === undefined && value !== child) {
            // The first key the outputs change: copy now, as if from the start.
            merged = { ...output };
            for (let before = 0; before < count - 1; before++) merged[keys[before]] = input[keys[before]];
        }
        if (merged !== undefined) merged[key] = value;
    }
    if (merged !== undefined || keepsInputShape(input, keys, count, output)) return merged ?? input;
    // Nothing below changed, but the outputs add keys (metadata.uid, status): the copy, every value the input's.
    merged = { ...output };
    for (let index = 0; index < count; index++) merged[keys[index]] = input[keys[index]];
    return merged;
}

/** Inputs, with every key they leave out (or set to null) taken from the outputs. */
export function propsFromState(inputs: unknown, outputs: unknown): Record<string, unknown> {
    const merged = merge(isPlainObject(inputs) ? inputs : undefined, isPlainObject(outputs) ? outputs : undefined, 0);
    return isPlainObject(merged) ? merged : {};
}
