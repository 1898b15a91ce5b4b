/**
 * The offline engine: runs a Pulumi program (the project's, or the package's index.ts) in-process under the SDK's mocks and records every
 * resource it declares. No credentials, no CLI, nothing created. As in a real `pulumi preview`, what only the
 * cloud can know (ids, endpoints, project numbers) stays unknown.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_FILE_ENV } from "../components/config/stackConfig";
import { offlineHelmTemplate } from "./offlineTagTemplate";
import { PACKAGE_PROGRAM, PACKAGE_ROOT } from "./project";

/** The root resource of every stack; its type is left out of its children's URNs. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/** Pulumi's marker for a value not known during preview (also what `pulumi preview --json` prints). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Pulumi's signature key and value of a secret, as `pulumi stack export` writes them. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One declared resource, as `preview --json` prints it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent resource, if any. */
    parent?: string;
    /** false for component resources (and the stack). */
    custom: boolean;
    inputs: Record<string, unknown>;
    /** The resource options the engine receives (not part of `preview --json`; tests read them). */
    options: ResourceOptionsSeen;
}

/** Resource options as the engine sees them in a registration. */
export interface ResourceOptionsSeen {
    /** URNs this resource waits for. */
    dependsOn: string[];
    ignoreChanges: string[];
    customTimeouts?: { create?: string; update?: string; delete?: string };
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    protect: boolean;
    /** Outputs the engine keeps secret in state whatever the provider says. */
    additionalSecretOutputs?: string[];
    /** Earlier names of the resource (alias names, or URNs). */
    aliases?: string[];
    /** The resource hooks the engine runs before an update, by name; only where the engine runs hooks (the SDK's
     *  mocks run none, so the offline preview never lists any). */
    beforeUpdateHooks?: string[];
}

export interface Plan {
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
}

// Internal SDK modules: the mock monitor does not pass parent URNs to `newResource`, so the engine watches
// the monitor's own registerResource calls, and waits for the SDK's RPC queue to drain.
/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): MonitorLike;
    waitForRPCs(): Promise<void>;
};
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    deserializeProperties(struct: unknown, keepUnknowns?: boolean): Record<string, unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getDeletebeforereplace(): boolean;
    getRetainondelete(): boolean | undefined;
    getProtect(): boolean | undefined;
    getAdditionalsecretoutputsList(): string[];
    getAliasesList(): Array<{ getUrn(): string; getSpec(): { getName(): string } | undefined }>;
    getHooks(): { getBeforeUpdateList(): string[] } | undefined;
}

function optionsOf(req: RegisterRequest): ResourceOptionsSeen {
    const timeouts = req.getCustomtimeouts();
    const seen = (value: string | undefined) => (value ? value : undefined);
    return {
        dependsOn: [...req.getDependenciesList()],
        ignoreChanges: [...req.getIgnorechangesList()],
        customTimeouts: timeouts
            ? {
                  create: seen(timeouts.getCreate()),
                  update: seen(timeouts.getUpdate()),
                  delete: seen(timeouts.getDelete()),
              }
            : undefined,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        retainOnDelete: req.getRetainondelete() === true,
        protect: req.getProtect() === true,
        additionalSecretOutputs: [...req.getAdditionalsecretoutputsList()],
        // Names (or URNs) this resource was known by before: the engine moves state from them instead of replacing.
        aliases: req.getAliasesList().map((alias) => alias.getSpec()?.getName() || alias.getUrn()),
        ...beforeUpdateHooksOf(req),
    };
}

function beforeUpdateHooksOf(req: RegisterRequest): Pick<ResourceOptionsSeen, "beforeUpdateHooks"> {
    const names = req.getHooks()?.getBeforeUpdateList() ?? [];
    return names.length > 0 ? { beforeUpdateHooks: [...names] } : {};
}
interface MonitorLike {
    registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
}

/**
 * Makes a recorded value plain JSON: unknowns become the sentinel, secrets the exported wrapper (with its
 * `plaintext` only when `revealSecrets`, for tests that must see what a secret holds).
 */
export function plainValue(value: unknown, revealSecrets = false): unknown {
    const plain = (v: unknown) => plainValue(v, revealSecrets);
    if (pulumi.Output.isInstance(value)) return UNKNOWN;
    if (value === null || typeof value !== "object") return value;
    if ((value as { __pulumiUnknown?: boolean }).__pulumiUnknown === true) return UNKNOWN;
    if (Array.isArray(value)) return value.map(plain);
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) {
        return revealSecrets
            ? { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: plain(obj.value) }
            : { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: "[secret]" };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = plain(v);
    return out;
}

/** How a recording is made. */
export interface RecordOptions {
    /** Answers to invokes by token; by default what is unknown offline. */
    invokes?: InvokeAnswers;
    /** Record secrets with their plaintext (tests only; the preview never does). */
    revealSecrets?: boolean;
    /** The config keys (`nativemesh:mesh`) that hold a secret, as the engine lists them for the program. */
    secretKeys?: string[];
    /** The stack file the config came from, so the program finds its encrypted values there (as with
     *  `--config-file` and NATIVEMESH_CONFIG_FILE under the real engine). */
    configFile?: string;
    /** The project's name, the project part of every URN (`nativemesh` by default). */
    project?: string;
    /** Outputs a provider would return beside the inputs (tests: credentials of the clouds), and its `id`. The
     *  engine's `additionalSecretOutputs` are applied to them, as the real engine does. */
    outputs?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

/** Pulumi config as the CLI hands it to a program: strings as they are, anything else as JSON. */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/** Answers to invokes by token: a fixed answer, or one computed from the invoke's inputs. */
export type InvokeAnswers = Record<
    string,
    Record<string, unknown> | ((inputs: Record<string, unknown>, provider?: string) => Record<string, unknown>)
>;

/** The fields the program reads from invokes, unknown offline as in a preview without credentials; the revision
 *  tags' chart render is answered by a stand-in for Helm (cli/offlineTagTemplate.ts). */
export const OFFLINE_INVOKE_RESULTS: InvokeAnswers = {
    "gcp:organizations/getProject:getProject": { number: UNKNOWN },
    "kubernetes:helm:template": offlineHelmTemplate,
};

/**
 * Runs a project's program for a stack with the given config (`{"nativemesh:cloud": "gke", ...}`, values as in
 * the stack file) and returns every resource it declared. Without `program`, the package's own (index.ts, or its
 * compiled twin dist/program.js next to the CLI bundle).
 */
export async function planStack(
    stack: string,
    config: Record<string, unknown>,
    options: RecordOptions & ProgramOptions = {},
): Promise<Plan> {
    const program = options.program ?? PACKAGE_PROGRAM;
    const ours = program === PACKAGE_PROGRAM;
    const projectDir = options.projectDir ?? (ours ? PACKAGE_ROOT : path.dirname(program));
    return recordProgram(
        stack,
        config,
        () => {
            loadTypeScript(program, projectDir);
            // The program reads its config when loaded: load it, and its own modules, afresh for every plan.
            for (const file of Object.keys(require.cache)) {
                const own = !ours && isInside(file, projectDir) && !file.split(path.sep).includes("node_modules");
                if (file === program || own) delete require.cache[file];
            }
            // Pulumi runs the program in the project folder: its relative paths are taken from there.
            const cwd = process.cwd();
            const move = path.resolve(cwd) !== path.resolve(projectDir);
            if (move) process.chdir(projectDir);
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                return require(program) as Record<string, unknown>;
            } finally {
                if (move) process.chdir(cwd);
            }
        },
        options,
    );
}

/** Which program `planStack` runs. */
export interface ProgramOptions {
    /** The program's file (Pulumi.yaml `main`, resolved); the package's own by default. */
    program?: string;
    /** The project folder: the program runs there, and its modules are loaded afresh. */
    projectDir?: string;
}

const isInside = (file: string, dir: string) => file.startsWith(dir + path.sep);

/**
 * Makes `require` take a TypeScript program, as `pulumi up` does: tsx when the project has it (esbuild: fast),
 * else the TypeScript registration of the Pulumi SDK's Node.js language host (ts-node, the project's or the one
 * the SDK ships; sdk/nodejs/cmd/run/run.ts), transpile only, as with PULUMI_NODEJS_TRANSPILE_ONLY=true: the
 * preview shows the plan, type errors are the compiler's business. Nothing when `.ts` is already taken (tests).
 */
function loadTypeScript(program: string, projectDir: string): void {
    if (!/\.[cm]?tsx?$/.test(program) || require.extensions[".ts"] !== undefined) return;
    let tsx: string | undefined;
    try {
        tsx = require.resolve("tsx/cjs/api", { paths: [projectDir] });
    } catch {
        tsx = undefined;
    }
    /* eslint-disable @typescript-eslint/no-require-imports */
    if (tsx !== undefined) {
        (require(tsx) as { register(): unknown }).register();
        return;
    }
    const tsutils = require("@pulumi/pulumi/tsutils") as {
        typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
    };
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const tsconfig = path.join(projectDir, "tsconfig.json");
    (require(tsnodeRequire) as { register(options: Record<string, unknown>): unknown }).register({
        compiler: typescriptRequire,
        transpileOnly: true,
        project: fs.existsSync(tsconfig) ? tsconfig : undefined,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: { module: "commonjs", moduleResolution: "node" },
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Runs any program (a function declaring resources) under the mocks and records what it declares.
 */
export async function recordProgram(
    stack: string,
    config: Record<string, unknown>,
    program: () => unknown,
    options: RecordOptions = {},
): Promise<Plan> {
    const invokes = { ...OFFLINE_INVOKE_RESULTS, ...options.invokes };
    const project = options.project ?? "nativemesh";
    const resources: PlannedResource[] = [];
    // additionalSecretOutputs of each registration, applied to the outputs a test's provider returns.
    const secretOutputs = new Map<string, string[]>();
    await pulumi.runtime.setMocks(
        {
            // Preview state: the inputs. Outputs the provider would compute stay unknown.
            newResource: (args) => {
                const given = options.outputs?.(args.type, args.name, args.inputs);
                if (given === undefined) return { id: undefined, state: args.inputs };
                const { id, ...extra } = given;
                const secret = new Set(secretOutputs.get(`${args.type}::${args.name}`) ?? []);
                const wrapped = Object.fromEntries(
                    Object.entries(extra).map(([k, v]) => [
                        k,
                        secret.has(k) ? { [SECRET_SIG_KEY]: SECRET_SIG, value: v } : v,
                    ]),
                );
                return { id: typeof id === "string" ? id : undefined, state: { ...args.inputs, ...wrapped } };
            },
            // Invokes cannot be answered offline: what the program reads of them stays unknown.
            call: (args) => {
                const answer = invokes[args.token] ?? {};
                return typeof answer === "function"
                    ? answer(args.inputs as Record<string, unknown>, args.provider)
                    : answer;
            },
        },
        project,
        stack,
        true,
    );
    pulumi.runtime.setAllConfig(toPulumiConfig(config), options.secretKeys ?? []);
    const monitor = settings.getMonitor();
    // URNs as the engine writes them: the type part chains every ancestor's type but the root stack's (the
    // mock keeps only the parent's; Pulumi's generateURN and the SDK's createUrn skip pulumi:pulumi:Stack).
    monitor.newUrn = (parent, type, name) => {
        const parentType = parent ? parent.split("::")[2] : undefined;
        const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const parent = req.getParent();
        secretOutputs.set(`${req.getType()}::${req.getName()}`, req.getAdditionalsecretoutputsList());
        resources.push({
            urn: monitor.newUrn(parent, req.getType(), req.getName()),
            type: req.getType(),
            name: req.getName(),
            parent: parent || undefined,
            custom: req.getCustom(),
            inputs: plainValue(rpc.deserializeProperties(req.getObject(), true), options.revealSecrets) as Record<
                string,
                unknown
            >,
            options: optionsOf(req),
        });
        return register(req, callback);
    };
    let exported: unknown;
    const configFileEnv = process.env[CONFIG_FILE_ENV];
    if (options.configFile !== undefined) process.env[CONFIG_FILE_ENV] = path.resolve(options.configFile);
    else delete process.env[CONFIG_FILE_ENV];
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            exported = program();
            return exported !== null && typeof exported === "object"
                ? (exported as Record<string, unknown>)
                : undefined;
        });
        await settings.waitForRPCs();
    } finally {
        if (configFileEnv === undefined) delete process.env[CONFIG_FILE_ENV];
        else process.env[CONFIG_FILE_ENV] = configFileEnv;
    }
    const outputs: Record<string, unknown> = {};
    if (exported !== null && typeof exported === "object" && !(exported instanceof pulumi.Resource)) {
        for (const [key, value] of Object.entries(exported)) {
            outputs[key] = pulumi.Output.isInstance(value) ? UNKNOWN : plainValue(value);
        }
    }
    return { stack, resources, outputs };
}
