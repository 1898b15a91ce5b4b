// The one offline engine: runs every rule of the pack over a list of resources, with the same config JSON that
// `pulumi preview --policy-pack-config` takes. Used by `audit` and by the offline `preview`. No Pulumi SDK.

import { withEvaluationCache } from "./evaluation-cache";
import { isPlainObject, show } from "./read";
import {
    describe,
    PolicyConfigError,
    resolveConfig,
    strictOf,
    type AnyRule,
    type Finding,
    type StackResource,
} from "./rule";
import { RULES } from "./rules";

export type { StackResource } from "./rule";
export { PolicyConfigError } from "./rule";

export interface Violation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    urn: string;
    message: string;
}

type Level = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: Level[] = ["advisory", "mandatory", "remediate", "disabled"];

interface PolicySettings {
    level: Level;
    config: unknown;
    strict: boolean;
}

export interface EvaluateOptions {
    /** Strict mode for every policy (`audit --strict`, `preview --strict`): "cannot tell" counts at the policy's
     *  own level. A policy's config key `strict: true` does the same for that policy. */
    strict?: boolean;
}

function levelOf(value: unknown, where: string): Level {
    if (typeof value === "string" && (LEVELS as string[]).includes(value)) return value as Level;
    throw new PolicyConfigError(
        `${where}: enforcementLevel ${JSON.stringify(value)} is not one of ${LEVELS.join(", ")}`,
    );
}

/** Reads `{"all": <level> | {enforcementLevel}, "<policy>": <level> | {enforcementLevel?, ...config}}`.
 *  A policy's own level wins over "all", which wins over the policy's default (as the Pulumi engine does). */
function settingsFromPackConfig(packConfig: unknown, rules: AnyRule[]): Map<string, PolicySettings> {
    if (packConfig !== undefined && packConfig !== null && !isPlainObject(packConfig)) {
        throw new PolicyConfigError(
            `policy config: expected a JSON object such as {"all": "advisory"}, got ${JSON.stringify(packConfig)}`,
        );
    }
    const given = (packConfig ?? {}) as Record<string, unknown>;
    const names = new Set(rules.map((rule) => rule.name));
    for (const key of Object.keys(given)) {
        if (key !== "all" && !names.has(key)) {
            throw new PolicyConfigError(`policy config: unknown policy "${key}"; known: all, ${[...names].join(", ")}`);
        }
    }
    let allLevel: Level | undefined;
    const all = given.all;
    if (typeof all === "string") allLevel = levelOf(all, 'policy "all"');
    else if (isPlainObject(all)) {
        const extra = Object.keys(all).filter((key) => key !== "enforcementLevel");
        if (extra.length > 0)
            throw new PolicyConfigError(`policy "all": only enforcementLevel can be set, not "${extra[0]}"`);
        if (all.enforcementLevel !== undefined) allLevel = levelOf(all.enforcementLevel, 'policy "all"');
    } else if (all !== undefined) {
        throw new PolicyConfigError(
            `policy "all": expected an enforcement level or {"enforcementLevel": ...}, got ${JSON.stringify(all)}`,
        );
    }
    const settings = new Map<string, PolicySettings>();
    for (const rule of rules) {
        const own = given[rule.name];
        let level: Level = allLevel ?? rule.enforcementLevel;
        let config: Record<string, unknown> | undefined;
        if (typeof own === "string") level = levelOf(own, `policy "${rule.name}"`);
        else if (isPlainObject(own)) {
            if (own.enforcementLevel !== undefined) level = levelOf(own.enforcementLevel, `policy "${rule.name}"`);
            config = own;
        } else if (own !== undefined) {
            throw new PolicyConfigError(
                `policy "${rule.name}": expected an enforcement level or an object, got ${JSON.stringify(own)}`,
            );
        }
        settings.set(rule.name, {
            level,
            config: resolveConfig(rule, config),
            strict: strictOf(rule.name, config),
        });
    }
    return settings;
}

/** One rule over the resources: a stack rule at once, a resource rule on each resource it applies to. Exported
 *  for its tests. */
export function runRule(
    rule: AnyRule,
    resources: StackResource[],
    config: unknown,
): Array<Finding & { resource: StackResource }> {
    if (rule.kind === "stack") return rule.check(resources, config);
    const found: Array<Finding & { resource: StackResource }> = [];
    // appliesTo reads the type alone, so it is asked once per type, not once per resource: a stack has a few
    // dozen types and thousands of resources (issue 20).
    const applies = new Map<string, boolean>();
    // By index, not for-of: a first run is mostly interpreted, where for-of allocates per resource (issue 20).
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        let reads = applies.get(resource.type);
        if (reads === undefined) {
            reads = rule.appliesTo(resource.type);
            applies.set(resource.type, reads);
        }
        if (!reads) continue;
        const findings = rule.check(resource.type, resource.props, config);
        for (let position = 0; position < findings.length; position++) found.push({ ...findings[position], resource });
    }
    return found;
}

/** Evaluates every enabled policy. Never throws on resource content: a rule that fails is reported as an
 *  advisory violation (mandatory in strict mode: the pack could not tell). Throws PolicyConfigError for a bad `packConfig`. */
export function evaluatePolicies(
    resources: StackResource[],
    packConfig?: unknown,
    options: EvaluateOptions = {},
): Violation[] {
    const settings = settingsFromPackConfig(packConfig, RULES);
    return withEvaluationCache(() => runRules(resources, settings, options));
}

/** Every enabled rule over the resources, with what rules derive from each resource's props read once
 *  (evaluation-cache.ts). */
function runRules(
    resources: StackResource[],
    settings: Map<string, PolicySettings>,
    options: EvaluateOptions,
): Violation[] {
    const safe = resources.map((resource) => (isPlainObject(resource.props) ? resource : { ...resource, props: {} }));
    const violations: Violation[] = [];
    for (const rule of RULES) {
        const { level, config, strict } = settings.get(rule.name)!;
        if (level === "disabled") continue;
        // CrossGuard reports a remediate-level violation as mandatory (pulumi/pulumi#15618).
        const enforced: Violation["enforcementLevel"] = level === "advisory" ? "advisory" : "mandatory";
        let findings: Array<Finding & { resource: StackResource }>;
        try {
            findings = runRule(rule, safe, config);
        } catch (error) {
            violations.push({
                policy: rule.name,
                enforcementLevel: strict || options.strict ? enforced : "advisory",
                urn: "",
                message: `could not evaluate ${rule.name}: ${error instanceof Error ? error.message : show(error)}`,
            });
            continue;
        }
        for (const finding of findings) {
            violations.push({
                policy: rule.name,
                enforcementLevel: finding.cannotTell && !(strict || options.strict) ? "advisory" : enforced,
                urn: finding.resource.urn,
                message: `${describe(finding.resource)}: ${finding.message}`,
            });
        }
    }
    return violations;
}
