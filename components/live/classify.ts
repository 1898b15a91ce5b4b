/**
 * What a running pod got from Istio's injector, and whether that is what its namespace asks for now. Pure: it
 * reads objects as the API server returns them (plain JSON or @kubernetes/client-node's models, whose field
 * names are the same) and never calls the cluster.
 *
 * Upstream facts this follows (istio/istio, release-1.31):
 * - `pkg/kube/inject/webhook.go` writes `sidecar.istio.io/status`, whose JSON has `"revision"`, on every
 *   injection whatever the template; the templates' own `istio.io/rev` pod annotation
 *   (`files/injection-template.yaml`: `{{ .Revision | default "default" }}`) is read where there is no status:
 *   on waypoints and Gateway API gateways, which istiod renders rather than injects (templates.ts).
 * - Which template a pod was injected with decides what is expected of it: native mode for the `sidecar`
 *   template only; a regular proxy for the gateway template, and a revision only for waypoints (templates.ts).
 * - Native mode puts `istio-proxy` in `spec.initContainers` with `restartPolicy: Always`; regular mode in
 *   `spec.containers` (`pkg/kube/inject/inject.go`, the `sidecar.istio.io/nativeSidecar` annotation wins over
 *   the mesh-wide `ENABLE_NATIVE_SIDECARS`).
 * - `injectRequired` (`pkg/kube/inject/inject.go`): hostNetwork pods are never injected; the
 *   `sidecar.istio.io/inject` label wins over the annotation of the same name, and `"false"` turns injection off.
 *   (Istio 1.31 falls back to the namespace's default for any value but "true"/"false"; older releases read
 *   y/yes/true/on as on and anything else as off, so only "false" is read as an opt-out here.)
 * - `templates/mutatingwebhook.yaml` and `templates/revision-tags-mwc.yaml`: the webhook configurations carry
 *   `istio.io/rev: <revision, or "default">`, a tag's also `istio.io/tag: <tag>`; a namespace's `istio.io/rev`
 *   names a revision or a tag and is ignored when `istio-injection` is present; `istio-injection=enabled` is
 *   served by the webhooks named `namespace.sidecar-injector.istio.io`, which only the default revision (a
 *   release without a revision) and the tag `default` render.
 */

import { describeRole, proxyRole } from "./templates";

export type ProxyMode = "native" | "regular" | "none";

export interface OwnerRef {
    apiVersion?: string;
    kind: string;
    name: string;
    /** The owner's metadata.uid: which object of that name is meant (a new one of the same name is another). */
    uid?: string;
    controller?: boolean;
}

export interface Meta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerRef[];
    deletionTimestamp?: unknown;
}

export interface PodLike {
    metadata?: Meta;
    spec?: {
        hostNetwork?: boolean;
        initContainers?: Array<{ name: string; restartPolicy?: string }>;
        containers?: Array<{ name: string }>;
    };
    status?: { phase?: string };
}

export interface WebhookConfigLike {
    metadata?: Meta;
    webhooks?: Array<{ name: string }>;
}

export const REV_LABEL = "istio.io/rev";
export const TAG_LABEL = "istio.io/tag";
export const INJECTION_LABEL = "istio-injection";
export const INJECT_KEY = "sidecar.istio.io/inject";
export const NATIVE_ANNOTATION = "sidecar.istio.io/nativeSidecar";
export const STATUS_ANNOTATION = "sidecar.istio.io/status";
const DEFAULT_NAMESPACE_WEBHOOK = "namespace.sidecar-injector.istio.io";

/** Where the injector put istio-proxy. */
export function proxyMode(pod: PodLike): ProxyMode {
    const init = pod.spec?.initContainers?.find((c) => c.name === "istio-proxy");
    if (init?.restartPolicy === "Always") return "native";
    if (pod.spec?.containers?.some((c) => c.name === "istio-proxy")) return "regular";
    // An istio-proxy init container without restartPolicy Always would block the pod; count it as regular.
    if (init !== undefined) return "regular";
    return "none";
}

/** The revision that injected (or rendered) the pod: `sidecar.istio.io/status`'s, which the injector writes on
 *  every injection whatever the template, else the `istio.io/rev` annotation (waypoints, Gateway API gateways). */
export function injectedRevision(pod: PodLike): string | undefined {
    const annotations = pod.metadata?.annotations ?? {};
    const status = annotations[STATUS_ANNOTATION];
    if (status) {
        try {
            const parsed = JSON.parse(status) as { revision?: unknown };
            if (typeof parsed.revision === "string" && parsed.revision !== "") return parsed.revision;
        } catch {
            // An unreadable status: the annotation, if any, says it.
        }
    }
    const rev = annotations[REV_LABEL];
    return rev ? rev : undefined;
}

export interface OptOut {
    /** Injection is off for this pod: why, e.g. `label sidecar.istio.io/inject=false`. */
    injection?: string;
    /** The pod asks for a regular sidecar: `annotation sidecar.istio.io/nativeSidecar=false`. */
    native?: string;
}

export function optOut(pod: PodLike): OptOut {
    const labels = pod.metadata?.labels ?? {};
    const annotations = pod.metadata?.annotations ?? {};
    const result: OptOut = {};
    if (pod.spec?.hostNetwork === true) result.injection = "hostNetwork (never injected)";
    else if (INJECT_KEY in labels) {
        if (labels[INJECT_KEY] === "false") result.injection = `label ${INJECT_KEY}=false`;
    } else if (annotations[INJECT_KEY] === "false") result.injection = `annotation ${INJECT_KEY}=false`;
    if (annotations[NATIVE_ANNOTATION] === "false") result.native = `annotation ${NATIVE_ANNOTATION}=false`;
    return result;
}

export type OwnerKind = "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "Pod" | string;

export interface Owner {
    kind: OwnerKind;
    name: string;
}

/**
 * Controllers of ReplicaSets and Jobs, keyed `kind/namespace/name` (ownerKey); `null` marks one known to have
 * no controller.
 */
export type OwnerIndex = Map<string, Owner | null>;

export function ownerKey(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
}

/** The reference to an object's controller (or its only owner). */
export function controllerOf(meta: Meta | undefined): OwnerRef | undefined {
    const refs = meta?.ownerReferences ?? [];
    return refs.find((r) => r.controller === true) ?? (refs.length === 1 ? refs[0] : undefined);
}

/** The controller of an object, for an OwnerIndex. */
export function controllerOwner(meta: Meta | undefined): Owner | null {
    const ref = controllerOf(meta);
    return ref === undefined ? null : { kind: ref.kind, name: ref.name };
}

/**
 * The ReplicaSet or Job whose controller podOwner needs from the cluster: a Job (its CronJob, if any), or a
 * ReplicaSet whose name does not follow the Deployment controller's naming. undefined: nothing to read.
 */
export function ownerToRead(pod: PodLike): { kind: string; namespace: string; name: string } | undefined {
    const ref = controllerOf(pod.metadata);
    const namespace = pod.metadata?.namespace ?? "";
    if (ref?.kind === "Job") return { kind: "Job", namespace, name: ref.name };
    if (ref?.kind === "ReplicaSet") {
        const hash = pod.metadata?.labels?.["pod-template-hash"];
        if (!(hash && ref.name.endsWith(`-${hash}`))) return { kind: "ReplicaSet", namespace, name: ref.name };
    }
    return undefined;
}

/**
 * The workload a pod belongs to: Deployment (through its ReplicaSet), StatefulSet, DaemonSet, Job, CronJob
 * (through its Job), a ReplicaSet or Job of its own, or the Pod itself. A ReplicaSet not in the index is read by
 * the Deployment controller's naming, `<deployment>-<pod-template-hash>` (kubernetes
 * `pkg/controller/deployment/sync.go`, getNewReplicaSet).
 */
export function podOwner(pod: PodLike, owners: OwnerIndex = new Map()): Owner {
    const ns = pod.metadata?.namespace ?? "";
    const ref = controllerOf(pod.metadata);
    if (ref === undefined) return { kind: "Pod", name: pod.metadata?.name ?? "" };
    if (ref.kind === "ReplicaSet" || ref.kind === "Job") {
        const key = ownerKey(ref.kind, ns, ref.name);
        if (owners.has(key)) {
            const parent = owners.get(key);
            if (parent === null || parent === undefined) return { kind: ref.kind, name: ref.name };
            if (ref.kind === "ReplicaSet" && parent.kind === "Deployment") return parent;
            if (ref.kind === "Job" && parent.kind === "CronJob") return parent;
            return { kind: ref.kind, name: ref.name };
        }
        const hash = pod.metadata?.labels?.["pod-template-hash"];
        if (ref.kind === "ReplicaSet" && hash && ref.name.endsWith(`-${hash}`))
            return { kind: "Deployment", name: ref.name.slice(0, -hash.length - 1) };
    }
    return { kind: ref.kind, name: ref.name };
}

/** Revisions and tags as the injection webhooks describe them. */
export interface RevisionIndex {
    /** tag → revision */
    tags: Map<string, string>;
    /** revisions with a webhook of their own (not a tag's) */
    revisions: Set<string>;
    /** the revision serving `istio-injection=enabled`, and by what */
    injectionEnabled?: { revision: string; via: string };
    /** false when the webhooks could not be read (then a namespace's value is taken as a revision) */
    known: boolean;
}

export function revisionIndex(webhooks: WebhookConfigLike[] | undefined): RevisionIndex {
    const index: RevisionIndex = { tags: new Map(), revisions: new Set(), known: webhooks !== undefined };
    let defaultRevision: string | undefined;
    for (const mwc of webhooks ?? []) {
        const labels = mwc.metadata?.labels ?? {};
        const rev = labels[REV_LABEL];
        if (!rev) continue;
        const tag = labels[TAG_LABEL];
        if (tag) index.tags.set(tag, rev);
        else {
            index.revisions.add(rev);
            if (mwc.webhooks?.some((w) => w.name === DEFAULT_NAMESPACE_WEBHOOK)) defaultRevision = rev;
        }
    }
    const defaultTag = index.tags.get("default");
    if (defaultTag !== undefined) index.injectionEnabled = { revision: defaultTag, via: "tag default" };
    else if (defaultRevision !== undefined)
        index.injectionEnabled = { revision: defaultRevision, via: "the default revision" };
    return index;
}

/** What a meshed namespace selects. */
export interface Selection {
    label: typeof REV_LABEL | typeof INJECTION_LABEL;
    value: string;
    /** set when the value is a revision tag */
    tag?: string;
    /** the revision whose istiod injects new pods; absent when nothing serves the label */
    revision?: string;
    /** why no revision could be named */
    problem?: string;
}

/** undefined: not meshed (no label, or `istio-injection` other than `enabled`). */
export function namespaceSelection(
    labels: Record<string, string> | undefined,
    index: RevisionIndex,
): Selection | undefined {
    const l = labels ?? {};
    if (INJECTION_LABEL in l) {
        // The revision webhooks require istio-injection to be absent, so this label wins.
        if (l[INJECTION_LABEL] !== "enabled") return undefined;
        const sel: Selection = { label: INJECTION_LABEL, value: "enabled" };
        if (index.injectionEnabled !== undefined) {
            sel.revision = index.injectionEnabled.revision;
            if (index.injectionEnabled.via === "tag default") sel.tag = "default";
        } else
            sel.problem = index.known
                ? "no webhook serves istio-injection=enabled (no tag `default` and no default revision)"
                : "the webhooks could not be read, so the revision behind istio-injection=enabled is unknown";
        return sel;
    }
    const value = l[REV_LABEL];
    if (value === undefined || value === "") return undefined;
    const sel: Selection = { label: REV_LABEL, value };
    const tagged = index.tags.get(value);
    if (tagged !== undefined) {
        sel.tag = value;
        sel.revision = tagged;
    } else if (index.revisions.has(value) || !index.known) sel.revision = value;
    else sel.problem = `no webhook serves istio.io/rev=${value} (neither a revision nor a tag)`;
    return sel;
}

export type PodState = "ok" | "opt-out" | "stale" | "finished" | "terminating" | "unjudged";

export interface PodReport {
    namespace: string;
    name: string;
    mode: ProxyMode;
    /** the template Istio meant for it: `sidecar`, `gateway template`, `waypoint`... (templates.ts) */
    role: string;
    /** the revision that injected it */
    revision?: string;
    owner: Owner;
    optOut?: string;
    state: PodState;
    /** why stale (or unjudged) */
    reason?: string;
}

/**
 * A pod judged against its namespace's selection: stale when it lacks the native sidecar of the revision the
 * namespace selects now. Finished and terminating pods are listed but not judged (re-creating them gives
 * nothing), nor are pods of a namespace whose selection names no revision.
 */
export function classifyPod(pod: PodLike, selection: Selection, owners?: OwnerIndex): PodReport {
    const mode = proxyMode(pod);
    const revision = mode === "none" ? undefined : injectedRevision(pod);
    const role = proxyRole(pod);
    const report: PodReport = {
        namespace: pod.metadata?.namespace ?? "",
        name: pod.metadata?.name ?? "",
        mode,
        role: describeRole(role),
        // istiod re-renders a waypoint or Gateway API gateway from its Gateway: that is what to act on.
        owner:
            role.kind === "managed" && role.gateway ? { kind: "Gateway", name: role.gateway } : podOwner(pod, owners),
        state: "ok",
    };
    if (revision !== undefined) report.revision = revision;
    const opt = optOut(pod);
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) {
        report.state = "terminating";
        return report;
    }
    if (phase === "Succeeded" || phase === "Failed") {
        report.state = "finished";
        return report;
    }
    // A waypoint's `sidecar.istio.io/inject: "false"` says the pod is the proxy, not that it left the mesh.
    if (opt.injection !== undefined && role.kind !== "managed") {
        report.state = "opt-out";
        report.optOut = opt.injection;
        return report;
    }
    const want = selection.revision;
    if (want === undefined) {
        report.state = "unjudged";
        report.reason = selection.problem ?? "the namespace names no revision";
        return report;
    }
    if (role.kind !== "sidecar") return judgedByRevision(report, revision, want);
    const expected: ProxyMode = opt.native !== undefined ? "regular" : "native";
    if (mode === "none") return stale(report, `no istio-proxy: created before its namespace selected ${want}`);
    if (revision === undefined)
        return stale(report, `${mode} sidecar of an unknown revision; the namespace selects ${want}`);
    if (revision !== want)
        return stale(report, `${mode} sidecar from revision ${revision}; the namespace selects ${want}`);
    if (mode !== expected) {
        if (expected === "native")
            return stale(
                report,
                `regular sidecar from ${want}: injected before native sidecars were on (or that revision has them off)`,
            );
        return stale(report, `native sidecar, but the pod asks for a regular one (${opt.native})`);
    }
    if (opt.native !== undefined) {
        report.state = "opt-out";
        report.optOut = opt.native;
    }
    return report;
}

/** A pod of another template, a waypoint or a Gateway API gateway: its proxy is as its template makes it (a regular
 *  container), so only the revision behind it counts. */
function judgedByRevision(report: PodReport, revision: string | undefined, want: string): PodReport {
    const what = report.role === "sidecar" ? "proxy" : `${report.role} proxy`;
    if (report.mode === "none") return stale(report, `no istio-proxy: created before its namespace selected ${want}`);
    if (revision === undefined) return stale(report, `${what} of an unknown revision; the namespace selects ${want}`);
    if (revision !== want) return stale(report, `${what} from revision ${revision}; the namespace selects ${want}`);
    return report;
}

function stale(report: PodReport, reason: string): PodReport {
    report.state = "stale";
    report.reason = reason;
    return report;
}

export interface StaleWorkload {
    namespace: string;
    kind: OwnerKind;
    name: string;
    /** stale pods of this workload */
    pods: number;
    /** distinct reasons, in the order found */
    reasons: string[];
}

/** Stale pods grouped by their owning workload, sorted by namespace, kind and name. */
export function staleWorkloads(pods: Iterable<PodReport>): StaleWorkload[] {
    const byKey = new Map<string, StaleWorkload>();
    for (const p of pods) {
        if (p.state !== "stale") continue;
        const key = `${p.namespace}/${p.owner.kind}/${p.owner.name}`;
        let w = byKey.get(key);
        if (w === undefined) {
            w = { namespace: p.namespace, kind: p.owner.kind, name: p.owner.name, pods: 0, reasons: [] };
            byKey.set(key, w);
        }
        w.pods++;
        if (p.reason !== undefined && !w.reasons.includes(p.reason)) w.reasons.push(p.reason);
    }
    return [...byKey.values()].sort(
        (a, b) =>
            a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
}

/** Kinds `nativemesh restart` restarts, as `kubectl rollout restart` does. */
export const RESTARTABLE = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** What to do for a stale workload `restart` does not touch. */
export function adviceFor(kind: OwnerKind): string {
    switch (kind) {
        case "Job":
            return "a Job's pods are never restarted: let it finish, or delete it and create it again";
        case "CronJob":
            return "its next scheduled Job gets the new sidecar; delete a running Job to stop it sooner";
        case "Pod":
            return "a bare Pod: delete it and create it again from its manifest";
        case "ReplicaSet":
            return "a ReplicaSet without a Deployment: delete its pods and it creates new ones";
        case "Gateway":
            return "istiod renders it from the Gateway, so a restart keeps its revision: label the Gateway (or its namespace) istio.io/rev with the revision, whose istiod then renders it again";
        default:
            return `owned by a ${kind}: restart it the way its controller allows`;
    }
}
