// Faithful CrossGuard arguments for calling policy objects in tests. @pulumi/policy has no test harness
// (pulumi/pulumi-policy#445), so this mirrors its server.js: props wrapped in the real unknownCheckingProxy,
// notApplicable() that throws, a frozen stackTags map, getConfig() without enforcementLevel, and a
// reportViolation that accepts the string and the object form.

import type {
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };

export interface TestResource {
    type: string;
    name?: string;
    props: Record<string, unknown>;
}

export interface Reported {
    message: string;
    urn?: string;
    enforcementLevel: string;
}

export interface PolicyRun {
    violations: Reported[];
    /** The reason given to notApplicable(), when the policy called it. */
    notApplicable?: string;
}

/** What @pulumi/policy's server throws from notApplicable(); the server catches it by class. */
export class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

export function urnOf(resource: TestResource, index = 0): string {
    return `urn:pulumi:test::nativemesh::${resource.type}::${resource.name ?? `r${index}`}`;
}

const OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

const STACK_TAGS: ReadonlyMap<string, string> = Object.freeze(new Map([["pulumi:project", "nativemesh"]]));

type PolicyConfig = Record<string, unknown> & { enforcementLevel?: string };

function getConfigOf(config: PolicyConfig | undefined) {
    return <T extends object>(): T => {
        const rest: Record<string, unknown> = { ...config };
        delete rest.enforcementLevel;
        return rest as T;
    };
}

function isTypeFor(type: string) {
    // Like server.js isTypeOf: a class carrying __pulumiType matches by token.
    return (resourceClass: unknown): boolean => (resourceClass as { __pulumiType?: string })?.__pulumiType === type;
}

export function resourceArgs(resource: TestResource, config?: PolicyConfig, index = 0): ResourceValidationArgs {
    const props = unknownCheckingProxy(structuredClone(resource.props));
    const isType = isTypeFor(resource.type);
    return {
        type: resource.type,
        props,
        urn: urnOf(resource, index),
        name: resource.name ?? `r${index}`,
        opts: OPTIONS,
        provider: {
            type: "pulumi:providers:kubernetes",
            props: {},
            urn: "urn:pulumi:test::nativemesh::pulumi:providers:kubernetes::default",
            name: "default",
        },
        stackTags: STACK_TAGS,
        isType: isType as ResourceValidationArgs["isType"],
        asType: ((resourceClass: unknown) =>
            isType(resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
        getConfig: getConfigOf(config),
        notApplicable: throwNotApplicable,
    };
}

export function stackArgs(resources: TestResource[], config?: PolicyConfig): StackValidationArgs {
    const policyResources: PolicyResource[] = resources.map((resource, index) => {
        const props = unknownCheckingProxy(structuredClone(resource.props));
        const isType = isTypeFor(resource.type);
        return {
            type: resource.type,
            props,
            urn: urnOf(resource, index),
            name: resource.name ?? `r${index}`,
            opts: OPTIONS,
            dependencies: [],
            propertyDependencies: {},
            isType: isType as PolicyResource["isType"],
            asType: ((resourceClass: unknown) =>
                isType(resourceClass) ? props : undefined) as PolicyResource["asType"],
        };
    });
    return {
        resources: policyResources,
        stackTags: STACK_TAGS,
        getConfig: getConfigOf(config),
        notApplicable: throwNotApplicable,
    };
}

function reporter(description: string, level: string, sink: Reported[]): ReportViolation {
    // server.js makeReportViolationFun: a string message goes out as "description\nmessage"; the object form's
    // message and enforcementLevel win.
    return ((message: unknown, urn?: string) => {
        if (typeof message === "object" && message !== null) {
            const info = message as { message?: string; urn?: string; enforcementLevel?: string };
            sink.push({
                message: info.message ?? description,
                urn: info.urn,
                enforcementLevel: info.enforcementLevel ?? level,
            });
        } else {
            sink.push({
                message: message ? `${description}\n${String(message)}` : description,
                urn,
                enforcementLevel: level,
            });
        }
    }) as ReportViolation;
}

function levelOf(policy: { enforcementLevel?: string }, config?: PolicyConfig): string {
    const level = config?.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    config?: PolicyConfig,
): Promise<PolicyRun> {
    const violations: Reported[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    try {
        for (const validate of validations)
            await validate(
                resourceArgs(resource, config),
                reporter(policy.description, levelOf(policy, config), violations),
            );
    } catch (error) {
        if (error instanceof NotApplicableError) return { violations, notApplicable: error.reason ?? "" };
        throw error;
    }
    return { violations };
}

export async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: TestResource[],
    config?: PolicyConfig,
): Promise<PolicyRun> {
    const violations: Reported[] = [];
    try {
        await policy.validateStack(
            stackArgs(resources, config),
            reporter(policy.description, levelOf(policy, config), violations),
        );
    } catch (error) {
        if (error instanceof NotApplicableError) return { violations, notApplicable: error.reason ?? "" };
        throw error;
    }
    return { violations };
}
