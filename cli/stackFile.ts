/**
 * Finding and reading a stack configuration file (`stacks/Pulumi.<stack>.yaml` or any file given), and
 * validating its `nativemesh:` section. Every failure is a UsageError: one line, exit code 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as os from "node:os";
import { isKubeconfigContents } from "../components/render/asmOverlay";
import {
    CONFIG_NAMESPACE,
    ConfigError,
    EnvironmentSpec,
    namespaceConfig,
    validateConfig,
} from "../components/config/config";
import { holdsSecret, REDACTED, stackFileSecretKeys, stackFileSecretPaths } from "../components/config/secrets";
import { configWarnings } from "../components/config/warnings";
import { readTextFile, UsageError } from "./inputFiles";

export { UsageError };

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const STACKS_DIR = path.join(PROJECT_ROOT, "stacks");

/** Stack names that have a file under stacks/. */
export function shippedStacks(): string[] {
    if (!fs.existsSync(STACKS_DIR)) return [];
    return fs
        .readdirSync(STACKS_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export interface StackFile {
    /** Stack name: given, or the file's `Pulumi.<name>.yaml` part, or the file's base name. */
    stack: string;
    /** The file as the user would name it. */
    file: string;
    /** The whole `config:` map, every namespace; encrypted values read as `[secret]` (or as `reveal` gives them). */
    config: Record<string, unknown>;
    /** The keys (`nativemesh:mesh`) holding an encrypted value, as the engine lists them for the program. */
    secretKeys: string[];
    /** The validated spec; its `secretPaths` are where the file's encrypted values are. */
    spec: EnvironmentSpec;
    /** Problems worth a line on stderr that do not stop the preview. */
    warnings: string[];
}

/** A stack name as `pulumi stack` takes it; nothing that could leave stacks/ (no '/', no leading '.'). */
const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** The file of a shipped stack: stacks/Pulumi.<stack>.yaml, only if it really is a file inside stacks/. */
function shippedStackFile(stack: string): string {
    if (!STACK_NAME.test(stack) || stack.length > 100) {
        throw new UsageError(
            `--stack ${JSON.stringify(stack)}: not a stack name (letters, digits, '-', '_' and '.', not first); ` +
                "it names stacks/Pulumi.<NAME>.yaml. For a file elsewhere pass --config FILE",
        );
    }
    const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
    let real: string;
    try {
        real = fs.realpathSync(file);
    } catch {
        throw new UsageError(
            `unknown stack '${stack}': stacks/ has ${shippedStacks().join(", ")}; or pass --config FILE`,
        );
    }
    if (path.dirname(real) !== fs.realpathSync(STACKS_DIR)) {
        throw new UsageError(`--stack ${stack}: stacks/Pulumi.${stack}.yaml leads outside stacks/; pass --config FILE`);
    }
    return file;
}

/** A kubeconfig path that names no file: the Kubernetes provider would fail to reach the cluster at `pulumi up`. */
function missingKubeconfig(spec: EnvironmentSpec): string | undefined {
    const given = spec.existing?.kubeconfig;
    if (given === undefined || isKubeconfigContents(given) || given === OFFLINE_SECRET) return undefined;
    const file =
        given === "~" || given.startsWith("~/") ? path.join(os.homedir(), given.slice(1)) : path.resolve(given);
    // A path given as a secret is not echoed either.
    const shown = holdsSecret(spec.secretPaths, ["existing", "kubeconfig"]) ? OFFLINE_SECRET : given;
    return fs.existsSync(file)
        ? undefined
        : `nativemesh:existing.kubeconfig: no file at ${shown}; \`pulumi up\` would not reach the cluster (give an existing path or the kubeconfig's contents)`;
}

/** How an encrypted value (`secure: v1:...`) is read: offline, nothing can decrypt it. */
export type Reveal = (ciphertext: string) => string;

/** Resolves `--stack NAME` or `--config FILE` to a file, reads and validates it. `reveal` reads encrypted values
 *  (tests: what a real run would decrypt); without it they read `[secret]`. */
export function loadStackFile(opts: { stack?: string; config?: string; reveal?: Reveal }): StackFile {
    let file: string;
    let stack: string;
    if (opts.config !== undefined) {
        file = opts.config;
        const base = path.basename(file);
        stack = opts.stack ?? /^Pulumi\.(.+)\.ya?ml$/.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
    } else {
        stack = opts.stack ?? "dev";
        file = path.relative(process.cwd(), shippedStackFile(stack)) || ".";
    }
    const raw = readConfigMap(file);
    const config = withOfflineSecrets(raw, opts.reveal) as Record<string, unknown>;
    try {
        const secretPaths = stackFileSecretPaths(raw, CONFIG_NAMESPACE);
        const spec = validateConfig(namespaceConfig(config), { secretPaths });
        const warnings = [missingKubeconfig(spec), ...configWarnings(spec)].filter((w): w is string => w !== undefined);
        return { stack, file, config, secretKeys: stackFileSecretKeys(raw), spec, warnings };
    } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`${file}: ${err.message}`);
        throw err;
    }
}

function readConfigMap(file: string): Record<string, unknown> {
    const text = readTextFile(file, "stack file");
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (err) {
        const first = (err as Error).message.split("\n")[0];
        throw new UsageError(`${file}: not valid YAML: ${first}`);
    }
    if (doc === null || doc === undefined || typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(`${file}: expected a Pulumi stack file, a mapping with a 'config:' key`);
    }
    const config = (doc as Record<string, unknown>).config;
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new UsageError(`${file}: 'config' must be a mapping of 'nativemesh:<key>' entries`);
    }
    return config as Record<string, unknown>;
}

/** What an encrypted stack-file value (`secure: v1:...`) becomes offline, where nothing can decrypt it. */
export const OFFLINE_SECRET = REDACTED;

/**
 * Replaces every `{secure: "..."}` value, at the top or nested in structured config, by OFFLINE_SECRET (or what
 * `reveal` reads): the preview validates and plans with a placeholder, as `pulumi preview` would show `[secret]`.
 */
export function withOfflineSecrets(value: unknown, reveal?: Reveal): unknown {
    if (Array.isArray(value)) return value.map((v) => withOfflineSecrets(v, reveal));
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
        return reveal === undefined ? OFFLINE_SECRET : reveal(entries[0][1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, withOfflineSecrets(v, reveal)]));
}
