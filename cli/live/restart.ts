/**
 * `nativemesh restart --kubeconfig FILE [--context NAME] [--namespace NS] [--dry-run] [--max-unavailable N]
 * [--timeout SECONDS] [--json]`: restarts the Deployments, StatefulSets and DaemonSets that own stale pods the
 * way `kubectl rollout restart` does, N at a time, waiting for each rollout as `kubectl rollout status` does (up
 * to SECONDS each); never touches Jobs, CronJobs, bare ReplicaSets or Pods, which it lists with what to do; then
 * looks again and reports what is still stale. `--dry-run` reads only. Exit codes: 0 nothing stale afterwards
 * (with --dry-run: nothing stale now), 1 something still stale or a rollout did not complete, 2 bad input.
 */
import { RESTART_USAGE, parseLiveArgs } from "./args";
import { adviceFor, controllerOf, Meta, OwnerRef, RESTARTABLE, StaleWorkload } from "../../components/live/classify";
import { call, Connection, connect, describeFailure } from "../../components/live/cluster";
import { jsonText, printable } from "../../components/live/printable";
import { cannotRestart, restartPatch, rolloutStatus, WorkloadKind } from "./rollout";
import type { LiveIo } from "./status";
import { summary, survey, Survey, workloadKey } from "./survey";

export const RESTART_HELP = [
    RESTART_USAGE,
    "",
    "  Restarts the owners of stale pods (see nativemesh status) as `kubectl rollout restart` does: the pod-template",
    "  annotation kubectl.kubernetes.io/restartedAt. Deployments, StatefulSets and DaemonSets only, at most N at a",
    "  time, each waited for until its rollout is complete (as `kubectl rollout status`) or SECONDS pass. Jobs,",
    "  CronJobs, bare ReplicaSets and Pods are never touched: they are listed with what to do. Afterwards the pods",
    "  are classified again and what is still stale is listed.",
    "",
    "  --kubeconfig FILE        the cluster's kubeconfig (required)",
    "  --context NAME           a context of it (default: its current-context)",
    "  --namespace NS           only this namespace",
    "  --dry-run                change nothing: list what would be restarted",
    "  --max-unavailable N      workloads restarted at the same time (default 1)",
    "  --timeout SECONDS        wait for each rollout at most this long (default 300)",
    "  --json                   one JSON object on stdout (progress on stderr)",
    "",
    "Exit codes: 0 nothing stale afterwards, 1 still stale or a rollout incomplete, 2 bad input (one line on stderr).",
].join("\n");

export type Outcome = "restarted" | "would restart" | "timed out" | "failed" | "skipped";

export interface RestartResult {
    namespace: string;
    kind: string;
    name: string;
    outcome: Outcome;
    message: string;
    seconds: number;
}

const POLL_MS = 1000;

/** What a restart waits by. Tests pass a clock that moves only when the wait sleeps, so that no test waits. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

const WALL_CLOCK: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

async function read(conn: Connection, kind: WorkloadKind, namespace: string, name: string) {
    const req = { name, namespace };
    return call(conn, `reading ${kind} ${namespace}/${name}`, () =>
        kind === "Deployment"
            ? conn.apps.readNamespacedDeployment(req)
            : kind === "StatefulSet"
              ? conn.apps.readNamespacedStatefulSet(req)
              : conn.apps.readNamespacedDaemonSet(req),
    );
}

/**
 * Why the workload must not be patched, or undefined when it is the object its pods belong to. A pod's
 * ownerReferences name their owner by kind, name and uid; a name alone may by now be another object (deleted and
 * made again, perhaps by someone else). So the live object's metadata.uid must equal the reference's uid, for a
 * Deployment along ReplicaSet → Deployment, each step checked the same way (kubernetes
 * `apimachinery/pkg/apis/meta/v1` OwnerReference: "UID of the referent").
 */
export async function ownerMismatch(
    conn: Connection,
    w: StaleWorkload,
    ref: OwnerRef | undefined,
    live: { metadata?: { uid?: string } },
): Promise<string | undefined> {
    if (ref === undefined || !ref.uid) return `its pods name no owner by uid: not patched`;
    let expected: { kind: string; name: string; uid?: string } = ref;
    if (w.kind === "Deployment" && ref.kind === "ReplicaSet") {
        const rs = await call(conn, `reading ReplicaSet ${w.namespace}/${ref.name}`, () =>
            conn.apps.readNamespacedReplicaSet({ name: ref.name, namespace: w.namespace }),
        );
        if (rs.metadata?.uid !== ref.uid)
            return `ReplicaSet ${ref.name} has uid ${rs.metadata?.uid ?? "none"}, its pods name ${ref.uid}: not patched`;
        const up = controllerOf(rs.metadata as Meta);
        if (up === undefined || !up.uid) return `ReplicaSet ${ref.name} names no owner by uid: not patched`;
        expected = up;
    }
    if (expected.kind !== w.kind || expected.name !== w.name)
        return `its pods' owner is ${expected.kind}/${expected.name}, not this ${w.kind}: not patched`;
    if (live.metadata?.uid !== expected.uid)
        return `${w.kind} ${w.name} has uid ${live.metadata?.uid ?? "none"}, its pods' owner is ${expected.uid}: not patched`;
    return undefined;
}

async function restartOne(
    conn: Connection,
    w: StaleWorkload,
    timeoutMs: number,
    ref: OwnerRef | undefined,
    clock: Clock,
): Promise<RestartResult> {
    const kind = w.kind as WorkloadKind;
    const started = clock.now();
    const result = (outcome: Outcome, message: string): RestartResult => ({
        namespace: w.namespace,
        kind,
        name: w.name,
        outcome,
        message,
        seconds: Math.round((clock.now() - started) / 100) / 10,
    });
    let obj;
    try {
        obj = await read(conn, kind, w.namespace, w.name);
    } catch (error) {
        return result("failed", (error as Error).message);
    }
    try {
        const mismatch = await ownerMismatch(conn, w, ref, obj);
        if (mismatch !== undefined) return result("skipped", mismatch);
    } catch (error) {
        return result("failed", (error as Error).message);
    }
    const refused = cannotRestart(kind, obj);
    if (refused !== undefined) return result("skipped", refused);
    const body = restartPatch(new Date());
    const options = conn.k8s.setHeaderOptions("Content-Type", conn.k8s.PatchStrategy.StrategicMergePatch);
    const req = { name: w.name, namespace: w.namespace, body };
    try {
        if (kind === "Deployment") await conn.apps.patchNamespacedDeployment(req, options);
        else if (kind === "StatefulSet") await conn.apps.patchNamespacedStatefulSet(req, options);
        else await conn.apps.patchNamespacedDaemonSet(req, options);
    } catch (error) {
        return result("failed", describeFailure(conn, `patching ${kind} ${w.namespace}/${w.name}`, error).message);
    }
    let last = "patched";
    while (clock.now() - started < timeoutMs) {
        try {
            const status = rolloutStatus(kind, await read(conn, kind, w.namespace, w.name));
            if (status.error !== undefined) return result("failed", status.error);
            if (status.done) return result("restarted", status.message);
            last = status.message;
        } catch (error) {
            return result("failed", (error as Error).message);
        }
        await clock.sleep(Math.min(POLL_MS, Math.max(0, timeoutMs - (clock.now() - started))));
    }
    return result("timed out", `rollout not complete after ${Math.round(timeoutMs / 1000)} s: ${last}`);
}

/** Restarts the workloads, at most `parallel` at a time, reporting each as it finishes. */
export async function restartAll(
    conn: Connection,
    workloads: StaleWorkload[],
    ownerRefs: Map<string, OwnerRef>,
    parallel: number,
    timeoutMs: number,
    progress: (r: RestartResult) => void,
    clock: Clock = WALL_CLOCK,
): Promise<RestartResult[]> {
    const results: RestartResult[] = new Array<RestartResult>(workloads.length);
    let next = 0;
    const worker = async () => {
        while (next < workloads.length) {
            const i = next++;
            results[i] = await restartOne(
                conn,
                workloads[i],
                timeoutMs,
                ownerRefs.get(workloadKey(workloads[i])),
                clock,
            );
            progress(results[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, workloads.length) }, worker));
    return results;
}

const label = (w: { namespace: string; kind: string; name: string }) => `${w.namespace} ${w.kind}/${w.name}`;

export async function runRestart(argv: string[], io: LiveIo, clock: Clock = WALL_CLOCK): Promise<number> {
    const args = parseLiveArgs(argv, "restart");
    if (args.help) {
        io.stdout.write(`${RESTART_HELP}\n`);
        return 0;
    }
    // Every line names objects of the cluster: their control characters are shown escaped.
    const log = (line: string) => (args.json ? io.stderr : io.stdout).write(`${printable(line)}\n`);
    const conn = await connect(args);
    for (const warning of conn.warnings) io.stderr.write(`warning: ${warning}\n`);
    const before = await survey(conn, args.namespace);
    const restartable = before.stale.filter((w) => RESTARTABLE.has(w.kind));
    const untouched = before.stale.filter((w) => !RESTARTABLE.has(w.kind));
    let results: RestartResult[];
    if (args.dryRun) {
        results = restartable.map((w) => ({
            namespace: w.namespace,
            kind: w.kind,
            name: w.name,
            outcome: "would restart",
            message: w.reasons.join("; "),
            seconds: 0,
        }));
        for (const r of results) log(`would restart ${label(r)}: ${r.message}`);
    } else {
        if (restartable.length > 0)
            log(
                `restarting ${restartable.length} workload${restartable.length === 1 ? "" : "s"}, at most ${args.maxUnavailable} at a time, waiting up to ${args.timeout} s for each`,
            );
        results = await restartAll(
            conn,
            restartable,
            before.ownerRefs,
            args.maxUnavailable,
            args.timeout * 1000,
            (r) => log(`${r.outcome} ${label(r)} (${r.seconds} s): ${r.message}`),
            clock,
        );
    }
    const after: Survey = args.dryRun || restartable.length === 0 ? before : await survey(conn, args.namespace);
    const stillStale = after.stale;
    const incomplete = results.filter((r) => r.outcome !== "restarted" && r.outcome !== "would restart");
    if (args.json) {
        io.stdout.write(
            `${jsonText({
                context: conn.context,
                server: conn.server,
                dryRun: args.dryRun,
                restarts: results,
                untouched: untouched.map((w) => ({ ...w, advice: adviceFor(w.kind) })),
                stillStale,
                problems: after.problems,
                before: summary(before),
                after: summary(after),
            })}\n`,
        );
    } else {
        const out: string[] = [];
        if (before.stale.length === 0) out.push("nothing stale: no workload to restart");
        if (untouched.length > 0) {
            out.push(`not touched (${untouched.length}):`);
            for (const w of untouched) out.push(`  ${label(w)}: ${w.reasons.join("; ")}; ${adviceFor(w.kind)}`);
        }
        for (const p of after.problems) out.push(`problem: ${p}`);
        if (args.dryRun) {
            if (restartable.length > 0)
                out.push(`dry run: ${restartable.length} workload(s) would be restarted; nothing was changed`);
        } else if (restartable.length > 0) {
            const done = results.filter((r) => r.outcome === "restarted").length;
            out.push(
                `restarted ${done} of ${restartable.length}${incomplete.length > 0 ? `; not complete: ${incomplete.map(label).join(", ")}` : ""}`,
            );
            if (stillStale.length === 0) out.push("after the restart nothing is stale");
            else {
                out.push(`still stale after the restart (${stillStale.length}):`);
                for (const w of stillStale)
                    out.push(`  ${label(w)} (${w.pods} pod${w.pods === 1 ? "" : "s"}): ${w.reasons.join("; ")}`);
            }
        }
        if (out.length > 0) io.stdout.write(`${out.map(printable).join("\n")}\n`);
    }
    return stillStale.length > 0 || after.problems.length > 0 || incomplete.length > 0 ? 1 : 0;
}
