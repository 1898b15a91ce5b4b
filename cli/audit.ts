// `nativemesh audit --state FILE [--json] [--strict] [--policy-config FILE]`: evaluates the policy pack offline
// over the output of `pulumi stack export`, `pulumi preview --json` or `nativemesh preview --json`. Loads no Pulumi SDK, so it stays fast on big
// stacks. Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 unusable input or nothing to audit (one
// stderr line).

import type { StackResource } from "../policy/evaluate";
import { propsFromState } from "../policy/state";
import { evaluateWithConfig, loadPackConfig } from "./policyVerdict";
import { readJsonFile, splitFlag, STDIN, UsageError } from "./inputFiles";
import { formatReport } from "./report";

export interface AuditIo {
    stdout: { write(chunk: string): unknown };
    stderr: { write(chunk: string): unknown };
}

const USAGE = "usage: nativemesh audit --state FILE [--json] [--strict] [--policy-config FILE]";

const AUDIT_HELP = [
    USAGE,
    "  --state FILE          what to audit: `pulumi stack export`, `pulumi preview --json` or `nativemesh preview --json`",
    "                        output; - reads it from standard input (pulumi stack export | nativemesh audit --state -)",
    "  --json                one JSON object on stdout: {resources, violations}",
    "  --strict              a value the pack cannot read counts at each policy's own level",
    "  --policy-config FILE  the pack's config, as `pulumi preview --policy-pack-config FILE` takes it",
    "Relative paths are taken from the folder the command runs in.",
].join("\n");

interface AuditArgs {
    state: string;
    json: boolean;
    strict: boolean;
    policyConfig?: string;
    help: boolean;
}

function parseAuditArgs(argv: string[]): AuditArgs {
    const args: Partial<AuditArgs> = { json: false, strict: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = splitFlag(arg);
        const value = (): string => {
            const next = inline ?? argv[++i];
            if (next === undefined || next === "" || (inline === undefined && next.startsWith("--")))
                throw new UsageError(`${flag} needs a file; ${USAGE}`);
            return next;
        };
        if (flag === "--state") args.state = value();
        else if (flag === "--policy-config") args.policyConfig = value();
        else if (flag === "--json" && inline === undefined) args.json = true;
        else if (flag === "--strict" && inline === undefined) args.strict = true;
        else if (flag === "--help" || flag === "-h") args.help = true;
        else throw new UsageError(`unknown argument '${arg}'; ${USAGE}`);
    }
    if (!args.help && args.state === undefined) throw new UsageError(`--state is required; ${USAGE}`);
    return args as AuditArgs;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

// urn:pulumi:<stack>::<project>::<parent$...$type>::<name>
function typeFromUrn(urn: string): string | undefined {
    const parts = urn.split("::");
    if (parts.length < 4) return undefined;
    const qualified = parts[2];
    return qualified.slice(qualified.lastIndexOf("$") + 1) || undefined;
}

/** Everything after the third "::" (a name may hold "::" itself), or the whole URN when it has fewer. Found with
 *  indexOf rather than split and join: it runs for every entry of the state (issue 20). */
function nameFromUrn(urn: string): string {
    let end = -2;
    for (let separators = 0; separators < 3; separators++) {
        end = urn.indexOf("::", end + 2);
        if (end < 0) return urn;
    }
    return urn.slice(end + 2);
}

function isEvaluated(type: string): boolean {
    return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/** Each key from the inputs, falling back to the outputs (export and preview entries carry both). */
function propsOf(state: Record<string, unknown>): Record<string, unknown> {
    return propsFromState(state.inputs, state.outputs);
}

/** The resource an entry describes, "ignored" for the stack and providers, undefined when it is unreadable. */
function toResource(state: unknown, fallbackUrn: unknown): StackResource | "ignored" | undefined {
    if (!isObject(state)) return undefined;
    const urn = typeof state.urn === "string" ? state.urn : typeof fallbackUrn === "string" ? fallbackUrn : undefined;
    if (urn === undefined) return undefined;
    const type = typeof state.type === "string" ? state.type : typeFromUrn(urn);
    if (type === undefined) return undefined;
    if (!isEvaluated(type)) return "ignored";
    return { urn, type, name: nameFromUrn(urn), props: propsOf(state) };
}

interface LoadedState {
    format: "stack export" | "preview" | "nativemesh preview";
    resources: StackResource[];
    skipped: number;
}

interface Entries {
    format: LoadedState["format"];
    /** Each entry's saved state, emptied slot by slot as loadState reads them. Two lists rather than a pair per entry:
     *  no object made for each of the file's entries (issue 20). */
    states: unknown[];
    /** The URN to fall back on for each entry (a preview's step names it beside its state), when the format has one. */
    urns?: unknown[];
}

/** The entries of a state file, without the parsed document around them (loadState lets go of each as it reads). */
function entriesOf(file: string): Entries {
    const document = readJsonFile(file, "state file", { stdin: true });
    const shown = file === STDIN ? "standard input" : file;
    const neither = `${shown}: neither \`pulumi stack export\` output (deployment.resources), \`pulumi preview --json\` output (steps) nor \`nativemesh preview --json\` output (stack, resources)`;
    if (!isObject(document)) throw new UsageError(neither);
    let format: LoadedState["format"];
    let states: unknown[];
    let urns: unknown[] | undefined;
    if (isObject(document.deployment)) {
        const list = document.deployment.resources ?? [];
        if (!Array.isArray(list)) throw new UsageError(`${shown}: deployment.resources is not a list`);
        format = "stack export";
        // Entries marked `delete` are old copies waiting to be deleted after a replacement.
        states = list.filter((entry) => !(isObject(entry) && entry.delete === true));
    } else if (Array.isArray(document.steps) || (isObject(document.changeSummary) && document.steps === undefined)) {
        format = "preview";
        const steps: unknown[] = Array.isArray(document.steps) ? document.steps : [];
        states = steps.map((step) => (isObject(step) ? step.newState : undefined));
        urns = steps.map((step) => (isObject(step) ? step.urn : undefined));
    } else if (typeof document.stack === "string" && Array.isArray(document.resources)) {
        // `nativemesh preview --json`: {stack, resources: [{urn, type, name, parent, custom, inputs}], violations}.
        // Components (`custom: false`; our own `nativemesh:...` in files written before `custom` was) hold no
        // settings of their own: their children are listed too, and preview does not count them.
        format = "nativemesh preview";
        states = document.resources.filter(
            (entry) =>
                !(
                    isObject(entry) &&
                    (entry.custom === false || (typeof entry.type === "string" && entry.type.startsWith("nativemesh:")))
                ),
        );
    } else {
        throw new UsageError(neither);
    }
    return { format, states, urns };
}

/** Reads `pulumi stack export` (`deployment.resources`), `pulumi preview --json` (`steps[].newState`) or
 *  `nativemesh preview --json` (`resources`). */
export function loadState(file: string): LoadedState {
    const { format, states, urns } = entriesOf(file);
    // From the last entry to the first, letting go of each once read (issue 20). JSON.parse leaves the file's last
    // entries in V8's young generation, and the first collection after the parse copies what of them is still
    // reachable, twice (to the survivor space, then to the old generation). Read last first and let go, those
    // entries have kept only what their props share (the inputs) when that collection comes: 16 of 34 MB fewer
    // copied bytes for the 10,000-resource export of `npm run bench` (docs/BENCHMARKS.md).
    const read: Array<ReturnType<typeof toResource>> = new Array(states.length);
    for (let index = states.length - 1; index >= 0; index--) {
        const state = states[index];
        states[index] = undefined;
        read[index] = toResource(state, urns?.[index]);
    }
    const seen = new Set<string>();
    const resources: StackResource[] = [];
    let skipped = 0;
    for (let index = 0; index < read.length; index++) {
        const resource = read[index];
        if (resource === "ignored") continue;
        if (resource === undefined) {
            skipped++;
            continue;
        }
        if (seen.has(resource.urn)) continue; // a replacement shows the same URN twice
        seen.add(resource.urn);
        resources.push(resource);
    }
    return { format, resources, skipped };
}

export async function runAudit(argv: string[], io: AuditIo): Promise<number> {
    try {
        const args = parseAuditArgs(argv);
        if (args.help) {
            io.stdout.write(`${AUDIT_HELP}\n`);
            return 0;
        }
        const pack = loadPackConfig(args.policyConfig);
        const state = loadState(args.state);
        if (state.resources.length === 0) {
            // Nothing to judge is not a pass: say what was read and what was expected.
            throw new UsageError(
                `${args.state}: no resource to audit in this ${state.format} output${state.skipped > 0 ? ` (${state.skipped} entries without a readable urn and type)` : ""}; expected entries with a urn and a type other than the Stack and providers`,
            );
        }
        const violations = evaluateWithConfig(state.resources, pack, { strict: args.strict });
        io.stderr.write(
            `Audited ${state.resources.length} resources from ${args.state === STDIN ? "standard input" : args.state} (${state.format})` +
                `${state.skipped > 0 ? `; skipped ${state.skipped} entries without a readable resource (no state, URN or type)` : ""}.\n`,
        );
        if (args.json) {
            io.stdout.write(`${JSON.stringify({ resources: state.resources.length, violations })}\n`);
        } else {
            io.stdout.write(`${formatReport(violations, state.resources.length)}\n`);
        }
        return violations.some((violation) => violation.enforcementLevel === "mandatory") ? 1 : 0;
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr.write(`nativemesh audit: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
}
