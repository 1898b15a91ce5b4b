/**
 * The testbed's long-running processes (etcd, the control plane, kwok, istiod): each in its own process group,
 * its output in .e2e/run/logs/<name>.log, its pid in .e2e/run/pids.json so that `npm run e2e:down` (or the
 * next run) can stop what an earlier run left, also after a crash.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LOGS, RUN } from "./env";

const PIDS = path.join(RUN, "pids.json");

function readPids(): Record<string, number> {
    try {
        return JSON.parse(fs.readFileSync(PIDS, "utf8")) as Record<string, number>;
    } catch {
        return {};
    }
}

function writePids(pids: Record<string, number>): void {
    fs.mkdirSync(RUN, { recursive: true });
    fs.writeFileSync(PIDS, JSON.stringify(pids, null, 2));
}

export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    // A process that has exited but that this (busy, synchronous) process has not reaped yet is a zombie: it
    // still answers signal 0, but it is gone (state Z in /proc/PID/stat, proc(5)).
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return true;
    }
}

/** Starts `command` detached (its own process group), logging to LOGS/<name>.log, and records its pid. */
export function start(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): number {
    fs.mkdirSync(LOGS, { recursive: true });
    const log = fs.openSync(path.join(LOGS, `${name}.log`), "a");
    const child = spawn(command, args, {
        detached: true,
        stdio: ["ignore", log, log],
        env: options.env ?? process.env,
        cwd: options.cwd,
    });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    child.unref();
    writePids({ ...readPids(), [name]: child.pid });
    return child.pid;
}

/** The last lines of a process's log, for error messages. */
export function logTail(name: string, lines = 15): string {
    try {
        const text = fs
            .readFileSync(path.join(LOGS, `${name}.log`), "utf8")
            .trimEnd()
            .split("\n");
        return text.slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** Stops one recorded process group: SIGTERM, then SIGKILL after `graceMs`. Synchronous, so exit handlers can
 *  use it. */
export function stop(name: string, graceMs = 5000): void {
    const pids = readPids();
    const pid = pids[name];
    if (pid !== undefined) {
        signalGroup(pid, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (isAlive(pid) && Date.now() < deadline) spawnSync("sleep", ["0.1"]);
        if (isAlive(pid)) signalGroup(pid, "SIGKILL");
    }
    delete pids[name];
    writePids(pids);
}

/** Stops every recorded process, the last started first. */
export function stopAll(): void {
    for (const name of Object.keys(readPids()).reverse()) stop(name);
}

export function running(): string[] {
    return Object.entries(readPids())
        .filter(([, pid]) => isAlive(pid))
        .map(([name]) => name);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        try {
            process.kill(pid, signal);
        } catch {
            // already gone
        }
    }
}
