/** `nativemesh status` against an in-process API server: paging with limit/continue, the --namespace scope. */
import * as assert from "node:assert/strict";
import { runStatus } from "../../../cli/live/status";
import { bigCluster, fakeApi, io } from "../../support/fakeKubeApi";

describe("live: status against an in-process API server", () => {
    it("status pages through every list with limit 500 and continue, and judges every pod", async () => {
        const cluster = bigCluster();
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            const code = await runStatus(["--kubeconfig", api.kubeconfig, "--json"], sink);
            const report = JSON.parse(out.stdout) as {
                summary: { pods: number; stale: number; ok: number; namespaces: number };
                stale: Array<{ namespace: string; kind: string; name: string; pods: number }>;
            };
            assert.equal(code, 1);
            const expectedStale = cluster.pods.filter(
                (p) =>
                    p.metadata.namespace === "apps-3" &&
                    (p.spec as { initContainers: unknown[] }).initContainers.length === 0,
            ).length;
            assert.ok(expectedStale > 0);
            assert.deepEqual(report.summary, {
                ...report.summary,
                namespaces: 12,
                pods: 1200,
                stale: expectedStale,
                ok: 1200 - expectedStale,
            });
            assert.deepEqual(
                report.stale.map((w) => [w.namespace, w.kind, w.name, w.pods]),
                [["apps-3", "Deployment", "web", expectedStale]],
            );
            const podLists = api.requests.filter((r) => r.path === "/api/v1/pods");
            assert.deepEqual(
                podLists.map((r) => [r.query.get("limit"), r.query.get("continue")]),
                [
                    ["500", null],
                    ["500", "500"],
                    ["500", "1000"],
                ],
            );
            for (const r of api.requests.filter((r) => r.method === "GET" && /list|s$/.test(r.path)))
                assert.equal(r.query.get("limit"), "500", r.path);
        } finally {
            api.close();
        }
    });

    it("--namespace lists that namespace's pods only", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const { out, io: sink } = io();
            assert.equal(
                await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"], sink),
                0,
                out.stdout,
            );
            assert.match(out.stdout, /namespace apps-4 {2}istio\.io\/rev=1-31-0: revision 1-31-0/);
            assert.match(out.stdout, /1 meshed namespace, 100 pods: 100 ok/);
            assert.ok(api.requests.some((r) => r.path === "/api/v1/namespaces/apps-4/pods"));
            assert.ok(!api.requests.some((r) => r.path === "/api/v1/pods"));
        } finally {
            api.close();
        }
    });
});
