/**
 * Reading the files a user hands nativemesh (stack files, state files, policy configs, a kubeconfig). Every
 * failure is a UsageError: one line naming the file and the problem, exit code 2 in the CLI, no stack trace. Here,
 * below the CLI, because reading a live cluster (components/live/) fails in the same words for `status` and for
 * the update-time guard; cli/inputFiles.ts re-exports it for the commands.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A problem with what the user asked for: printed as one line, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/**
 * The folder the user ran the command from: the working directory, except under an npm script that runs
 * nativemesh itself (`npm run preview -- --config ../x.yaml`), where npm has moved to the package's root and
 * keeps the user's folder in INIT_CWD (npm docs, "scripts": "INIT_CWD"). Another script that merely has the
 * variable in its environment (`npm test` starting the CLI in a folder of its own) keeps its working directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
    const script = env.npm_lifecycle_script ?? "";
    const runsUs = /^(?:nativemesh|node\s+(?:\S*\/)?nativemesh\.js)(?:\s|$)/.test(script.trim());
    return runsUs && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A path the user gave, absolute, taken from where they ran the command (invocationDir). */
export function fromInvocation(file: string): string {
    return path.resolve(invocationDir(), file);
}

/** `-` for standard input where a command takes it (`audit --state -`). */
export const STDIN = "-";

/**
 * The file's text; `what` names it in errors ("state file", "policy config"...). Empty is an error. A relative
 * path is taken from where the command was run. Only a regular file is read: a FIFO, a device (/dev/zero) or a
 * socket would block or never end, so it is refused before a byte is read (opened non-blocking, checked with
 * fstat). `-` reads standard input when `stdin` allows it.
 */
export function readTextFile(file: string, what: string, options: { stdin?: boolean } = {}): string {
    let text: string;
    if (file === STDIN && options.stdin === true) {
        try {
            text = fs.readFileSync(0, "utf8");
        } catch (error) {
            throw new UsageError(
                `standard input: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? "cannot read"})`,
            );
        }
        if (text.trim() === "") throw new UsageError(`standard input: the ${what} is empty`);
        return text;
    }
    let fd: number | undefined;
    try {
        fd = fs.openSync(fromInvocation(file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
        const stat = fs.fstatSync(fd);
        if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
        if (!stat.isFile()) {
            throw new UsageError(
                `${file}: the ${what} must be a regular file (this is a ${kindOf(stat)})${options.stdin === true ? "; give - for standard input" : ""}`,
            );
        }
        text = fs.readFileSync(fd, "utf8");
    } catch (error) {
        if (error instanceof UsageError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "cannot read");
        throw new UsageError(`${file}: cannot read the ${what} (${why})`);
    } finally {
        if (fd !== undefined) fs.closeSync(fd);
    }
    if (text.trim() === "") throw new UsageError(`${file}: the ${what} is empty`);
    return text;
}

function kindOf(stat: fs.Stats): string {
    if (stat.isFIFO()) return "FIFO";
    if (stat.isCharacterDevice()) return "character device";
    if (stat.isBlockDevice()) return "block device";
    if (stat.isSocket()) return "socket";
    return "special file";
}

export function readJsonFile(file: string, what: string, options: { stdin?: boolean } = {}): unknown {
    const text = readTextFile(file, what, options);
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new UsageError(
            `${file === STDIN ? "standard input" : file}: the ${what} is not JSON (${(error as Error).message.split("\n")[0]})`,
        );
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
