/**
 * The `nativemesh` command: `preview`, `audit`, and on a live cluster `status` and `restart`. Each subcommand is
 * loaded only when asked for, so that `audit` never loads the Pulumi SDK, nor `preview` the Kubernetes client.
 * Errors of use are one line on stderr with exit code 2, no stack trace; an internal error exits 3 (set
 * NATIVEMESH_DEBUG=1 to see its stack trace).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Io } from "./preview";

/** The exit codes, the same for every command (docs/CLI.md "Exit codes"). */
const EXIT_CODES =
    "0 clean; 1 a mandatory policy violation (status, restart: stale workloads left); 2 bad input: an option, a " +
    "file, a config key or the project's program (one line on stderr); 3 an internal error of nativemesh";

const USAGE = [
    "usage: nativemesh <command> [options]",
    "",
    "  nativemesh preview [--stack NAME | --config FILE | --example NAME] [--cwd DIR] [--json] [--strict] [--out DIR] [--policy-config FILE]",
    "      the plan of a stack of the Pulumi project here (its own program), offline, and the policy pack's verdict",
    "  nativemesh audit --state FILE|- [--json] [--strict] [--policy-config FILE]",
    "      the policy pack over `pulumi stack export`, `pulumi preview --json` or `nativemesh preview --json`",
    "  nativemesh status --kubeconfig FILE [--context NAME] [--namespace NS] [--desired FILE] [--json]",
    "      every meshed namespace and pod of a live cluster: proxy mode, injecting revision, owner, stale or not",
    "  nativemesh restart --kubeconfig FILE [--context NAME] [--namespace NS] [--dry-run] [--max-unavailable N] [--timeout SECONDS] [--json]",
    "      restarts the Deployments, StatefulSets and DaemonSets whose pods are stale, as `kubectl rollout restart`",
    "",
    "  nativemesh <command> --help   options of one command",
    "  nativemesh --version          the version of this copy",
    "",
    "Relative paths are taken from the folder the command runs in.",
    `Exit codes: ${EXIT_CODES}.`,
].join("\n");

/** The version in the package's package.json (one level above cli/ and dist/). */
function version(): string {
    const file = path.resolve(__dirname, "..", "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

async function run(argv: string[], io: Io): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case "--help":
        case "-h":
        case "help":
            io.stdout.write(`${USAGE}\n`);
            return 0;
        case "--version":
        case "-v":
        case "version":
            io.stdout.write(`nativemesh ${version()}\n`);
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
    return (
        err instanceof Error &&
        ["UsageError", "ConfigError", "PolicyConfigError", "RunError", "ProgramError"].includes(err.name)
    );
}

run(process.argv.slice(2), process)
    .then((code) => {
        process.exitCode = code;
    })
    .catch((err: unknown) => {
        if (isUsageError(err)) {
            process.stderr.write(`nativemesh: ${err.message}\n`);
            if (process.env.NATIVEMESH_DEBUG && err.name === "ProgramError")
                process.stderr.write(`${err.stack ?? ""}\n`);
            process.exitCode = 2;
            return;
        }
        process.stderr.write(
            `nativemesh: internal error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` +
                `${process.env.NATIVEMESH_DEBUG ? "" : " (NATIVEMESH_DEBUG=1 prints where; please report it)"}\n`,
        );
        if (process.env.NATIVEMESH_DEBUG) process.stderr.write(`${(err as Error).stack ?? ""}\n`);
        process.exitCode = 3;
    });
