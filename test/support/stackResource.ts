/** A resource of a stack as the policy engine reads it (policy/evaluate.ts), for the rules' fixture tables. */
import type { StackResource } from "../../policy/evaluate";

export const stackResource = (type: string, name: string, props: Record<string, unknown>): StackResource => ({
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    props,
});
