/** `nativemesh restart` against an in-process API server: the restart patch, the rollout wait, --dry-run. */
import * as assert from "node:assert/strict";
import { runRestart } from "../../../cli/live/restart";
import { bigCluster, fakeApi, io, pod, type FakeCluster, type Obj } from "../../support/fakeKubeApi";

/** A clock that moves only when the wait sleeps, recording each sleep. */
function fakeClock() {
    let t = 0;
    const sleeps: number[] = [];
    return {
        sleeps,
        now: () => t,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            t += ms;
        },
    };
}

describe("live: restart against an in-process API server", () => {
    it("restart patches the Deployment as kubectl does, waits for it, and looks again", async () => {
        const cluster = bigCluster();
        const web: Obj = {
            metadata: { name: "web", namespace: "apps-3", generation: 2 },
            spec: { replicas: 100 },
            status: { observedGeneration: 2, replicas: 100, updatedReplicas: 100, availableReplicas: 100 },
        };
        cluster.deployments.set("apps-3/web", web);
        let patched = 0;
        cluster.onPatch = () => {
            patched++;
            // The controller re-creates the pods; the injector gives them the sidecar.
            cluster.pods = cluster.pods.map((p) =>
                p.metadata.namespace === "apps-3" ? pod("apps-3", p.metadata.name, false) : p,
            );
        };
        const api = await fakeApi(cluster);
        try {
            const dry = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--dry-run"], dry.io), 1);
            assert.match(dry.out.stdout, /would restart apps-3 Deployment\/web/);
            assert.equal(patched, 0, "--dry-run changes nothing");
            assert.ok(!api.requests.some((r) => r.method !== "GET"));

            const { out, io: sink } = io();
            const code = await runRestart(
                ["--kubeconfig", api.kubeconfig, "--json", "--timeout", "10"],
                sink,
                fakeClock(),
            );
            assert.equal(code, 0, out.stdout + out.stderr);
            const report = JSON.parse(out.stdout) as {
                restarts: Array<{ outcome: string; name: string }>;
                stillStale: unknown[];
                after: { stale: number };
            };
            assert.deepEqual(
                report.restarts.map((r) => [r.name, r.outcome]),
                [["web", "restarted"]],
            );
            assert.deepEqual(report.stillStale, []);
            const patches = api.requests.filter((r) => r.method === "PATCH");
            assert.equal(patches.length, 1);
            assert.equal(patches[0].path, "/apis/apps/v1/namespaces/apps-3/deployments/web");
            assert.equal(patches[0].contentType, "application/strategic-merge-patch+json");
            const annotations = (
                patches[0].body as { spec: { template: { metadata: { annotations: Record<string, string> } } } }
            ).spec.template.metadata.annotations;
            assert.deepEqual(Object.keys(annotations), ["kubectl.kubernetes.io/restartedAt"]);
            assert.match(annotations["kubectl.kubernetes.io/restartedAt"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        } finally {
            api.close();
        }
    });

    it("a rollout that never completes is reported as timed out after --timeout, polling each second, exit 1", async () => {
        const cluster = bigCluster();
        cluster.deployments.set("apps-3/web", {
            metadata: { name: "web", namespace: "apps-3", generation: 3 },
            spec: { replicas: 100 },
            status: { observedGeneration: 2 },
        });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const clock = fakeClock();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "30"], sink, clock), 1);
            assert.match(
                out.stdout,
                /timed out apps-3 Deployment\/web \(30 s\): rollout not complete after 30 s: .*spec update to be observed/,
            );
            assert.match(out.stdout, /still stale after the restart \(1\)/);
            assert.deepEqual(
                clock.sleeps,
                Array.from({ length: 30 }, () => 1000),
            );
        } finally {
            api.close();
        }
    });

    it("--max-unavailable N restarts N workloads at a time, never more, and every one of them", async () => {
        // Four stale Deployments; each completes on its fourth read after its patch.
        const namespaces = ["a", "b", "c", "d"].map((n) => `apps-${n}`);
        const cluster: FakeCluster = {
            namespaces: namespaces.map((name) => ({ name, labels: { "istio.io/rev": "1-31-0" } })),
            pods: namespaces.flatMap((ns) => [0, 1].map((i) => pod(ns, `web-767d6f4df8-${i}`, true))),
            deployments: new Map(
                namespaces.map((ns) => [
                    `${ns}/web`,
                    {
                        metadata: { name: "web", namespace: ns, generation: 1 },
                        spec: { replicas: 2 },
                        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
                    },
                ]),
            ),
        };
        const readsSincePatch = new Map<string, number>();
        let widest = 0;
        cluster.onPatch = (ns) => {
            const deployment = cluster.deployments.get(`${ns}/web`)!;
            deployment.metadata.generation = 2;
            readsSincePatch.set(ns, 0);
            widest = Math.max(widest, readsSincePatch.size);
        };
        cluster.onRead = (ns) => {
            const reads = readsSincePatch.get(ns);
            if (reads === undefined) return;
            if (reads + 1 < 4) return void readsSincePatch.set(ns, reads + 1);
            readsSincePatch.delete(ns);
            cluster.deployments.get(`${ns}/web`)!.status = {
                observedGeneration: 2,
                replicas: 2,
                updatedReplicas: 2,
                availableReplicas: 2,
            };
            cluster.pods = cluster.pods.map((p) => (p.metadata.namespace === ns ? pod(ns, p.metadata.name, false) : p));
        };
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const code = await runRestart(
                ["--kubeconfig", api.kubeconfig, "--max-unavailable", "2", "--json"],
                sink,
                fakeClock(),
            );
            assert.equal(code, 0, out.stdout + out.stderr);
            const report = JSON.parse(out.stdout) as { restarts: Array<{ namespace: string; outcome: string }> };
            assert.deepEqual(
                report.restarts.map((r) => [r.namespace, r.outcome]),
                namespaces.map((ns) => [ns, "restarted"]),
            );
            assert.equal(widest, 2, "Deployments rolling out at the same time");
            assert.match(out.stderr, /restarting 4 workloads, at most 2 at a time/);
        } finally {
            api.close();
        }
    });
});
