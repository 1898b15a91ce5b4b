/**
 * Rows under the real engine, when the end-to-end tools are built (e2e/build.sh): `pulumi preview` of the local
 * stack with and without `--policy-pack policy` in the same rounds, and the pack's own start (the engine's
 * `run-policy-pack` entry point until the pack's gRPC server prints its port). It starts the loopback cluster of
 * `npm run e2e`, deploys the local stack once, measures, and stops everything. Skipped, with a line saying why,
 * when the tools are not built or a testbed is already running.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FORMANCE_CRD, formanceCrdChart } from "../e2e/lib/charts";
import { startCluster } from "../e2e/lib/cluster";
import { ROOT, RUN, SHARED, STATE, tool, toolEnv } from "../e2e/lib/env";
import { IstiodSupervisor } from "../e2e/lib/istiod";
import { pulumiOk } from "../e2e/lib/pulumi";
import { running, stopAll } from "../e2e/lib/processes";
import { measureRounds, type Measurement } from "./measure";

export interface EngineRows {
    preview: Measurement;
    previewWithPack: Measurement;
    packStartMs: number[];
    commands: { preview: string[]; previewWithPack: string[] };
}

const PREVIEW_RUNS = 5;
const PACK_START_RUNS = 5;

export function engineSkipReason(): string | undefined {
    for (const name of ["pulumi", "langhost", "kubeprovider", "kube", "etcd", "kwok", "istio"] as const) {
        if (!fs.existsSync(path.join(tool(name), ".built")))
            return `the end-to-end tools are not built (npm run e2e:build)`;
    }
    if (!fs.existsSync(path.join(SHARED, "schemas", FORMANCE_CRD)))
        return "../shared/schemas is absent (the local stack needs its Formance CRD)";
    if (running().length > 0) return `a testbed is running (${running().join(", ")}); stop it with npm run e2e:down`;
    return undefined;
}

/** Milliseconds from starting the engine's run-policy-pack on policy/ until the pack prints its port. */
function packStart(): Promise<number> {
    const entry = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: path.join(ROOT, "policy") });
        let out = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the pack did not print its port in 60 s: ${out}`));
        }, 60_000);
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (/^\d+\s*$/m.test(out)) {
                const ms = performance.now() - started;
                clearTimeout(timer);
                child.kill("SIGKILL");
                resolve(ms);
            }
        });
        child.on("error", reject);
    });
}

export async function benchEngine(log: (line: string) => void): Promise<EngineRows> {
    stopAll();
    fs.rmSync(RUN, { recursive: true, force: true });
    fs.mkdirSync(STATE, { recursive: true });
    Object.assign(process.env, toolEnv());
    let istiod: IstiodSupervisor | undefined;
    try {
        log("engine: starting the loopback cluster and deploying the local stack once");
        const cluster = await startCluster();
        istiod = new IstiodSupervisor(cluster.certs);
        istiod.start();
        formanceCrdChart();
        await pulumiOk(["login", `file://${STATE}`]);
        await pulumiOk(["stack", "select", "local", "--create"]);
        await pulumiOk(["up", "--yes", "--stack", "local"]);
        istiod.stop(false);
        const pulumi = path.join(tool("pulumi"), "pulumi");
        const commands = {
            preview: [pulumi, "preview", "--stack", "local"],
            previewWithPack: [pulumi, "preview", "--stack", "local", "--policy-pack", "policy"],
        };
        log(`engine: pulumi preview of the local stack with and without the pack, ${PREVIEW_RUNS} rounds`);
        const [preview, previewWithPack] = measureRounds(
            [
                { command: commands.preview, runs: PREVIEW_RUNS },
                { command: commands.previewWithPack, runs: PREVIEW_RUNS },
            ],
            ROOT,
        );
        log(`engine: the pack's own start, ${PACK_START_RUNS} runs`);
        const packStartMs: number[] = [];
        for (let i = 0; i < PACK_START_RUNS; i++) packStartMs.push(await packStart());
        return { preview, previewWithPack, packStartMs, commands };
    } finally {
        istiod?.stop(true);
        stopAll();
    }
}
