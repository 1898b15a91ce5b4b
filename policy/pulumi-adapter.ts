// Turns a pure rule into a CrossGuard policy object. Types only from @pulumi/policy: this module must load
// without the Pulumi SDK (the audit CLI imports the rule modules, which import this).

import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    configSchemaOf,
    describe,
    resolveConfig,
    strictOf,
    type Finding,
    type ResourceRule,
    type StackResource,
    type StackRule,
} from "./rule";

// @pulumi/policy wraps props in a proxy that throws on the first unknown value it meets, which would turn a
// whole stack check into "can't run during preview". The proxy hands out its target under this key
// (@pulumi/policy proxy.js, getSpecialProxyTarget); the rules then see the unknown sentinels themselves and
// report "cannot tell" for just that value. A plain object simply has no such key.
const PROXY_TARGET = "__getSpecialProxyTarget";

function plainProps(props: unknown): Record<string, unknown> {
    if (typeof props !== "object" || props === null) return {};
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    return (typeof target === "object" && target !== null ? target : props) as Record<string, unknown>;
}

/** Reports a finding. "Cannot tell" goes out as advisory through reportViolation's object form (@pulumi/policy
 *  >= 1.21 server.js makeReportViolationFun; pulumi/pulumi-policy#424), whatever the policy's level, unless the
 *  policy's config says `strict: true`: then at the policy's level, like any other finding. */
function report(
    reportViolation: ReportViolation,
    policyName: string,
    finding: Finding,
    message: string,
    urn: string | undefined,
    strict: boolean,
): void {
    if (finding.cannotTell && !strict) {
        const advisory = { name: policyName, message, urn, enforcementLevel: "advisory" };
        (reportViolation as unknown as (info: typeof advisory) => void)(advisory);
    } else {
        reportViolation(message, urn);
    }
}

function configOf<C>(
    rule: ResourceRule<C> | StackRule<C>,
    args: { getConfig<T extends object>(): T },
): { config: C; strict: boolean } {
    const given = args.getConfig<Record<string, unknown>>();
    return { config: resolveConfig(rule, given), strict: strictOf(rule.name, given) };
}

export function resourcePolicy<C>(rule: ResourceRule<C>): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        configSchema: configSchemaOf(rule) as ResourceValidationPolicy["configSchema"],
        remediationSteps: rule.remediationSteps,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            if (!rule.appliesTo(args.type)) {
                args.notApplicable(`${rule.name} does not read ${args.type} resources`);
            }
            const { config, strict } = configOf(rule, args);
            for (const finding of rule.check(args.type, plainProps(args.props), config)) {
                report(reportViolation, rule.name, finding, `${describe(args)}: ${finding.message}`, undefined, strict);
            }
        },
    };
}

function toStackResource(resource: PolicyResource): StackResource {
    return { urn: resource.urn, type: resource.type, name: resource.name, props: plainProps(resource.props) };
}

export function stackPolicy<C>(rule: StackRule<C>): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        configSchema: configSchemaOf(rule) as StackValidationPolicy["configSchema"],
        remediationSteps: rule.remediationSteps,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const { config, strict } = configOf(rule, args);
            for (const finding of rule.check(args.resources.map(toStackResource), config)) {
                report(
                    reportViolation,
                    rule.name,
                    finding,
                    `${describe(finding.resource)}: ${finding.message}`,
                    finding.resource.urn,
                    strict,
                );
            }
        },
    };
}
