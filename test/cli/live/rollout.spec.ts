import * as assert from "node:assert/strict";
import {
    cannotRestart,
    daemonSetStatus,
    deploymentStatus,
    restartPatch,
    rfc3339,
    rolloutStatus,
    statefulSetStatus,
} from "../../../cli/live/rollout";

describe("live: kubectl rollout restart's patch", () => {
    it("sets kubectl.kubernetes.io/restartedAt on the pod template, RFC 3339 to the second", () => {
        const at = new Date("2026-12-01T18:22:40.123Z");
        assert.deepEqual(restartPatch(at), {
            spec: {
                template: {
                    metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-12-01T18:22:40Z" } },
                },
            },
        });
        assert.match(rfc3339(new Date()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
    it("refuses a paused Deployment and OnDelete StatefulSets and DaemonSets, as kubectl would", () => {
        assert.match(cannotRestart("Deployment", { spec: { paused: true } }) ?? "", /rollout resume/);
        assert.equal(cannotRestart("Deployment", { spec: { paused: false } }), undefined);
        assert.match(
            cannotRestart("StatefulSet", { spec: { updateStrategy: { type: "OnDelete" } } }) ?? "",
            /OnDelete/,
        );
        assert.match(cannotRestart("DaemonSet", { spec: { updateStrategy: { type: "OnDelete" } } }) ?? "", /OnDelete/);
        assert.equal(cannotRestart("DaemonSet", { spec: { updateStrategy: { type: "RollingUpdate" } } }), undefined);
    });
    it("reads each kind's own field only, and takes a strategy left out as apps/v1's default, RollingUpdate", () => {
        // apps/v1 defaults updateStrategy.type to RollingUpdate for StatefulSets and DaemonSets
        // (kubernetes/kubernetes pkg/apis/apps/v1/defaults.go); `paused` is a Deployment's field, `updateStrategy`
        // is not (a Deployment has `strategy`).
        assert.equal(cannotRestart("StatefulSet", { spec: {} }), undefined);
        assert.equal(cannotRestart("DaemonSet", {}), undefined);
        assert.equal(cannotRestart("StatefulSet", { spec: { paused: true } } as never), undefined);
        assert.equal(
            cannotRestart("Deployment", { spec: { updateStrategy: { type: "OnDelete" } } } as never),
            undefined,
        );
    });
});

describe("live: kubectl rollout status's logic", () => {
    const deployment = (generation: number, status: Record<string, unknown>, replicas = 2) => ({
        metadata: { name: "web", generation },
        spec: { replicas },
        status: { observedGeneration: 2, ...status },
    });
    it("Deployment: spec not observed, updating, old replicas, unavailable, done, deadline exceeded", () => {
        assert.equal(
            deploymentStatus(deployment(3, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).done,
            false,
        );
        assert.match(
            deploymentStatus(deployment(2, { replicas: 3, updatedReplicas: 1 })).message,
            /1 out of 2 new replicas/,
        );
        assert.match(
            deploymentStatus(deployment(2, { replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).message,
            /1 old replicas are pending termination/,
        );
        assert.match(
            deploymentStatus(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 1 })).message,
            /1 of 2 updated replicas are available/,
        );
        assert.deepEqual(deploymentStatus(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 })), {
            done: true,
            message: 'deployment "web" successfully rolled out',
        });
        const stuck = deploymentStatus(
            deployment(2, { conditions: [{ type: "Progressing", reason: "ProgressDeadlineExceeded" }] }),
        );
        assert.match(stuck.error ?? "", /exceeded its progress deadline/);
    });
    it("DaemonSet: updating, unavailable, done, OnDelete", () => {
        const ds = (status: Record<string, unknown>, type = "RollingUpdate") => ({
            metadata: { name: "agent", generation: 4 },
            spec: { updateStrategy: { type } },
            status: { observedGeneration: 4, desiredNumberScheduled: 3, ...status },
        });
        assert.match(daemonSetStatus(ds({ updatedNumberScheduled: 1 })).message, /1 out of 3 new pods/);
        assert.match(
            daemonSetStatus(ds({ updatedNumberScheduled: 3, numberAvailable: 2 })).message,
            /2 of 3 updated pods/,
        );
        assert.equal(daemonSetStatus(ds({ updatedNumberScheduled: 3, numberAvailable: 3 })).done, true);
        assert.equal(daemonSetStatus({ ...ds({}), metadata: { name: "agent", generation: 5 } }).done, false);
        assert.match(daemonSetStatus(ds({}, "OnDelete")).error ?? "", /only available for RollingUpdate/);
    });
    it("StatefulSet: not observed, not ready, partitioned, revisions", () => {
        const sts = (status: Record<string, unknown>, rollingUpdate?: { partition?: number }) => ({
            metadata: { name: "db", generation: 2 },
            spec: {
                replicas: 3,
                updateStrategy: { type: "RollingUpdate", ...(rollingUpdate ? { rollingUpdate } : {}) },
            },
            status: { observedGeneration: 2, readyReplicas: 3, ...status },
        });
        assert.equal(statefulSetStatus(sts({ observedGeneration: 0 })).done, false);
        assert.match(statefulSetStatus(sts({ readyReplicas: 1 })).message, /waiting for 2 pods to be ready/);
        assert.equal(statefulSetStatus(sts({ updatedReplicas: 2 }, { partition: 0 })).done, false);
        assert.equal(statefulSetStatus(sts({ updatedReplicas: 3 }, { partition: 0 })).done, true);
        assert.equal(statefulSetStatus(sts({ updatedReplicas: 2 }, { partition: 1 })).done, true);
        assert.equal(statefulSetStatus(sts({ updateRevision: "db-2", currentRevision: "db-1" })).done, false);
        assert.equal(statefulSetStatus(sts({ updateRevision: "db-2", currentRevision: "db-2" })).done, true);
    });
});

describe("live: kubectl rollout status's whole answers", () => {
    const ONLY_ROLLING = "rollout status is only available for RollingUpdate strategy type";
    const complete = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
    const web = (status: Record<string, unknown>, generation = 2) => ({
        metadata: { name: "web", generation },
        spec: { replicas: 2 },
        status: { ...complete, ...status },
    });

    it("Deployment: each waiting state is not done, with kubectl's message and no error", () => {
        assert.deepEqual(deploymentStatus(web({}, 3)), {
            done: false,
            message: "waiting for deployment spec update to be observed",
        });
        assert.deepEqual(deploymentStatus(web({ replicas: 3, updatedReplicas: 1 })), {
            done: false,
            message: "1 out of 2 new replicas have been updated",
        });
        assert.deepEqual(deploymentStatus(web({ replicas: 3 })), {
            done: false,
            message: "1 old replicas are pending termination",
        });
        assert.deepEqual(deploymentStatus(web({ availableReplicas: 1 })), {
            done: false,
            message: "1 of 2 updated replicas are available",
        });
    });

    it("Deployment: a Progressing condition past its deadline is an error, whatever other conditions come first", () => {
        const conditions = [
            { type: "Available", reason: "MinimumReplicasAvailable" },
            { type: "Progressing", reason: "ProgressDeadlineExceeded" },
        ];
        assert.deepEqual(deploymentStatus(web({ conditions })), {
            done: false,
            message: "",
            error: 'deployment "web" exceeded its progress deadline',
        });
    });

    it("Deployment: only the Progressing condition's reason counts, not another condition's", () => {
        const conditions = [
            { type: "ReplicaFailure", reason: "ProgressDeadlineExceeded" },
            { type: "Progressing", reason: "NewReplicaSetAvailable" },
        ];
        assert.deepEqual(deploymentStatus(web({ conditions })), {
            done: true,
            message: 'deployment "web" successfully rolled out',
        });
    });

    it("Deployment: one without a name, spec or status is complete under the empty name", () => {
        assert.deepEqual(deploymentStatus({}), { done: true, message: 'deployment "" successfully rolled out' });
    });

    const agent = (status: Record<string, unknown>, generation = 4, spec: Record<string, unknown> = {}) => ({
        metadata: { name: "agent", generation },
        spec,
        status: {
            observedGeneration: 4,
            desiredNumberScheduled: 3,
            updatedNumberScheduled: 3,
            numberAvailable: 3,
            ...status,
        },
    });

    it("DaemonSet: each waiting state is not done, with kubectl's message and no error", () => {
        assert.deepEqual(daemonSetStatus(agent({}, 5)), {
            done: false,
            message: "waiting for daemon set spec update to be observed",
        });
        assert.deepEqual(daemonSetStatus(agent({ updatedNumberScheduled: 1 })), {
            done: false,
            message: "1 out of 3 new pods have been updated",
        });
        assert.deepEqual(daemonSetStatus(agent({ numberAvailable: 2 })), {
            done: false,
            message: "2 of 3 updated pods are available",
        });
    });

    it("DaemonSet: without an update strategy it is RollingUpdate (the API server's default) and completes", () => {
        assert.deepEqual(daemonSetStatus(agent({})), {
            done: true,
            message: 'daemon set "agent" successfully rolled out',
        });
    });

    it("DaemonSet: OnDelete is done with kubectl's error and no message", () => {
        assert.deepEqual(daemonSetStatus(agent({}, 4, { updateStrategy: { type: "OnDelete" } })), {
            done: true,
            message: "",
            error: ONLY_ROLLING,
        });
    });

    it("DaemonSet: one without a name, spec or status is complete under the empty name", () => {
        assert.deepEqual(daemonSetStatus({}), { done: true, message: 'daemon set "" successfully rolled out' });
    });

    const db = (status: Record<string, unknown>, spec: Record<string, unknown> = { replicas: 3 }) => ({
        metadata: { name: "db", generation: 2 },
        spec,
        status: {
            observedGeneration: 2,
            readyReplicas: 3,
            updatedReplicas: 3,
            currentReplicas: 3,
            updateRevision: "db-2",
            currentRevision: "db-2",
            ...status,
        },
    });

    it("StatefulSet: without an update strategy it is RollingUpdate and waits for its revisions", () => {
        assert.deepEqual(statefulSetStatus(db({ updatedReplicas: 1, currentRevision: "db-1" })), {
            done: false,
            message: "waiting for statefulset rolling update to complete 1 pods at revision db-2",
        });
        assert.deepEqual(statefulSetStatus(db({})), {
            done: true,
            message: "statefulset rolling update complete 3 pods at revision db-2",
        });
    });

    it("StatefulSet: OnDelete is done with kubectl's error and no message", () => {
        assert.deepEqual(statefulSetStatus(db({}, { replicas: 3, updateStrategy: { type: "OnDelete" } })), {
            done: true,
            message: "",
            error: ONLY_ROLLING,
        });
    });

    it("StatefulSet: spec not observed, pods not ready, and a partitioned roll out, with kubectl's messages", () => {
        assert.deepEqual(statefulSetStatus({ ...db({}), metadata: { name: "db", generation: 3 } }), {
            done: false,
            message: "waiting for statefulset spec update to be observed",
        });
        assert.deepEqual(statefulSetStatus(db({ observedGeneration: 0 })), {
            done: false,
            message: "waiting for statefulset spec update to be observed",
        });
        // kubectl waits on a status never written even when the object names no generation either.
        assert.deepEqual(statefulSetStatus({ metadata: { name: "db" }, spec: { replicas: 1 } }), {
            done: false,
            message: "waiting for statefulset spec update to be observed",
        });
        assert.deepEqual(statefulSetStatus(db({ readyReplicas: 1 })), {
            done: false,
            message: "waiting for 2 pods to be ready",
        });
        const partitioned = { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } };
        assert.deepEqual(statefulSetStatus(db({ updatedReplicas: 1 }, partitioned)), {
            done: false,
            message: "partitioned roll out: 1 out of 2 new pods have been updated",
        });
        assert.deepEqual(statefulSetStatus(db({ updatedReplicas: 2, currentRevision: "db-1" }, partitioned)), {
            done: true,
            message: "partitioned roll out complete: 2 new pods have been updated",
        });
    });

    it("StatefulSet: a rollingUpdate or partition of null is as if absent", () => {
        assert.deepEqual(
            statefulSetStatus(
                db(
                    { currentRevision: "db-1" },
                    { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: null } },
                ),
            ),
            { done: false, message: "waiting for statefulset rolling update to complete 3 pods at revision db-2" },
        );
        assert.deepEqual(
            statefulSetStatus(
                db(
                    { updatedReplicas: 1 },
                    { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: null } } },
                ),
            ),
            { done: true, message: "partitioned roll out complete: 1 new pods have been updated" },
        );
    });

    it("rolloutStatus: each kind by its own viewer", () => {
        const pending = { metadata: { name: "x", generation: 2 }, spec: {}, status: { observedGeneration: 1 } };
        assert.deepEqual(rolloutStatus("Deployment", pending), {
            done: false,
            message: "waiting for deployment spec update to be observed",
        });
        assert.deepEqual(rolloutStatus("StatefulSet", pending), {
            done: false,
            message: "waiting for statefulset spec update to be observed",
        });
        assert.deepEqual(rolloutStatus("DaemonSet", pending), {
            done: false,
            message: "waiting for daemon set spec update to be observed",
        });
    });
});
