/**
 * `nativemesh preview [--stack NAME | --config FILE] [--json] [--strict] [--out DIR] [--policy-config FILE]`:
 * the plan of a stack, offline, and the policy pack's verdict on it.
 */
import { parseArgs } from "node:util";
import type { StackResource, Violation } from "../policy/evaluate";
import { planStack, type PlannedResource, type RecordOptions } from "./engine";
import { formatTree, prepareOutDir, writePlanFiles } from "./planOutput";
import { formatReport } from "./report";
import { loadStackFile, type Reveal, UsageError } from "./stackFile";
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
                stack: { type: "string" },
                config: { type: "string" },
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
        throw new UsageError(
            `${(err as Error).message.split("\n")[0]}; usage: preview [--stack NAME | --config FILE] [--json] [--strict] [--out DIR] [--policy-config FILE]`,
        );
    }
}

const PREVIEW_USAGE = [
    "usage: nativemesh preview [--stack NAME | --config FILE] [--json] [--strict] [--out DIR] [--policy-config FILE]",
    "  --stack NAME          stacks/Pulumi.<NAME>.yaml (default dev)",
    "  --config FILE         a stack file anywhere",
    "  --json                one JSON object on stdout: {stack, resources, violations}",
    "  --strict              a value the pack cannot read counts at each policy's own level",
    "  --out DIR             writes every Kubernetes object, the Helm values and the asmcli files under DIR",
    "                        (a new or empty folder, or one an earlier --out wrote: its files are replaced)",
    "  --policy-config FILE  the pack's config, as `pulumi preview --policy-pack-config FILE` takes it",
].join("\n");

/** What a test may put in place of the offline world: how encrypted values read (what a real run decrypts), and
 *  what the clouds answer (credentials). The CLI passes none. */
export interface PreviewHooks {
    reveal?: Reveal;
    record?: Pick<RecordOptions, "invokes" | "outputs">;
}

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
    const pack = loadPackConfig(opts["policy-config"]);
    if (opts.out !== undefined) prepareOutDir(opts.out);
    const loaded = loadStackFile({ stack: opts.stack, config: opts.config, reveal: hooks.reveal });
    const stack = loaded.stack;
    io.stderr.write(`Previewing stack ${stack} (${loaded.file}) offline, under Pulumi's mocks: nothing is created.\n`);
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    // The SDK and the program may log; stdout stays for the plan (and for exactly one JSON object).
    const log = console.log;
    console.log = console.error;
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
                configFile: loaded.file,
            })
        ).resources;
    } finally {
        console.log = log;
        Error.stackTraceLimit = stackTraceLimit;
    }
    const violations: Violation[] = evaluateWithConfig(policyResources(resources), pack, { strict: opts.strict });
    if (opts.out !== undefined) {
        const written = writePlanFiles(opts.out, resources);
        io.stderr.write(`Wrote ${written.length} files under ${opts.out}\n`);
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
