/**
 * Whole-process measurements: wall time of a command from spawn to exit, and its peak resident memory, read
 * from GNU time (`/usr/bin/time -v`) or, where that is missing, from bench/maxrss.js loaded into every Node
 * process of the command.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const GNU_TIME = "/usr/bin/time";
const MAXRSS_HOOK = path.join(__dirname, "maxrss.js");

export interface Measurement {
    /** Wall time of each run, milliseconds, in run order. */
    runsMs: number[];
    medianMs: number;
    /** The largest peak resident set over the runs, MB (10^6 bytes). */
    peakRssMb: number;
}

/** How peak memory is read on this machine. */
export type RssSource = "/usr/bin/time -v" | "process.resourceUsage().maxRSS";

let rssSource: RssSource | undefined;

/** GNU time with -v and -o, if this machine has it (BusyBox's time has neither). */
export function peakMemorySource(): RssSource {
    if (rssSource === undefined) {
        const probe = path.join(os.tmpdir(), `nativemesh-bench-probe-${process.pid}`);
        const ok =
            fs.existsSync(GNU_TIME) &&
            spawnSync(GNU_TIME, ["-v", "-o", probe, "true"]).status === 0 &&
            fs.existsSync(probe);
        fs.rmSync(probe, { force: true });
        rssSource = ok ? "/usr/bin/time -v" : "process.resourceUsage().maxRSS";
    }
    return rssSource;
}

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Peak resident set of one run, kB: GNU time's report, or the largest line bench/maxrss.js appended. */
function readPeakKb(file: string, source: RssSource): number {
    const text = fs.readFileSync(file, "utf8");
    if (source === "/usr/bin/time -v") {
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
        if (match === null) throw new Error(`${file}: no "Maximum resident set size" line in /usr/bin/time -v output`);
        return Number(match[1]);
    }
    return Math.max(0, ...text.split("\n").filter(Boolean).map(Number));
}

/** One run of `command` in `cwd`, stdout discarded: wall milliseconds and peak resident set, kB. */
function runOnce(command: string[], cwd: string, okExitCodes = [0]): { ms: number; peakKb: number } {
    const source = peakMemorySource();
    const report = path.join(os.tmpdir(), `nativemesh-bench-rss-${process.pid}`);
    fs.rmSync(report, { force: true });
    const [file, ...args] = source === "/usr/bin/time -v" ? [GNU_TIME, "-v", "-o", report, ...command] : command;
    const env =
        source === "/usr/bin/time -v"
            ? process.env
            : {
                  ...process.env,
                  NATIVEMESH_BENCH_RSS: report,
                  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require "${MAXRSS_HOOK}"`.trim(),
              };
    try {
        const started = performance.now();
        const run = spawnSync(file, args, {
            cwd,
            env,
            stdio: ["ignore", "ignore", "pipe"],
            maxBuffer: 64 * 1024 * 1024,
        });
        const ms = performance.now() - started;
        if (run.status === null || !okExitCodes.includes(run.status)) {
            const said = String(run.stderr ?? "")
                .trim()
                .split("\n")
                .slice(-3)
                .join(" | ");
            throw new Error(`${command.join(" ")}: exit ${run.status ?? run.signal}: ${said}`);
        }
        return { ms, peakKb: readPeakKb(report, source) };
    } finally {
        // Also when the command failed: the report must not outlive the run.
        fs.rmSync(report, { force: true });
    }
}

export interface Case {
    command: string[];
    runs: number;
    /** Exit codes that count as a run (default: 0 only), e.g. `status` exiting 1 on stale pods. */
    okExitCodes?: number[];
}

/**
 * Measures several commands in rounds, one run of each per round (a case with fewer runs drops out of the
 * later rounds), so that a burst of load from elsewhere on a shared machine falls on every case alike and
 * the ratios and differences between cases stay fair.
 */
export function measureRounds(cases: Case[], cwd: string): Measurement[] {
    const ms: number[][] = cases.map(() => []);
    const peakKb = cases.map(() => 0);
    const rounds = Math.max(...cases.map((c) => c.runs));
    for (let round = 0; round < rounds; round++) {
        cases.forEach((c, i) => {
            if (round >= c.runs) return;
            const run = runOnce(c.command, cwd, c.okExitCodes);
            ms[i].push(run.ms);
            peakKb[i] = Math.max(peakKb[i], run.peakKb);
        });
    }
    return cases.map((_, i) => ({ runsMs: ms[i], medianMs: median(ms[i]), peakRssMb: (peakKb[i] * 1024) / 1e6 }));
}

/** The module files one run of `command` loads, the hook that lists them (bench/loaded-modules.js) aside. */
export function loadedModules(command: string[], cwd: string): string[] {
    const report = path.join(os.tmpdir(), `nativemesh-bench-modules-${process.pid}`);
    fs.rmSync(report, { force: true });
    const hook = path.join(__dirname, "loaded-modules.js");
    const env = {
        ...process.env,
        NATIVEMESH_BENCH_MODULES: report,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require "${hook}"`.trim(),
    };
    const [file, ...args] = command;
    const run = spawnSync(file, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    if (run.status !== 0)
        throw new Error(`${command.join(" ")}: exit ${run.status ?? run.signal}: ${String(run.stderr).trim()}`);
    const modules = fs
        .readFileSync(report, "utf8")
        .split("\n")
        .filter((file) => file !== "" && file !== hook);
    fs.rmSync(report, { force: true });
    return modules;
}

/** Packages the audit has no use for (issue 5): the Pulumi SDK and providers, gRPC, protobuf, TypeScript compilers. */
export const NOT_FOR_AUDIT = /node_modules[\\/](@pulumi|@grpc|google-protobuf|typescript|esbuild|tsx)[\\/]/;
