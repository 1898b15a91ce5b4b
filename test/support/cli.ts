/** The CLI as a user runs it, for the specs of its commands: a child process, so exit codes and stack traces are real. */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** `nativemesh ARGS` from the checkout's root, through tsx. */
export function cli(args: string[]): CliResult {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", path.join(ROOT, "cli", "main.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bad input: exit 2, one stderr line matching `expected`, no stack trace. */
export function oneLine(r: CliResult, expected: RegExp): void {
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
}
