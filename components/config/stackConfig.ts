import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, ConfigError, EnvironmentSpec, namespaceConfig, validateConfig } from "./config";
import { locateSecretPaths } from "./secrets";

/** Names the stack file a run was given with `--config-file`, so that its encrypted leaves are found (the engine
 *  does not tell the program which file it read). Without it, `<stackConfigDir>/Pulumi.<stack>.yaml`. */
export const CONFIG_FILE_ENV = "NATIVEMESH_CONFIG_FILE";

// isConfigSecret is the SDK's own reading of PULUMI_CONFIG_SECRET_KEYS (exported by runtime/config, not typed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** The stack file's `config:` map: the file named by NATIVEMESH_CONFIG_FILE, else the project's
 *  `<stackConfigDir>/Pulumi.<stack>.yaml` (Pulumi.yaml in the working directory, where Pulumi runs the program). */
function stackFileConfig(): { file: string; config?: Record<string, unknown> } {
    let file = process.env[CONFIG_FILE_ENV];
    if (file === undefined || file === "") {
        let dir = ".";
        try {
            const project = parse(fs.readFileSync("Pulumi.yaml", "utf8")) as { stackConfigDir?: unknown } | null;
            if (typeof project?.stackConfigDir === "string") dir = project.stackConfigDir;
        } catch {
            // No project file here: the stack file is looked for beside the working directory.
        }
        file = path.join(dir, `Pulumi.${pulumi.getStack()}.yaml`);
    }
    try {
        const doc = parse(fs.readFileSync(file, "utf8")) as { config?: unknown } | null;
        const config = doc?.config;
        return {
            file,
            config:
                config !== null && typeof config === "object" && !Array.isArray(config)
                    ? (config as Record<string, unknown>)
                    : undefined,
        };
    } catch {
        return { file };
    }
}

/**
 * Reads and validates the stack's `nativemesh:` configuration before any resource is declared, with the paths of
 * its secret values (components/config/secrets.ts). A bad config stops the program with Pulumi's RunError: one
 * line, no stack trace, no secret value, nothing created. Warnings about the config (configWarnings) are logged.
 */
export function specFromStackConfig(): EnvironmentSpec {
    try {
        const all = pulumi.runtime.allConfig();
        const config = namespaceConfig(all);
        const prefix = `${CONFIG_NAMESPACE}:`;
        const secretKeys = Object.keys(all)
            .filter((key) => key.startsWith(prefix) && runtimeConfig.isConfigSecret(key))
            .map((key) => key.slice(prefix.length));
        const found = secretKeys.length > 0 ? stackFileConfig() : { file: "" };
        const { paths, wholeKeys } = locateSecretPaths(secretKeys, config, found.config, CONFIG_NAMESPACE);
        // Which values of such a key are secret cannot be told; the whole key cannot be kept secret (its names
        // and versions land in URNs), so the run stops rather than leave a secret value in plaintext.
        if (wholeKeys.length > 0) {
            throw new ConfigError(
                `${wholeKeys.map((k) => prefix + k).join(", ")}: secret, but ${found.file} does not hold the config this ` +
                    `run was given, so its encrypted values cannot be found (with --config-file FILE, set ${CONFIG_FILE_ENV}=FILE)`,
            );
        }
        return validateConfig(config, { secretPaths: paths });
    } catch (err) {
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
}
