// The properties a rule reads from a resource's saved state (`pulumi stack export`, `pulumi preview --json`):
// each key from the inputs, falling back to the outputs. The inputs say what the stack asked for; the outputs
// add what the provider filled in, e.g. a node pool's `version` when the program set none (GKE then runs the
// cluster's version, and the outputs say which).

import { isPlainObject } from "./read";

const MAX_DEPTH = 32;

function merge(input: unknown, output: unknown, depth: number): unknown {
    if (input === undefined || input === null) return output ?? input;
    if (depth >= MAX_DEPTH) return input;
    if (isPlainObject(input) && isPlainObject(output)) {
        const merged: Record<string, unknown> = { ...output };
        for (const [key, value] of Object.entries(input)) merged[key] = merge(value, output[key], depth + 1);
        return merged;
    }
    // Lists line up only when they have the same length (inline node pools, containers).
    if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
        return input.map((entry, index) => merge(entry, output[index], depth + 1));
    }
    return input;
}

/** Inputs, with every key they leave out (or set to null) taken from the outputs. */
export function propsFromState(inputs: unknown, outputs: unknown): Record<string, unknown> {
    const merged = merge(isPlainObject(inputs) ? inputs : undefined, isPlainObject(outputs) ? outputs : undefined, 0);
    return isPlainObject(merged) ? merged : {};
}
