/**
 * One look at the cluster: which namespaces are meshed and what they select, and every pod there judged by
 * classify.ts. Pods arrive a page at a time; each page's Jobs and unnamed ReplicaSets are read for their
 * controllers, the page is reduced to small reports and dropped, so memory grows with the report only.
 */
import {
    classifyPod,
    controllerOf,
    OwnerRef,
    namespaceSelection,
    OwnerIndex,
    ownerToRead,
    PodLike,
    PodReport,
    revisionIndex,
    Selection,
    StaleWorkload,
    staleWorkloads,
} from "../../components/live/classify";
import { Connection, injectionWebhooks, namespaces, PAGE_SIZE, pods, readOwners } from "../../components/live/cluster";

export interface NamespaceReport {
    name: string;
    selection: Selection;
    pods: PodReport[];
}

export interface Survey {
    context: string;
    server: string;
    /** false when the webhook configurations could not be read (namespace values are then taken as revisions) */
    webhooksRead: boolean;
    namespaces: NamespaceReport[];
    stale: StaleWorkload[];
    /** namespaces whose label no control plane serves */
    problems: string[];
    /** For each stale workload (workloadKey), the controller reference of one of its stale pods: what `restart`
     *  checks the live objects' UIDs against before it patches anything. */
    ownerRefs: Map<string, OwnerRef>;
}

/** The key of a workload in Survey.ownerRefs. */
export function workloadKey(w: { namespace: string; kind: string; name: string }): string {
    return `${w.namespace}/${w.kind}/${w.name}`;
}

/** Below this many meshed namespaces their pods are listed namespace by namespace, else cluster-wide. */
const PER_NAMESPACE_BELOW = 8;

export async function survey(conn: Connection, only?: string): Promise<Survey> {
    const [all, webhooks] = await Promise.all([namespaces(conn, only), injectionWebhooks(conn)]);
    const index = revisionIndex(webhooks);
    const meshed = new Map<string, NamespaceReport>();
    for (const ns of all) {
        const selection = namespaceSelection(ns.labels, index);
        if (selection !== undefined) meshed.set(ns.name, { name: ns.name, selection, pods: [] });
    }
    const owners: OwnerIndex = new Map();
    const ownerRefs = new Map<string, OwnerRef>();
    let batch: PodLike[] = [];
    const flush = async () => {
        const needed = batch.map(ownerToRead).filter((n) => n !== undefined);
        if (needed.length > 0) await readOwners(conn, needed, owners);
        for (const pod of batch) {
            const report = meshed.get(pod.metadata?.namespace ?? "");
            if (report === undefined) continue;
            const judged = classifyPod(pod, report.selection, owners);
            report.pods.push(judged);
            const ref = controllerOf(pod.metadata);
            const key = workloadKey({ namespace: judged.namespace, ...judged.owner });
            if (judged.state === "stale" && ref !== undefined && !ownerRefs.has(key)) ownerRefs.set(key, ref);
        }
        batch = [];
    };
    const sources =
        only !== undefined || meshed.size < PER_NAMESPACE_BELOW
            ? [...meshed.keys()].map((ns) => pods(conn, ns))
            : [pods(conn)];
    for (const source of sources) {
        for await (const pod of source) {
            if (!meshed.has(pod.metadata?.namespace ?? "")) continue;
            batch.push(pod);
            if (batch.length >= PAGE_SIZE) await flush();
        }
        await flush();
    }
    const reports = [...meshed.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const r of reports) r.pods.sort((a, b) => a.name.localeCompare(b.name));
    const problems = reports
        .filter((r) => r.selection.problem !== undefined)
        .map((r) => `namespace ${r.name}: ${r.selection.problem}`);
    return {
        context: conn.context,
        server: conn.server,
        webhooksRead: webhooks !== undefined,
        namespaces: reports,
        stale: staleWorkloads(reports.flatMap((r) => r.pods)),
        problems,
        ownerRefs,
    };
}

export function summary(s: Survey) {
    const counts = {
        namespaces: s.namespaces.length,
        pods: 0,
        ok: 0,
        optOut: 0,
        stale: 0,
        finished: 0,
        terminating: 0,
        unjudged: 0,
    };
    for (const ns of s.namespaces)
        for (const p of ns.pods) {
            counts.pods++;
            if (p.state === "opt-out") counts.optOut++;
            else counts[p.state]++;
        }
    return { ...counts, staleWorkloads: s.stale.length };
}

/** What the namespace selects, as a person reads it: `istio.io/rev=prod-stable: tag prod-stable → revision 1-28-1`. */
export function describeSelection(sel: Selection): string {
    const label = `${sel.label}=${sel.value}`;
    if (sel.revision === undefined) return `${label}: ${sel.problem ?? "no revision"}`;
    if (sel.tag !== undefined) return `${label}: tag ${sel.tag} → revision ${sel.revision}`;
    return `${label}: revision ${sel.revision}`;
}

/** The survey as one JSON object (`--json`). */
export function surveyJson(s: Survey) {
    return {
        context: s.context,
        server: s.server,
        webhooksRead: s.webhooksRead,
        namespaces: s.namespaces.map((ns) => ({
            name: ns.name,
            label: ns.selection.label,
            value: ns.selection.value,
            tag: ns.selection.tag ?? null,
            revision: ns.selection.revision ?? null,
            problem: ns.selection.problem ?? null,
            pods: ns.pods.map((p) => ({
                name: p.name,
                mode: p.mode,
                role: p.role,
                revision: p.revision ?? null,
                owner: p.owner,
                state: p.state,
                optOut: p.optOut ?? null,
                reason: p.reason ?? null,
            })),
        })),
        stale: s.stale,
        problems: s.problems,
        summary: summary(s),
    };
}

function table(rows: string[][]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) =>
        r
            .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
            .join("  ")
            .trimEnd(),
    );
}

/** The survey as a person reads it: a block per namespace, a table of its pods, then the stale workloads. */
export function surveyText(s: Survey): string {
    const out: string[] = [`context ${s.context}, API server ${s.server}`];
    if (!s.webhooksRead)
        out.push(
            "note: the MutatingWebhookConfigurations could not be read (forbidden): namespace labels are taken as revisions, tags cannot be resolved",
        );
    if (s.namespaces.length === 0)
        out.push("", "no meshed namespace (none labelled istio.io/rev or istio-injection=enabled)");
    for (const ns of s.namespaces) {
        out.push("", `namespace ${ns.name}  ${describeSelection(ns.selection)}`);
        if (ns.pods.length === 0) {
            out.push("  (no pods)");
            continue;
        }
        const rows = [["POD", "MODE", "REVISION", "OWNER", "STATE"]];
        for (const p of ns.pods) {
            const state =
                p.state === "stale" || p.state === "unjudged"
                    ? `${p.state}: ${p.reason ?? ""}`
                    : p.state === "opt-out"
                      ? `opt-out: ${p.optOut ?? ""}`
                      : p.state;
            const mode = p.role === "sidecar" ? p.mode : `${p.mode} (${p.role})`;
            rows.push([p.name, mode, p.revision ?? "-", `${p.owner.kind}/${p.owner.name}`, state]);
        }
        out.push(...table(rows).map((line) => `  ${line}`));
    }
    const c = summary(s);
    out.push(
        "",
        `${c.namespaces} meshed namespace${c.namespaces === 1 ? "" : "s"}, ${c.pods} pod${c.pods === 1 ? "" : "s"}: ${c.ok} ok, ${c.optOut} opted out, ${c.stale} stale, ${c.finished} finished, ${c.terminating} terminating, ${c.unjudged} unjudged`,
    );
    for (const p of s.problems) out.push(`problem: ${p}`);
    if (s.stale.length > 0) {
        out.push(`stale workloads (${s.stale.length}):`);
        for (const w of s.stale)
            out.push(
                `  ${w.namespace} ${w.kind}/${w.name} (${w.pods} pod${w.pods === 1 ? "" : "s"}): ${w.reasons.join("; ")}`,
            );
    } else if (s.problems.length === 0)
        out.push("every pod has the native sidecar of its namespace's revision (or opted out)");
    return `${out.join("\n")}\n`;
}
