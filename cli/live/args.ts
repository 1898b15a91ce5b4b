/** Options of `nativemesh status` and `nativemesh restart`; every mistake is one UsageError line (exit 2). */
import { splitFlag, UsageError } from "../inputFiles";

export const STATUS_USAGE =
    "usage: nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--desired FILE] [--json]";
export const RESTART_USAGE =
    "usage: nativemesh restart --kubeconfig FILE [--context NAME] [--namespace NS] [--dry-run] [--max-unavailable N] [--timeout SECONDS] [--json]";

export interface LiveArgs {
    kubeconfig: string;
    context?: string;
    namespace?: string;
    /** `pulumi stack output --json` of the stack: its namespaceSelections are compared with the live labels. */
    desired?: string;
    json: boolean;
    help: boolean;
    dryRun: boolean;
    /** workloads restarted at the same time */
    maxUnavailable: number;
    /** seconds to wait for one workload's rollout */
    timeout: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

// A namespace name is a DNS-1123 label (kubernetes apimachinery validation.IsDNS1123Label).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function parseLiveArgs(argv: string[], command: "status" | "restart"): LiveArgs {
    const usage = command === "status" ? STATUS_USAGE : RESTART_USAGE;
    const args: Partial<LiveArgs> = {
        json: false,
        help: false,
        dryRun: false,
        maxUnavailable: 1,
        timeout: DEFAULT_TIMEOUT_SECONDS,
    };
    const restartOnly = new Set(["--dry-run", "--max-unavailable", "--timeout"]);
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = splitFlag(arg);
        const value = (what: string): string => {
            const next = inline ?? argv[++i];
            if (next === undefined || next === "" || (inline === undefined && next.startsWith("-")))
                throw new UsageError(`${flag} needs ${what}; ${usage}`);
            return next;
        };
        const positive = (what: string): number => {
            const text = value(what);
            const number = Number(text);
            if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < 1)
                throw new UsageError(`${flag} needs ${what}, a whole number from 1 (got '${text}')`);
            return number;
        };
        if (command === "status" && restartOnly.has(flag))
            throw new UsageError(`${flag} belongs to nativemesh restart; ${usage}`);
        if (flag === "--kubeconfig") args.kubeconfig = value("a file");
        else if (flag === "--context") args.context = value("a context name");
        else if (flag === "--namespace" || flag === "-n") {
            const ns = value("a namespace");
            if (!DNS1123_LABEL.test(ns) || ns.length > 63)
                throw new UsageError(`${flag}: '${ns}' is not a namespace name (a DNS-1123 label)`);
            args.namespace = ns;
        } else if (flag === "--desired") {
            if (command !== "status") throw new UsageError(`${flag} belongs to nativemesh status; ${usage}`);
            args.desired = value("a file (pulumi stack output --json)");
        } else if (flag === "--json" && inline === undefined) args.json = true;
        else if (flag === "--dry-run" && inline === undefined) args.dryRun = true;
        else if (flag === "--max-unavailable") args.maxUnavailable = positive("a number of workloads");
        else if (flag === "--timeout") args.timeout = positive("seconds");
        else if ((flag === "--help" || flag === "-h") && inline === undefined) args.help = true;
        else throw new UsageError(`unknown argument '${arg}'; ${usage}`);
    }
    if (!args.help && args.kubeconfig === undefined) throw new UsageError(`--kubeconfig is required; ${usage}`);
    return args as LiveArgs;
}
