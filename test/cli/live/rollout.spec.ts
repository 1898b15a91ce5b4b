import * as assert from "node:assert/strict";
import {
    cannotRestart,
    daemonSetStatus,
    deploymentStatus,
    restartPatch,
    rfc3339,
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
