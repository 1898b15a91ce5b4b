// What a rule is, independent of Pulumi: a name, a default enforcement level, a config with defaults, and one
// pure check. The CrossGuard adapter (pulumi-adapter.ts) and the offline engine (evaluate.ts) both run these.

import { parseVersion } from "./facts/versions";

export interface StackResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** One problem a rule found. `cannotTell` findings are reported as advisory, or at the policy's own level in
 *  strict mode (config key `strict`, `audit --strict`, `preview --strict`). */
export interface Finding {
    message: string;
    cannotTell?: boolean;
}

export interface StackFinding extends Finding {
    resource: StackResource;
}

export type RuleLevel = "advisory" | "mandatory";

/** A config property: JSON schema for `configSchema`, plus how to check a value offline. */
export interface ConfigProperty {
    type: "string" | "integer" | "array";
    description: string;
    default: string | number | string[];
    /** The value must be a version string such as "1.29" (checked offline; a pattern for Pulumi). */
    version?: boolean;
    minimum?: number;
}

export type ConfigSpec<C> = { [K in keyof C]: ConfigProperty & { default: C[K] } };

interface RuleBase<C> {
    name: string;
    description: string;
    enforcementLevel: RuleLevel;
    config: ConfigSpec<C>;
    /** Fix hint shown by `pulumi preview` and in docs. */
    remediationSteps: string;
}

export interface ResourceRule<C> extends RuleBase<C> {
    kind: "resource";
    /** Resource types this rule reads; others are "not applicable" for CrossGuard. */
    appliesTo(type: string): boolean;
    check(type: string, props: Record<string, unknown>, config: C): Finding[];
}

export interface StackRule<C> extends RuleBase<C> {
    kind: "stack";
    check(resources: StackResource[], config: C): StackFinding[];
}

// Rules are stored together, so their config types are erased here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = ResourceRule<any> | StackRule<any>;

/** A bad `--policy-config` / `--policy-pack-config`: one line naming the policy and key. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

const VERSION_PATTERN = "^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$";

/** The config key, on every policy, that makes its "cannot tell" findings count at the policy's own level. */
export const STRICT_KEY = "strict";
const STRICT_SCHEMA = {
    type: "boolean",
    default: false,
    description:
        'Report "cannot tell" (a value the pack cannot read: a secret, a file, an unknown) at this policy\'s level instead of as advisory.',
};

/** The rule's `configSchema` for CrossGuard (JSON schema with defaults). */
export function configSchemaOf(rule: AnyRule): { properties: Record<string, Record<string, unknown>> } {
    const properties: Record<string, Record<string, unknown>> = {};
    for (const [key, spec] of Object.entries(rule.config as Record<string, ConfigProperty>)) {
        const schema: Record<string, unknown> = {
            type: spec.type,
            description: spec.description,
            default: spec.default,
        };
        if (spec.version) schema.pattern = VERSION_PATTERN;
        if (spec.type === "array") schema.items = { type: "string" };
        if (spec.minimum !== undefined) schema.minimum = spec.minimum;
        properties[key] = schema;
    }
    properties[STRICT_KEY] = { ...STRICT_SCHEMA };
    return { properties };
}

/** The rule's defaults overlaid with `given` (keys other than enforcementLevel), each checked against its
 *  spec. Throws PolicyConfigError for an unknown key or a bad value. */
export function resolveConfig<C>(rule: RuleBase<C>, given: Record<string, unknown> | undefined): C {
    const specs = rule.config as Record<string, ConfigProperty>;
    const config: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(specs)) config[key] = spec.default;
    for (const [key, value] of Object.entries(given ?? {})) {
        if (key === "enforcementLevel") continue;
        if (key === STRICT_KEY) {
            strictOf(rule.name, given);
            continue;
        }
        const spec = specs[key];
        if (!spec) {
            const known = Object.keys(specs);
            throw new PolicyConfigError(
                `policy "${rule.name}": unknown config key "${key}"; allowed: ${[...known, STRICT_KEY].join(", ")}`,
            );
        }
        config[key] = checkValue(rule.name, key, spec, value);
    }
    return config as C;
}

/** Whether a policy's config asks for strict mode (`"strict": true`); throws for a value that is not a boolean. */
export function strictOf(policy: string, given: Record<string, unknown> | undefined): boolean {
    const value = given?.[STRICT_KEY];
    if (value === undefined) return false;
    if (typeof value !== "boolean") {
        throw new PolicyConfigError(
            `policy "${policy}": config "${STRICT_KEY}" is ${JSON.stringify(value)}; expected true or false`,
        );
    }
    return value;
}

function checkValue(policy: string, key: string, spec: ConfigProperty, value: unknown): unknown {
    const bad = (expected: string): never => {
        throw new PolicyConfigError(
            `policy "${policy}": config "${key}" is ${JSON.stringify(value)}; expected ${expected}`,
        );
    };
    switch (spec.type) {
        case "string":
            if (typeof value !== "string") bad("a string");
            if (spec.version && !new RegExp(VERSION_PATTERN).test(value as string)) bad('a version such as "1.29"');
            if (spec.version && parseVersion(value) === undefined) bad('a version such as "1.29"');
            return value;
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value)) bad("an integer");
            if (spec.minimum !== undefined && (value as number) < spec.minimum) bad(`an integer >= ${spec.minimum}`);
            return value;
        case "array":
            if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) bad("a list of strings");
            return value;
    }
}

/** What a check answers when it finds nothing, one frozen list for all: a stack rule's check runs for every resource
 *  and most find nothing, and a new empty list for each was a good part of what an evaluation allocated (issue 20).
 *  Callers only read a check's findings. */
export const NO_FINDINGS: Finding[] = Object.freeze([]) as unknown as Finding[];

/** `found` with `more` after it. A list is made only once there is a finding to hold: most checks of most resources
 *  find nothing, and a list per check and reader, spread into the next, was much of what an evaluation allocated
 *  (issue 20). `found` is NO_FINDINGS or a list the caller made, and may grow; `more` may be NO_FINDINGS or a list a
 *  reader keeps, and is never changed. */
export function addFindings(found: Finding[], more: readonly Finding[]): Finding[] {
    if (more.length === 0) return found;
    if (found.length === 0) return more.slice();
    for (let index = 0; index < more.length; index++) found.push(more[index]);
    return found;
}

/** Each resource's findings, tagged with the resource, in the resources' order. A loop rather than flatMap and
 *  map: stack rules run it over every resource, and the two lists those made for each resource without a finding
 *  were a good part of what an evaluation allocated (issue 20). */
export function findingsOfEach(
    resources: StackResource[],
    check: (resource: StackResource) => Finding[],
): StackFinding[] {
    const found: StackFinding[] = [];
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        const findings = check(resource);
        for (let position = 0; position < findings.length; position++) found.push({ ...findings[position], resource });
    }
    return found;
}

/** "what is wrong. why (the fact behind it). Fix: what to do." as one line. */
export function say(what: string, why: string, fix: string): string {
    return `${what}. ${why}. Fix: ${fix}.`;
}

/** How a resource is named in messages: `name (type)`. */
export function describe(resource: { name: string; type: string }): string {
    return `${resource.name} (${resource.type})`;
}
