/**
 * `kubectl rollout restart` and `kubectl rollout status`, for Deployments, StatefulSets and DaemonSets. Pure:
 * the patch to send, and whether a rollout is complete, from the object as the API server returns it.
 *
 * kubernetes/kubectl (v0.34), `pkg/polymorphichelpers/objectrestarter.go`: restart sets the pod-template
 * annotation `kubectl.kubernetes.io/restartedAt` to `time.Now().Format(time.RFC3339)` (a paused Deployment is
 * refused: "can't restart paused deployment (run rollout resume first)"), sent as a strategic merge patch
 * (`pkg/cmd/rollout/rollout_restart.go`). `pkg/polymorphichelpers/rollout_status.go`: the status viewers below
 * follow DeploymentStatusViewer, DaemonSetStatusViewer and StatefulSetStatusViewer line by line.
 */

export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** RFC 3339 to the second, as Go's time.RFC3339 prints it (in UTC). */
export function rfc3339(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The strategic merge patch `kubectl rollout restart` sends. */
export function restartPatch(at: Date): { spec: { template: { metadata: { annotations: Record<string, string> } } } } {
    return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339(at) } } } } };
}

interface Meta {
    name?: string;
    generation?: number;
}

export interface DeploymentLike {
    metadata?: Meta;
    spec?: { replicas?: number; paused?: boolean };
    status?: {
        observedGeneration?: number;
        replicas?: number;
        updatedReplicas?: number;
        availableReplicas?: number;
        conditions?: Array<{ type: string; reason?: string }>;
    };
}

export interface DaemonSetLike {
    metadata?: Meta;
    spec?: { updateStrategy?: { type?: string } };
    status?: {
        observedGeneration?: number;
        desiredNumberScheduled?: number;
        updatedNumberScheduled?: number;
        numberAvailable?: number;
    };
}

export interface StatefulSetLike {
    metadata?: Meta;
    spec?: { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
    status?: {
        observedGeneration?: number;
        readyReplicas?: number;
        updatedReplicas?: number;
        currentReplicas?: number;
        updateRevision?: string;
        currentRevision?: string;
    };
}

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

/** done: complete; error: it will not complete (kubectl fails `rollout status` then); else a waiting message. */
export interface RolloutStatus {
    done: boolean;
    message: string;
    error?: string;
}

const n = (v: number | undefined) => v ?? 0;

export function deploymentStatus(d: DeploymentLike): RolloutStatus {
    const name = d.metadata?.name ?? "";
    const st = d.status ?? {};
    if (n(d.metadata?.generation) <= n(st.observedGeneration)) {
        // deploymentutil.TimedOutReason
        const progressing = st.conditions?.find((c) => c.type === "Progressing");
        if (progressing?.reason === "ProgressDeadlineExceeded")
            return { done: false, message: "", error: `deployment "${name}" exceeded its progress deadline` };
        const replicas = d.spec?.replicas;
        if (replicas !== undefined && n(st.updatedReplicas) < replicas)
            return {
                done: false,
                message: `${n(st.updatedReplicas)} out of ${replicas} new replicas have been updated`,
            };
        if (n(st.replicas) > n(st.updatedReplicas))
            return {
                done: false,
                message: `${n(st.replicas) - n(st.updatedReplicas)} old replicas are pending termination`,
            };
        if (n(st.availableReplicas) < n(st.updatedReplicas))
            return {
                done: false,
                message: `${n(st.availableReplicas)} of ${n(st.updatedReplicas)} updated replicas are available`,
            };
        return { done: true, message: `deployment "${name}" successfully rolled out` };
    }
    return { done: false, message: "waiting for deployment spec update to be observed" };
}

export function daemonSetStatus(ds: DaemonSetLike): RolloutStatus {
    const name = ds.metadata?.name ?? "";
    const st = ds.status ?? {};
    // The API server defaults the strategy to RollingUpdate.
    const type = ds.spec?.updateStrategy?.type ?? "RollingUpdate";
    if (type !== "RollingUpdate")
        return { done: true, message: "", error: "rollout status is only available for RollingUpdate strategy type" };
    if (n(ds.metadata?.generation) <= n(st.observedGeneration)) {
        if (n(st.updatedNumberScheduled) < n(st.desiredNumberScheduled))
            return {
                done: false,
                message: `${n(st.updatedNumberScheduled)} out of ${n(st.desiredNumberScheduled)} new pods have been updated`,
            };
        if (n(st.numberAvailable) < n(st.desiredNumberScheduled))
            return {
                done: false,
                message: `${n(st.numberAvailable)} of ${n(st.desiredNumberScheduled)} updated pods are available`,
            };
        return { done: true, message: `daemon set "${name}" successfully rolled out` };
    }
    return { done: false, message: "waiting for daemon set spec update to be observed" };
}

export function statefulSetStatus(sts: StatefulSetLike): RolloutStatus {
    const st = sts.status ?? {};
    const strategy = sts.spec?.updateStrategy;
    const type = strategy?.type ?? "RollingUpdate";
    if (type !== "RollingUpdate")
        return { done: true, message: "", error: "rollout status is only available for RollingUpdate strategy type" };
    if (n(st.observedGeneration) === 0 || n(sts.metadata?.generation) > n(st.observedGeneration))
        return { done: false, message: "waiting for statefulset spec update to be observed" };
    const replicas = sts.spec?.replicas;
    if (replicas !== undefined && n(st.readyReplicas) < replicas)
        return { done: false, message: `waiting for ${replicas - n(st.readyReplicas)} pods to be ready` };
    if (strategy?.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
        const partition = strategy.rollingUpdate.partition;
        if (replicas !== undefined && partition !== undefined && partition !== null) {
            if (n(st.updatedReplicas) < replicas - partition)
                return {
                    done: false,
                    message: `partitioned roll out: ${n(st.updatedReplicas)} out of ${replicas - partition} new pods have been updated`,
                };
        }
        return {
            done: true,
            message: `partitioned roll out complete: ${n(st.updatedReplicas)} new pods have been updated`,
        };
    }
    if (st.updateRevision !== st.currentRevision)
        return {
            done: false,
            message: `waiting for statefulset rolling update to complete ${n(st.updatedReplicas)} pods at revision ${st.updateRevision}`,
        };
    return {
        done: true,
        message: `statefulset rolling update complete ${n(st.currentReplicas)} pods at revision ${st.currentRevision}`,
    };
}

/**
 * Why a workload cannot be restarted the kubectl way, or undefined. A paused Deployment is refused as kubectl
 * refuses it; an OnDelete StatefulSet or DaemonSet would take the patch but re-create no pod (and kubectl's
 * status viewers refuse it).
 */
export function cannotRestart(
    kind: WorkloadKind,
    obj: DeploymentLike | StatefulSetLike | DaemonSetLike,
): string | undefined {
    if (kind === "Deployment" && (obj as DeploymentLike).spec?.paused === true)
        return "paused: run `kubectl rollout resume` first (kubectl refuses to restart a paused Deployment too)";
    if (kind !== "Deployment") {
        const type = (obj as StatefulSetLike | DaemonSetLike).spec?.updateStrategy?.type;
        if (type !== undefined && type !== "RollingUpdate")
            return `update strategy ${type}: a restart would re-create no pod; delete its pods one at a time`;
    }
    return undefined;
}

export function rolloutStatus(
    kind: WorkloadKind,
    obj: DeploymentLike | StatefulSetLike | DaemonSetLike,
): RolloutStatus {
    if (kind === "Deployment") return deploymentStatus(obj as DeploymentLike);
    if (kind === "StatefulSet") return statefulSetStatus(obj as StatefulSetLike);
    return daemonSetStatus(obj as DaemonSetLike);
}
