import {
    evaluatePolicies,
    PolicyConfigError,
    type EvaluateOptions,
    type StackResource,
    type Violation,
} from "../policy/evaluate";
import { readPolicyConfig, UsageError } from "./inputFiles";

/** A policy config the pack accepts. */
export interface PackConfig {
    file?: string;
    config?: Record<string, unknown>;
}

/**
 * Reads `--policy-config FILE` (if given) and has the pack check it at once, before any work: a config the pack
 * refuses is the user's file at fault, a UsageError naming it (exit code 2).
 */
export function loadPackConfig(file: string | undefined): PackConfig {
    if (file === undefined) return {};
    const config = readPolicyConfig(file);
    evaluateWithConfig([], { file, config });
    return { file, config };
}

/** The pack's verdict on resources under that config (`strict`: "cannot tell" counts at each policy's level). */
export function evaluateWithConfig(
    resources: StackResource[],
    pack: PackConfig,
    options: EvaluateOptions = {},
): Violation[] {
    try {
        return evaluatePolicies(resources, pack.config, options);
    } catch (error) {
        if (error instanceof PolicyConfigError) throw new UsageError(`${pack.file}: ${error.message}`);
        throw error;
    }
}
