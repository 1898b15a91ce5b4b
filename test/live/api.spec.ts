/**
 * status and restart against a small in-process API server (plain HTTP on 127.0.0.1): paging with
 * limit/continue, owner reads, the restart patch and the rollout wait. Objects are the captured pods of
 * test/fixtures/pods, copied under other names.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { connect } from "../../components/live/cluster";
import { runRestart } from "../../cli/live/restart";
import { runStatus } from "../../cli/live/status";
import { survey } from "../../cli/live/survey";

type Obj = { metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

const POD = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "fixtures", "pods", "native-deployment.json"), "utf8"),
) as Obj & { spec: { initContainers: Array<{ name: string }> } };
const WEBHOOKS = (
    JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "webhooks.json"), "utf8")) as { items: Obj[] }
).items;

interface Request {
    method: string;
    path: string;
    query: URLSearchParams;
    contentType?: string;
    body?: unknown;
}

interface FakeCluster {
    namespaces: Array<{ name: string; labels: Record<string, string> }>;
    pods: Obj[];
    deployments: Map<string, Obj>;
    /** called on a PATCH of a Deployment */
    onPatch?: (ns: string, name: string) => void;
}

/** A copy of the captured pod as pod `name` of Deployment `web` in `ns`; `stale`: without its sidecar. */
function pod(ns: string, name: string, stale: boolean): Obj {
    const p = JSON.parse(JSON.stringify(POD)) as typeof POD;
    p.metadata.name = name;
    p.metadata.namespace = ns;
    if (stale) {
        p.spec.initContainers = [];
        p.metadata.annotations = {};
    }
    return p;
}

function list(kind: string, items: unknown[], query: URLSearchParams) {
    const limit = Number(query.get("limit") ?? items.length) || items.length;
    const start = Number(query.get("continue") ?? "0");
    const end = Math.min(items.length, start + limit);
    return {
        kind,
        apiVersion: "v1",
        metadata: { resourceVersion: "1", ...(end < items.length ? { continue: String(end) } : {}) },
        items: items.slice(start, end),
    };
}

async function fakeApi(cluster: FakeCluster) {
    const requests: Request[] = [];
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c: Buffer) => (raw += c.toString()));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://x");
            requests.push({
                method: req.method ?? "",
                path: url.pathname,
                query: url.searchParams,
                contentType: req.headers["content-type"],
                body: raw ? JSON.parse(raw) : undefined,
            });
            const send = (code: number, body: unknown) => {
                res.statusCode = code;
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify(body));
            };
            const notFound = () =>
                send(404, {
                    kind: "Status",
                    apiVersion: "v1",
                    status: "Failure",
                    reason: "NotFound",
                    code: 404,
                    message: `${url.pathname} not found`,
                });
            const p = url.pathname;
            const q = url.searchParams;
            let m: RegExpMatchArray | null;
            if (p === "/api/v1/namespaces")
                return send(
                    200,
                    list(
                        "NamespaceList",
                        cluster.namespaces.map((n) => ({ metadata: { name: n.name, labels: n.labels } })),
                        q,
                    ),
                );
            if ((m = p.match(/^\/api\/v1\/namespaces\/([^/]+)$/))) {
                const ns = cluster.namespaces.find((n) => n.name === m?.[1]);
                return ns ? send(200, { metadata: { name: ns.name, labels: ns.labels } }) : notFound();
            }
            if (p === "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations")
                return send(200, list("MutatingWebhookConfigurationList", WEBHOOKS, q));
            if (p === "/api/v1/pods") return send(200, list("PodList", cluster.pods, q));
            if ((m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/)))
                return send(
                    200,
                    list(
                        "PodList",
                        cluster.pods.filter((x) => x.metadata.namespace === m?.[1]),
                        q,
                    ),
                );
            if ((m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/))) {
                const key = `${m[1]}/${m[2]}`;
                const d = cluster.deployments.get(key);
                if (d === undefined) return notFound();
                if (req.method === "PATCH") cluster.onPatch?.(m[1], m[2]);
                return send(200, d);
            }
            return notFound();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-live-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(
        kubeconfig,
        [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
            "users:\n- name: u\n  user:\n    token: t",
            "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: u",
            "current-context: fake",
            "",
        ].join("\n"),
    );
    return {
        kubeconfig,
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => {
            server.closeAllConnections();
            server.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

function io() {
    const out = { stdout: "", stderr: "" };
    return {
        out,
        io: {
            stdout: { write: (t: string) => (out.stdout += t) },
            stderr: { write: (t: string) => (out.stderr += t) },
        },
    };
}

/** 1,200 pods of Deployment `web` in 12 meshed namespaces; pods ending in 7 of apps-3 lack their sidecar. */
function bigCluster(): FakeCluster {
    const namespaces: FakeCluster["namespaces"] = Array.from({ length: 12 }, (_, i) => ({
        name: `apps-${i}`,
        labels: { "istio.io/rev": "1-31-0" },
    }));
    namespaces.push({ name: "plain", labels: {} });
    const pods: Obj[] = [];
    for (let i = 0; i < 1200; i++)
        pods.push(pod(`apps-${i % 12}`, `web-767d6f4df8-${i}`, i % 12 === 3 && i % 10 === 7));
    for (let i = 0; i < 30; i++) pods.push(pod("plain", `other-767d6f4df8-${i}`, true));
    return { namespaces, pods, deployments: new Map() };
}

describe("live: status and restart against an in-process API server", () => {
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

    it("a server that never answers is named, not waited for", async () => {
        const server = http.createServer(() => undefined);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        const api = await fakeApi(bigCluster());
        const hanging = path.join(path.dirname(api.kubeconfig), "hanging");
        fs.writeFileSync(hanging, fs.readFileSync(api.kubeconfig, "utf8").replace(/:\d+\n/, `:${port}\n`));
        try {
            const conn = await connect({ kubeconfig: hanging, requestTimeoutMs: 300 });
            await assert.rejects(survey(conn), (e: Error) => {
                assert.equal(e.name, "UsageError");
                assert.match(
                    e.message,
                    new RegExp(`cannot reach the API server at http://127.0.0.1:${port}: no answer`),
                );
                return true;
            });
        } finally {
            server.closeAllConnections();
            server.close();
            api.close();
        }
    });
});
