/**
 * Finding and reading a stack configuration file (`<stackConfigDir>/Pulumi.<stack>.yaml` of the project, or any
 * file given), and validating its `nativemesh:` section. Every failure is a UsageError: one line, exit code 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as os from "node:os";
import { isKubeconfigContents } from "../components/render/asmOverlay";
import {
    CONFIG_KEYS,
    CONFIG_NAMESPACE,
    ConfigError,
    configKey,
    EnvironmentSpec,
    namespaceConfig,
    validateConfig,
} from "../components/config/config";
import { holdsSecret, REDACTED, stackFileSecretKeys, stackFileSecretPaths } from "../components/config/secrets";
import { configWarnings } from "../components/config/warnings";
import { fromInvocation, readTextFile, UsageError } from "./inputFiles";
import { EXAMPLE_STACKS_DIR, packageProject, type PulumiProject, stacksIn } from "./project";

export { UsageError };

/** The package's example stacks (`--example NAME`). */
export const STACKS_DIR = EXAMPLE_STACKS_DIR;

/** Stack names that have a file under the package's stacks/. */
export function shippedStacks(): string[] {
    return stacksIn(STACKS_DIR);
}

export interface StackFile {
    /** Stack name: given, or the file's `Pulumi.<name>.yaml` part, or the file's base name. */
    stack: string;
    /** The file as the user would name it. */
    file: string;
    /** The file's absolute path. */
    path: string;
    /** The whole `config:` map, every namespace; encrypted values read as `[secret]` (or as `reveal` gives them). */
    config: Record<string, unknown>;
    /** The keys (`nativemesh:mesh`) holding an encrypted value, as the engine lists them for the program. */
    secretKeys: string[];
    /** The validated `nativemesh:` section; its `secretPaths` are where the file's encrypted values are. */
    spec: EnvironmentSpec;
    /** Problems worth a line on stderr that do not stop the preview. */
    warnings: string[];
}

/** A stack name as `pulumi stack` takes it; nothing that could leave the stack folder (no '/', no leading '.'). */
const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** `<stackConfigDir>/Pulumi.<stack>.yaml`, only if it really is a file inside that folder. */
function stackFileOf(project: PulumiProject, stack: string, flag: string): string {
    const dir = project.stackConfigDir;
    const shownDir = path.relative(fromInvocation("."), dir) || ".";
    if (!STACK_NAME.test(stack) || stack.length > 100) {
        throw new UsageError(
            `${flag} ${JSON.stringify(stack)}: not a stack name (letters, digits, '-', '_' and '.', not first); ` +
                `it names ${path.join(shownDir, "Pulumi.<NAME>.yaml")}. For a file elsewhere pass --config FILE`,
        );
    }
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    let real: string;
    try {
        real = fs.realpathSync(file);
    } catch {
        const known = stacksIn(dir);
        throw new UsageError(
            `unknown stack '${stack}': ${shownDir}/ has ${known.length > 0 ? known.join(", ") : "no Pulumi.<stack>.yaml"}` +
                `${project.isPackage && flag === "--example" ? "" : "; pass --config FILE, or --example NAME for nativemesh's examples"}`,
        );
    }
    if (path.dirname(real) !== fs.realpathSync(dir)) {
        throw new UsageError(`${flag} ${stack}: Pulumi.${stack}.yaml leads outside ${shownDir}; pass --config FILE`);
    }
    return file;
}

/** The stack when none is named: the only one the project has, else `dev` if it has that. */
function defaultStack(project: PulumiProject): string {
    const known = stacksIn(project.stackConfigDir);
    if (known.length === 1) return known[0];
    if (known.includes("dev")) return "dev";
    const shownDir = path.relative(fromInvocation("."), project.stackConfigDir) || ".";
    throw new UsageError(
        known.length === 0
            ? `${project.file}: no stack file (Pulumi.<stack>.yaml) in ${shownDir}: give --config FILE, or make one with \`pulumi stack init\` and \`pulumi config set\``
            : `give --stack NAME: ${shownDir} has ${known.join(", ")}`,
    );
}

/** A kubeconfig path that names no file: the Kubernetes provider would fail to reach the cluster at `pulumi up`
 *  (which runs the program in the project folder: a relative path is taken from there). */
function missingKubeconfig(spec: EnvironmentSpec, projectDir: string): string | undefined {
    const given = spec.existing?.kubeconfig;
    if (given === undefined || isKubeconfigContents(given) || given === OFFLINE_SECRET) return undefined;
    const file =
        given === "~" || given.startsWith("~/")
            ? path.join(os.homedir(), given.slice(1))
            : path.resolve(projectDir, given);
    // A path given as a secret is not echoed either.
    const shown = holdsSecret(spec.secretPaths, ["existing", "kubeconfig"]) ? OFFLINE_SECRET : given;
    return fs.existsSync(file)
        ? undefined
        : `nativemesh:existing.kubeconfig: no file at ${shown}; \`pulumi up\` would not reach the cluster (give an existing path or the kubeconfig's contents)`;
}

/** How an encrypted value (`secure: v1:...`) is read: offline, nothing can decrypt it. */
export type Reveal = (ciphertext: string) => string;

/** Keys without a namespace that name a key of ours: Pulumi reads stack-file keys as `<namespace>:<name>`, so
 *  `mesh:` is never `nativemesh:mesh` (Pulumi "Configuration": keys are namespaced, the project's name by
 *  default). Keys of other namespaces (`gcp:project`, the user's own) are theirs and pass in silence. */
function unprefixedKeys(config: Record<string, unknown>): string[] {
    return Object.keys(config)
        .filter((key) => !key.includes(":") && CONFIG_KEYS.includes(key))
        .map((key) => `${key}: not read: nativemesh reads ${CONFIG_NAMESPACE}:${key} (keys are <namespace>:<name>)`);
}

/** A stack file of a project whose program is the user's: without a `nativemesh:` key, nothing to validate. */
export type ProjectStackFile = Omit<StackFile, "spec"> & { spec?: EnvironmentSpec };

export interface StackFileOptions {
    /** The project (the package's own by default: its program, its stacks/). */
    project?: PulumiProject;
    stack?: string;
    config?: string;
    /** The flag that named the stack (`--stack`, or `--example` for the package's examples). */
    stackFlag?: string;
    reveal?: Reveal;
}

/** Resolves `--stack NAME` or `--config FILE` of the package's program to a file, reads and validates it.
 *  `reveal` reads encrypted values (tests: what a real run would decrypt); without it they read `[secret]`. */
export function loadStackFile(opts: Omit<StackFileOptions, "project">): StackFile {
    return loadProjectStackFile({ ...opts, project: packageProject() }) as StackFile;
}

/** Resolves `--stack NAME` or `--config FILE` in the project to a file, reads it, and validates its
 *  `nativemesh:` section when there is one or the program is the package's (which reads nothing else). */
export function loadProjectStackFile(options: StackFileOptions): ProjectStackFile {
    const opts = { ...options, project: options.project ?? packageProject() };
    let file: string;
    let absolute: string;
    let stack: string;
    if (opts.config !== undefined) {
        file = opts.config;
        absolute = fromInvocation(file);
        const base = path.basename(file);
        stack = opts.stack ?? /^Pulumi\.(.+)\.ya?ml$/.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
    } else {
        stack = opts.stack ?? defaultStack(opts.project);
        absolute = stackFileOf(opts.project, stack, opts.stackFlag ?? "--stack");
        file = path.relative(fromInvocation("."), absolute) || ".";
    }
    const raw = readConfigMap(file);
    const config = withOfflineSecrets(raw, opts.reveal) as Record<string, unknown>;
    const warnings = unprefixedKeys(raw).map((w) => `${file}: ${w}`);
    const prefix = `${CONFIG_NAMESPACE}:`;
    // A program of the user's own may compose our components from its own values: the section is checked only
    // when there is one, or when the program is ours (which reads nothing else).
    if (!opts.project.isPackage && !Object.keys(raw).some((key) => key.startsWith(prefix))) {
        return { stack, file, path: absolute, config, secretKeys: stackFileSecretKeys(raw), warnings };
    }
    try {
        const secretPaths = stackFileSecretPaths(raw, CONFIG_NAMESPACE);
        const spec = validateConfig(namespaceConfig(config), { secretPaths });
        const chartPath = missingChartPath(spec, opts.project);
        if (chartPath !== undefined) throw new UsageError(`${file}: ${chartPath}`);
        warnings.push(
            ...[missingKubeconfig(spec, opts.project.dir)].filter((w): w is string => w !== undefined),
            ...configWarnings(spec),
        );
        return { stack, file, path: absolute, config, secretKeys: stackFileSecretKeys(raw), spec, warnings };
    } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`${file}: ${err.message}`);
        throw err;
    }
}

/** A `mesh.chartPath` or `mesh.revisions[i].chartPath` that is no folder: Helm would fail at `pulumi up`, after
 *  the plan looked fine. Pulumi runs the program in the project folder, so a relative path is taken from there. */
function missingChartPath(spec: EnvironmentSpec, project: PulumiProject): string | undefined {
    const given: Array<{ key: (string | number)[]; path: string | undefined }> = [
        { key: ["mesh", "chartPath"], path: spec.mesh.chartPath },
        ...(spec.mesh.revisions ?? []).map((r, i) => ({
            key: ["mesh", "revisions", i, "chartPath"],
            path: r.chartPath,
        })),
    ];
    for (const { key, path: chartPath } of given) {
        if (chartPath === undefined) continue;
        const folder = path.resolve(project.dir, chartPath);
        if (isFolder(folder)) continue;
        const shown = holdsSecret(spec.secretPaths, key) ? OFFLINE_SECRET : folder;
        // The shipped `local` stack takes its charts from the end-to-end testbed's tools (stacks/Pulumi.local.yaml).
        const fromTestbed = path.relative(project.dir, folder).split(path.sep).slice(0, 2).join("/") === ".e2e/tools";
        const fix = fromTestbed
            ? "the end-to-end testbed's tools hold these charts: run `npm run e2e:build` first"
            : "give the folder holding the base and istiod charts";
        return `${configKey(key)}: no folder at ${shown} (relative paths are taken from the project folder, ${project.dir}); ${fix}`;
    }
    return undefined;
}

function isFolder(file: string): boolean {
    try {
        return fs.statSync(file).isDirectory();
    } catch {
        return false;
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
    const expected =
        "a stack file (Pulumi.<stack>.yaml) is a mapping with a 'config:' mapping of '<namespace>:<key>' entries";
    if (doc === null || doc === undefined || typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(`${file}: not a stack file: ${expected}`);
    }
    const top = doc as Record<string, unknown>;
    const config = top.config;
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new UsageError(`${file}: ${whatItIs(top)}${expected}`);
    }
    return config as Record<string, unknown>;
}

/** What a file given as a stack file is instead, when it is recognisably something else. */
function whatItIs(doc: Record<string, unknown>): string {
    if (typeof doc.name === "string" && doc.runtime !== undefined) {
        return "this is a Pulumi project file (Pulumi.yaml), not a stack file: run in its folder without --config, or give --config Pulumi.<stack>.yaml; ";
    }
    if (typeof doc.deployment === "object" && doc.deployment !== null) {
        return "this is a stack export (`pulumi stack export`), not a stack file: check it with `nativemesh audit --state FILE`; ";
    }
    if (Array.isArray(doc.steps) || (typeof doc.stack === "string" && Array.isArray(doc.resources))) {
        return "this is a preview's JSON output, not a stack file: check it with `nativemesh audit --state FILE`; ";
    }
    return "";
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
