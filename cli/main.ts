/**
 * The `nativemesh` command: `preview`, `audit`, and on a live cluster `status` and `restart`. Each subcommand is
 * loaded only when asked for, so that `audit` never loads the Pulumi SDK, nor `preview` the Kubernetes client.
 * Errors of use are one line on stderr with exit code 2, no stack trace (set NATIVEMESH_DEBUG=1 to see one for
 * an internal error).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { Io } from "./preview";

const USAGE = [
    "usage: nativemesh <command> [options]",
    "",
    "  nativemesh preview [--stack NAME | --config FILE] [--json] [--strict] [--out DIR] [--policy-config FILE]",
    "      the plan of a stack, offline, and the policy pack's verdict on it",
    "  nativemesh audit --state FILE [--json] [--strict] [--policy-config FILE]",
    "      the policy pack over `pulumi stack export`, `pulumi preview --json` or `nativemesh preview --json`",
    "  nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--desired FILE] [--json]",
    "      every meshed namespace and pod of a live cluster: proxy mode, injecting revision, owner, stale or not",
    "  nativemesh restart --kubeconfig FILE [--context NAME] [--namespace NS] [--dry-run] [--max-unavailable N] [--timeout SECONDS]",
    "      restarts the Deployments, StatefulSets and DaemonSets whose pods are stale, as `kubectl rollout restart`",
    "",
    "  nativemesh <command> --help   options of one command",
    "",
    "Exit codes: 0 clean, 1 a mandatory policy violation (status, restart: stale workloads), 2 bad input (one line",
    "on stderr).",
].join("\n");

async function run(argv: string[], io: Io): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case "--help":
        case "-h":
        case "help":
            io.stdout.write(`${USAGE}\n`);
            return 0;
        // require, not import(): loaded on demand, and resolvable both under tsx and in a bundle.
        case "preview":
            return (require("./preview") as typeof import("./preview")).runPreview(rest, io);
        case "audit":
            return (require("./audit") as typeof import("./audit")).runAudit(rest, io);
        case "status":
            return (require("./live/status") as typeof import("./live/status")).runStatus(rest, io);
        case "restart":
            return (require("./live/restart") as typeof import("./live/restart")).runRestart(rest, io);
        default:
            io.stderr.write(
                `nativemesh: ${command === undefined ? "no command" : `unknown command '${command}'`}: use preview, audit, status or restart (nativemesh --help)\n`,
            );
            return 2;
    }
}

function isUsageError(err: unknown): err is Error {
    return err instanceof Error && ["UsageError", "ConfigError", "PolicyConfigError", "RunError"].includes(err.name);
}

run(process.argv.slice(2), process)
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err: unknown) => {
        if (isUsageError(err)) {
            process.stderr.write(`nativemesh: ${err.message}\n`);
            process.exitCode = 2;
            return;
        }
        process.stderr.write(
            `nativemesh: internal error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`,
        );
        if (process.env.NATIVEMESH_DEBUG) process.stderr.write(`${(err as Error).stack ?? ""}\n`);
        process.exitCode = 1;
    });
