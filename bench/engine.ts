/**
 * Rows under the real engine, when the end-to-end tools are built (e2e/build.sh): `pulumi preview` of the local
 * stack with and without `--policy-pack policy` in the same rounds, and the pack's own start (the engine's
 * `run-policy-pack` entry point until the pack's gRPC server prints its port) beside that entry point's floor (the
 * same entry point on a pack that only prints a port), also in rounds. It starts the loopback cluster of
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
    /** run-policy-pack on a pack that only prints a port: what the SDK's entry point costs by itself. */
    floorStartMs: number[];
    commands: { preview: string[]; previewWithPack: string[] };
}

const PREVIEW_RUNS = 7;
const PACK_START_RUNS = 9;

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

/**
 * A pack that does nothing but print a port, as a served pack does: run-policy-pack's floor. Its package.json
 * gives the version @pulumi/policy would require; it loads nothing.
 */
function floorPack(): string {
    const dir = path.join(RUN, "floor-pack");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "floor-pack", version: "0.0.0", main: "index.js" }),
    );
    fs.writeFileSync(path.join(dir, "index.js"), "console.log(1); setInterval(() => undefined, 60_000);\n");
    return dir;
}

/**
 * Milliseconds from starting the engine's run-policy-pack on a pack folder (the way the Node.js language host
 * starts it: `node run-policy-pack <engine> .` in that folder) until the pack prints its port.
 */
function packStart(dir: string): Promise<number> {
    // Found from the pack's folder, as the language host finds it.
    const entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: dir });
        let out = "";
        let err = "";
        let served = false;
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${dir}: the pack did not print its port in 60 s: ${out}${err}`));
        }, 60_000);
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (!served && /^\d+\s*$/m.test(out)) {
                served = true;
                const ms = performance.now() - started;
                clearTimeout(timer);
                child.kill("SIGKILL");
                resolve(ms);
            }
        });
        child.on("exit", (code) => {
            if (served) return;
            clearTimeout(timer);
            reject(new Error(`${dir}: the pack exited ${code} before printing its port: ${out}${err}`));
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
        log(`engine: the pack's own start and run-policy-pack's floor, ${PACK_START_RUNS} rounds`);
        const floor = floorPack();
        const packStartMs: number[] = [];
        const floorStartMs: number[] = [];
        for (let i = 0; i < PACK_START_RUNS; i++) {
            packStartMs.push(await packStart(path.join(ROOT, "policy")));
            floorStartMs.push(await packStart(floor));
        }
        return { preview, previewWithPack, packStartMs, floorStartMs, commands };
    } finally {
        istiod?.stop(true);
        stopAll();
    }
}
