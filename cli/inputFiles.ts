/**
 * Reading the files a user hands the CLI (stack files, state files, policy configs). Every failure is a
 * UsageError: one line naming the file and the problem, exit code 2, no stack trace.
 */
import { readTextFile, UsageError } from "../components/live/usage";

export { readTextFile, UsageError };

export function readJsonFile(file: string, what: string): unknown {
    const text = readTextFile(file, what);
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new UsageError(`${file}: the ${what} is not JSON (${(error as Error).message.split("\n")[0]})`);
    }
}

/**
 * A policy-pack config: the JSON `pulumi preview --policy-pack-config FILE` takes
 * (`{"all": "advisory", "<policy>": {"enforcementLevel": "disabled", ...}}`). Its content is checked by the
 * pack (evaluatePolicies, PolicyConfigError); here only that it is a JSON object.
 */
export function readPolicyConfig(file: string): Record<string, unknown> {
    const value = readJsonFile(file, "policy config");
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new UsageError(
            `${file}: the policy config must be a JSON object like {"all": "mandatory", "<policy>": {...}}`,
        );
    }
    return value as Record<string, unknown>;
}

/** `--flag=value` as [flag, value]; any other argument as [argument, undefined]. */
export function splitFlag(arg: string): [string, string | undefined] {
    const equals = arg.indexOf("=");
    return arg.startsWith("--") && equals > 0 ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
}
