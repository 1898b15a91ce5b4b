/**
 * What the cluster looked like when a spec failed: the fake node's conditions and taints, every pod and
 * Deployment that is not ready (with the reason the API server gives), the latest warning events, and the last
 * lines of the control plane's logs. Printed under the failure, so that a failure in CI, whose cluster is gone
 * when anyone reads it, explains itself.
 */
import { kubectl } from "./kubectl";
import { logTail } from "./processes";

interface Condition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
}

interface Item {
    metadata: { name: string; namespace?: string; deletionTimestamp?: string };
    spec?: { nodeName?: string; taints?: Array<{ key: string; effect: string }>; replicas?: number };
    status?: {
        phase?: string;
        conditions?: Condition[];
        readyReplicas?: number;
        replicas?: number;
        collisionCount?: number;
    };
}

function items(args: string[]): Item[] | string {
    const res = kubectl([...args, "-o", "json"]);
    if (res.status !== 0) return `(kubectl ${args.join(" ")}: ${res.stderr.trim().split("\n")[0]})`;
    try {
        return (JSON.parse(res.stdout) as { items: Item[] }).items;
    } catch {
        return "(unreadable answer)";
    }
}

const where = (i: Item) => (i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name);
const conditions = (c: Condition[] | undefined) =>
    (c ?? []).map((x) => `${x.type}=${x.status}${x.reason ? `(${x.reason})` : ""}`).join(" ");

/** The snapshot as lines of text (never throws: a dead API server is itself what it reports). */
export function clusterSnapshot(): string {
    const out: string[] = [];
    const nodes = items(["get", "nodes"]);
    if (typeof nodes === "string") return `cluster snapshot: ${nodes}`;
    for (const n of nodes) {
        const taints = (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).join(",") || "none";
        const lease = kubectl([
            "get",
            "lease",
            n.metadata.name,
            "-n",
            "kube-node-lease",
            "-o",
            "jsonpath={.spec.renewTime}",
        ]);
        const renewed = lease.status === 0 ? lease.stdout.trim() || "never" : "no lease";
        out.push(
            `node ${n.metadata.name}: ${conditions(n.status?.conditions)}; taints ${taints}; lease renewed ${renewed} (now ${new Date().toISOString()})`,
        );
    }
    const deployments = items(["get", "deployments", "-A"]);
    for (const d of typeof deployments === "string" ? [] : deployments) {
        const want = d.spec?.replicas ?? 1;
        if ((d.status?.readyReplicas ?? 0) >= want) continue;
        out.push(
            `deployment ${where(d)}: ${d.status?.readyReplicas ?? 0}/${want} ready, collisions ${d.status?.collisionCount ?? 0}; ${conditions(d.status?.conditions)}`,
        );
    }
    const pods = items(["get", "pods", "-A"]);
    for (const p of typeof pods === "string" ? [] : pods) {
        const ready = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
        if (ready || p.status?.phase === "Succeeded") continue;
        out.push(
            `pod ${where(p)}: ${p.status?.phase ?? "?"} on ${p.spec?.nodeName ?? "no node"}${p.metadata.deletionTimestamp ? " (deleting)" : ""}; ${conditions(p.status?.conditions)}`,
        );
    }
    const events = kubectl([
        "get",
        "events",
        "-A",
        "--field-selector=type=Warning",
        "--sort-by=.lastTimestamp",
        "-o",
        "custom-columns=NS:.metadata.namespace,OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message",
        "--no-headers",
    ]);
    const warnings = events.stdout.trim().split("\n").filter(Boolean).slice(-12);
    for (const e of warnings) out.push(`event ${e.slice(0, 300)}`);
    for (const name of ["kube-controller-manager", "kube-scheduler", "kwok"]) {
        out.push(
            `log ${name} (last lines):`,
            ...logTail(name, 6)
                .split("\n")
                .map((l) => `  ${l.slice(0, 300)}`),
        );
    }
    return out.map((l) => `    ${l}`).join("\n");
}
