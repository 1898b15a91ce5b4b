import * as pulumi from "@pulumi/pulumi";
import { ConfigError, EnvironmentSpec, namespaceConfig, validateConfig } from "./config";

/**
 * Reads and validates the stack's `nativemesh:` configuration before any resource is declared. A bad config
 * stops the program with Pulumi's RunError: one line, no stack trace, nothing created.
 */
export function specFromStackConfig(): EnvironmentSpec {
    try {
        return validateConfig(namespaceConfig(pulumi.runtime.allConfig()));
    } catch (err) {
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}
