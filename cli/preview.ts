/**
 * `nativemesh preview [--stack NAME | --config FILE | --example NAME] [--cwd DIR] [--json] [--strict] [--out DIR]
 * [--policy-config FILE]`: the plan of a stack of the Pulumi project it runs in (its own program, under the
 * mocks), offline, and the policy pack's verdict on it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { StackResource, Violation } from "../policy/evaluate";
import { planStack, type PlannedResource, type RecordOptions } from "./engine";
import { formatTree, prepareOutDir, writePlanFiles } from "./planOutput";
import { OUTLINE_DIR } from "./tagOutline";
import { formatReport } from "./report";
import { fromInvocation, invocationDir } from "./inputFiles";
import { findProject, findProjectFile, packageProject, type PulumiProject } from "./project";
import { loadProjectStackFile, type Reveal, UsageError } from "./stackFile";
import { evaluateWithConfig, loadPackConfig } from "./policyVerdict";

export interface Io {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
}

/** What the rules see of a plan: custom resources, without providers. */
export function policyResources(resources: PlannedResource[]): StackResource[] {
    return resources
        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
        .map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs }));
}

function parse(argv: string[]) {
    try {
        return parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                config: { type: "string" },
                example: { type: "string" },
                cwd: { type: "string", short: "C" },
                json: { type: "boolean", default: false },
                strict: { type: "boolean", default: false },
                out: { type: "string" },
                "policy-config": { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (err) {
        throw new UsageError(`${(err as Error).message.split("\n")[0]}; ${PREVIEW_USAGE_LINE}`);
    }
}

const PREVIEW_USAGE_LINE =
    "usage: nativemesh preview [--stack NAME | --config FILE | --example NAME] [--cwd DIR] [--json] [--strict] [--out DIR] [--policy-config FILE]";

const PREVIEW_USAGE = [
    PREVIEW_USAGE_LINE,
    "Runs the program of the Pulumi project it is run in (the nearest Pulumi.yaml: its main, stackConfigDir and",
    "name) under Pulumi's mocks, offline, and prints the plan and the policy pack's verdict. Nothing is created.",
    "  --stack NAME          <stackConfigDir>/Pulumi.<NAME>.yaml of the project (default: its only stack, else dev)",
    "  --config FILE         a stack file anywhere, for the project's program (outside any project: nativemesh's)",
    "  --example NAME        one of nativemesh's example stacks (stacks/Pulumi.<NAME>.yaml of the package), with",
    "                        the package's own program; works outside any project",
    "  --cwd DIR             the project in DIR (or above it) instead of the current folder",
    "  --json                one JSON object on stdout: {stack, resources, violations}",
    "  --strict              a value the pack cannot read counts at each policy's own level",
    "  --out DIR             writes every Kubernetes object, the Helm values and the asmcli files under DIR; the",
    "                        revision tags' objects, which Helm renders at `pulumi up`, as outlines under DIR/outline",
    "                        (a new or empty folder, or one an earlier --out wrote: it is replaced whole, at once)",
    "  --policy-config FILE  the pack's config, as `pulumi preview --policy-pack-config FILE` takes it",
    "Relative paths are taken from the folder the command runs in.",
].join("\n");

/** The project the preview works on: the package's for `--example`, else the nearest from `--cwd` or here. */
function projectOf(opts: { example?: string; cwd?: string; config?: string }): PulumiProject {
    if (opts.example !== undefined) return packageProject();
    if (opts.cwd === undefined) {
        // Outside any project, a stack file given by path can only be meant for the package's own program.
        // It runs where the command runs, as `pulumi up` would there: relative paths in the file are taken from there.
        if (opts.config !== undefined && findProjectFile(invocationDir()) === undefined) {
            return { ...packageProject(), dir: invocationDir() };
        }
        return findProject(invocationDir());
    }
    const dir = fromInvocation(opts.cwd);
    let isDir = false;
    try {
        isDir = fs.statSync(dir).isDirectory();
    } catch {
        isDir = false;
    }
    if (!isDir) throw new UsageError(`--cwd ${opts.cwd}: not a folder`);
    return findProject(dir);
}

/** An error the user's own program threw: their input at fault, one line naming the program (exit code 2). */
export class ProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramError";
    }
}

/** What a test may put in place of the offline world: how encrypted values read (what a real run decrypts), and
 *  what the clouds answer (credentials). The CLI passes none. */
export interface PreviewHooks {
    reveal?: Reveal;
    record?: Pick<RecordOptions, "invokes" | "outputs">;
}

/** Errors that already are one line for the user: bad input of theirs, or the program's own RunError. */
const isOneLineError = (error: Error) =>
    ["UsageError", "ConfigError", "RunError", "PolicyConfigError"].includes(error.name);

/** Runs the preview; returns the exit code (0 clean, 1 a mandatory violation, 2 bad input). */
export async function runPreview(argv: string[], io: Io, hooks: PreviewHooks = {}): Promise<number> {
    let resources: PlannedResource[];
    const opts = parse(argv);
    if (opts.help) {
        io.stdout.write(`${PREVIEW_USAGE}\n`);
        return 0;
    }
    if (opts.stack !== undefined && opts.config !== undefined) {
        throw new UsageError("give --stack NAME or --config FILE, not both");
    }
    if (opts.example !== undefined && (opts.stack ?? opts.config ?? opts.cwd) !== undefined) {
        throw new UsageError(
            "--example NAME previews one of nativemesh's example stacks: give it without --stack, --config or --cwd",
        );
    }
    const project = projectOf(opts);
    const pack = loadPackConfig(opts["policy-config"]);
    const out = opts.out === undefined ? undefined : { shown: opts.out, absolute: fromInvocation(opts.out) };
    if (out !== undefined) prepareOutDir(out.absolute);
    const loaded = loadProjectStackFile({
        project,
        stack: opts.example ?? opts.stack,
        config: opts.config,
        stackFlag: opts.example !== undefined ? "--example" : "--stack",
        reveal: hooks.reveal,
    });
    const stack = loaded.stack;
    const program = project.isPackage ? "nativemesh's program" : path.relative(project.dir, project.program);
    io.stderr.write(
        `Previewing stack ${stack} of project ${project.name} (${loaded.file}, ${program}) offline, under Pulumi's mocks: nothing is created.\n`,
    );
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    // The SDK and the program may log; stdout stays for the plan (and for exactly one JSON object).
    const log = console.log;
    console.log = console.error;
    // The program logs the config's warnings too (pulumi.log.warn, which the SDK prints with console.warn under
    // the mocks): printed once above.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
        if (!loaded.warnings.some((w) => args.join(" ") === `warning: [runtime] ${w}`)) warn(...args);
    };
    // The SDK captures a stack trace for every promise it makes (runtime/debuggable.js), only to explain leaked
    // promises: a third of a large preview's time (docs/BENCHMARKS.md). Not captured, unless debugging.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.NATIVEMESH_DEBUG && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
    try {
        // The program is told which keys are secret and reads their encrypted leaves from the same file, as under
        // `pulumi preview --config-file FILE` with NATIVEMESH_CONFIG_FILE=FILE.
        resources = (
            await planStack(stack, loaded.config, {
                ...hooks.record,
                secretKeys: loaded.secretKeys,
                configFile: loaded.path,
                program: project.program,
                projectDir: project.dir,
                project: project.name,
            })
        ).resources;
    } catch (error) {
        if (project.isPackage || !(error instanceof Error) || isOneLineError(error)) throw error;
        throw Object.assign(new ProgramError(`${program}: the program failed: ${error.message.split("\n")[0]}`), {
            stack: error.stack,
        });
    } finally {
        console.log = log;
        console.warn = warn;
        Error.stackTraceLimit = stackTraceLimit;
    }
    const violations: Violation[] = evaluateWithConfig(policyResources(resources), pack, { strict: opts.strict });
    if (out !== undefined) {
        const written = writePlanFiles(out.absolute, resources);
        io.stderr.write(`Wrote ${written.length} files under ${out.shown}\n`);
        const outlines = written.filter((file) => path.basename(path.dirname(file)) === OUTLINE_DIR).length;
        if (outlines > 0)
            io.stderr.write(
                `${outlines} of them, under ${path.join(out.shown, OUTLINE_DIR)}, are outlines of the revision-tag objects ` +
                    "(no Helm offline: their webhooks lack rules and selectors): do not apply them; each names the helm " +
                    "template command that prints the real ones\n",
            );
    }
    if (opts.json) {
        const json = {
            stack,
            // Every entry has the same keys; the stack, at the root, has a null parent.
            // `custom` false marks a component (ours, or a provider's such as Helm v3 Chart): the pack reads only
            // custom resources, and `audit` of this file counts what this preview counts.
            resources: resources.map(({ urn, type, name, parent, custom, inputs }) => ({
                urn,
                type,
                name,
                parent: parent ?? null,
                custom,
                inputs,
            })),
            violations,
        };
        io.stdout.write(JSON.stringify(json, null, 2) + "\n");
    } else {
        io.stdout.write(formatTree(resources) + "\n\n");
        io.stdout.write(formatReport(violations, policyResources(resources).length) + "\n");
    }
    return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}
