/** The Pulumi CLI built from its Go module, run from the project root against the file-backed state. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LOGS, ROOT, toolEnv } from "./env";

export interface PulumiResult {
    code: number;
    stdout: string;
    stderr: string;
}

let calls = 0;

/** Runs `pulumi args...` asynchronously (the istiod supervisor keeps working meanwhile), logging the output to
 *  .e2e/run/logs/pulumi-<n>.log. */
export function pulumi(
    args: string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<PulumiResult> {
    const n = ++calls;
    fs.mkdirSync(LOGS, { recursive: true });
    const log = path.join(LOGS, `pulumi-${String(n).padStart(2, "0")}.log`);
    return new Promise((resolve) => {
        const child = spawn("pulumi", args, { cwd: options.cwd ?? ROOT, env: toolEnv(options.env) });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => {
            fs.writeFileSync(
                log,
                `$ pulumi ${args.join(" ")}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n--- exit ${code}\n`,
            );
            resolve({ code: code ?? 1, stdout, stderr });
        });
    });
}

/** Like pulumi(), but throws with the output's tail when the command fails. */
export async function pulumiOk(
    args: string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<PulumiResult> {
    const res = await pulumi(args, options);
    if (res.code !== 0) {
        const tail = (res.stdout + "\n" + res.stderr).trim().split("\n").slice(-40).join("\n");
        throw new Error(`pulumi ${args.join(" ")} exited ${res.code}:\n${tail}`);
    }
    return res;
}
