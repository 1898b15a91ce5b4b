/** The nativemesh CLI as a user runs it (`npm run status` runs the same file), against the testbed's cluster. */
import { spawnSync } from "node:child_process";
import { KUBECONFIG, ROOT } from "./env";

export interface CliRun {
    status: number;
    stdout: string;
    stderr: string;
}

export function nativemesh(args: string[]): CliRun {
    const res = spawnSync("node", ["cli/nativemesh.js", ...args, "--kubeconfig", KUBECONFIG], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 300_000,
    });
    return { status: res.status ?? 1, stdout: res.stdout ?? "", stderr: res.stderr ?? String(res.error ?? "") };
}

/** A run as a failure message shows it. */
export const show = (r: CliRun): string => `exit ${r.status}\n${r.stdout}${r.stderr}`;
