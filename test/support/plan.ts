/**
 * Test helpers over the offline engine: record what a piece of Pulumi code declares, and find resources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
    OFFLINE_INVOKE_RESULTS,
    planStack,
    recordProgram,
    type InvokeAnswers,
    type Plan,
    type PlannedResource,
} from "../../cli/engine";
import { shippedStacks, STACKS_DIR } from "../../cli/stackFile";

/** Invoke answers for component tests: a known project number, so the mesh_id label can be asserted. */
export const TEST_INVOKES: InvokeAnswers = {
    ...OFFLINE_INVOKE_RESULTS,
    "gcp:organizations/getProject:getProject": { number: "123456789012", projectId: "acme-mesh-dev" },
};

/** Runs `declare` under the mocks and returns every resource it declared. */
export async function record(declare: () => unknown): Promise<PlannedResource[]> {
    return (await recordProgram("test", {}, declare, { invokes: TEST_INVOKES, revealSecrets: true })).resources;
}

export function ofType(resources: PlannedResource[], type: string): PlannedResource[] {
    return resources.filter((r) => r.type === type);
}

export function oneOfType(resources: PlannedResource[], type: string): PlannedResource {
    const found = ofType(resources, type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}

/** Reads a nested value: at(obj, "spec.template.spec") */
export function at(value: unknown, dotted: string): unknown {
    let cur: unknown = value;
    for (const part of dotted.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

const plans = new Map<string, Promise<Plan>>();

/** The stacks shipped under stacks/. */
export const shippedStackNames = shippedStacks;

/** The plan of a shipped stack, computed once per test run. */
export function planShipped(stack: string): Promise<Plan> {
    let plan = plans.get(stack);
    if (plan === undefined) {
        const config = parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")).config;
        plan = planStack(stack, config);
        plans.set(stack, plan);
    }
    return plan;
}
