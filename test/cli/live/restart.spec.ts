/** `nativemesh restart` against an in-process API server: the restart patch, the rollout wait, --dry-run. */
import * as assert from "node:assert/strict";
import { runRestart } from "../../../cli/live/restart";
import { bigCluster, fakeApi, io, pod, type Obj } from "../../support/fakeKubeApi";

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
            const code = await runRestart(["--kubeconfig", api.kubeconfig, "--json", "--timeout", "10"], sink);
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

    it("a rollout that never completes is reported as timed out, exit 1", async () => {
        const cluster = bigCluster();
        cluster.deployments.set("apps-3/web", {
            metadata: { name: "web", namespace: "apps-3", generation: 3 },
            spec: { replicas: 100 },
            status: { observedGeneration: 2 },
        });
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "1"], sink), 1);
            assert.match(out.stdout, /timed out apps-3 Deployment\/web .*spec update to be observed/);
            assert.match(out.stdout, /still stale after the restart \(1\)/);
        } finally {
            api.close();
        }
    });
});
