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
import { connect } from "../../cli/live/cluster";
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
    /** ReplicaSets by `namespace/name` (restart reads the one its pods name, to check UIDs) */
    replicaSets?: Map<string, Obj>;
    /** answers to GET of a path, before any other route (a status code and a body as written) */
    raw?: Map<string, { code: number; body: string }>;
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
            const canned = cluster.raw?.get(p);
            if (canned !== undefined) {
                res.statusCode = canned.code;
                res.setHeader("content-type", "application/json");
                return res.end(canned.body);
            }
            if ((m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets\/([^/]+)$/))) {
                const rs = cluster.replicaSets?.get(`${m[1]}/${m[2]}`);
                return rs === undefined ? notFound() : send(200, rs);
            }
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

/** The UID the captured pod's ownerReferences give its ReplicaSet (test/fixtures/pods/native-deployment.json). */
const RS_UID = "749bc130-660f-46f0-b110-207f25c6ad4e";
const WEB_UID = "5d1f0c1e-0000-4000-8000-00000000web1";

/** Deployment `web` of apps-3 as restart finds it, and the ReplicaSet its pods name (UIDs as the pods say). */
function webDeployment(cluster: FakeCluster, deployment: Obj, uids: { rs?: string; web?: string } = {}): void {
    deployment.metadata.uid = uids.web ?? WEB_UID;
    cluster.deployments.set("apps-3/web", deployment);
    cluster.replicaSets = new Map([
        [
            "apps-3/web-767d6f4df8",
            {
                metadata: {
                    name: "web-767d6f4df8",
                    namespace: "apps-3",
                    uid: uids.rs ?? RS_UID,
                    ownerReferences: [
                        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: WEB_UID, controller: true },
                    ],
                },
            },
        ],
    ]);
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
        webDeployment(cluster, web);
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
        webDeployment(cluster, {
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

/** Control characters a terminal acts on (C0 but line feed, DEL, C1). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("live: restart checks the owner's UID before it patches", () => {
    for (const [what, uids, expected] of [
        [
            "the Deployment is another object than the one its ReplicaSet names",
            { web: "0badc0de-new-deployment" },
            /skipped apps-3 Deployment\/web .*Deployment web has uid 0badc0de-new-deployment, its pods' owner is 5d1f0c1e-0000-4000-8000-00000000web1: not patched/,
        ],
        [
            "the ReplicaSet is another object than the one the pods name",
            { rs: "0badc0de-new-replicaset" },
            /skipped apps-3 Deployment\/web .*ReplicaSet web-767d6f4df8 has uid 0badc0de-new-replicaset, its pods name 749bc130-660f-46f0-b110-207f25c6ad4e: not patched/,
        ],
    ] as const) {
        it(`${what}: nothing is patched, one line says why, exit 1`, async () => {
            const cluster = bigCluster();
            webDeployment(
                cluster,
                {
                    metadata: { name: "web", namespace: "apps-3", generation: 2 },
                    spec: { replicas: 100 },
                    status: { observedGeneration: 2, replicas: 100, updatedReplicas: 100, availableReplicas: 100 },
                },
                uids,
            );
            const api = await fakeApi(cluster);
            try {
                const { out, io: sink } = io();
                assert.equal(await runRestart(["--kubeconfig", api.kubeconfig, "--timeout", "5"], sink), 1);
                assert.match(out.stdout, expected);
                assert.ok(!api.requests.some((r) => r.method === "PATCH"), "a PATCH was sent");
            } finally {
                api.close();
            }
        });
    }
});

describe("live: what a cluster says is printed safely", () => {
    it("status escapes control characters in pod and owner names; --json keeps them exact", async () => {
        const cluster = bigCluster();
        const evil = pod("apps-4", "web-\u001b]0;owned\u0007-1", true);
        const refs = evil.metadata.ownerReferences as Array<{ name: string }>;
        refs[0].name = "evil\n  apps-3 Deployment/forged (9 pods): \u009b2J";
        cluster.pods.push(evil);
        const api = await fakeApi(cluster);
        try {
            const text = io();
            assert.equal(await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"], text.io), 1);
            assert.doesNotMatch(text.out.stdout, RAW_CONTROL);
            assert.ok(text.out.stdout.includes("web-\\x1b]0;owned\\x07-1"), text.out.stdout);
            assert.ok(text.out.stdout.includes("evil\\n  apps-3 Deployment/forged (9 pods): \\x9b2J"));
            assert.ok(!text.out.stdout.split("\n").some((l) => l.startsWith("  apps-3 Deployment/forged")));

            const json = io();
            await runStatus(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--json"], json.io);
            assert.doesNotMatch(json.out.stdout, RAW_CONTROL);
            const report = JSON.parse(json.out.stdout) as { namespaces: Array<{ pods: Array<{ name: string }> }> };
            assert.ok(report.namespaces[0].pods.some((p) => p.name === "web-\u001b]0;owned\u0007-1"));
        } finally {
            api.close();
        }
    });

    it("restart's lines escape them too", async () => {
        const cluster = bigCluster();
        const evil = pod("apps-4", "web-2", true);
        (evil.metadata.ownerReferences as Array<{ name: string }>)[0].name = "rs\u001b[2J";
        cluster.pods.push(evil);
        const api = await fakeApi(cluster);
        try {
            const { out, io: sink } = io();
            await runRestart(["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--dry-run"], sink);
            assert.doesNotMatch(out.stdout + out.stderr, RAW_CONTROL);
            assert.ok(out.stdout.includes("rs\\x1b[2J"), out.stdout);
        } finally {
            api.close();
        }
    });

    for (const [what, body] of [
        ["a Status message", JSON.stringify({ kind: "Status", code: 500, message: "boom\n\u001b[2Jforged\r\nline" })],
        ["a plain-text body", "boom\n\u001b[2Jforged\r\nline\n"],
    ] as const) {
        it(`server error text (${what}) becomes one line, escaped`, async () => {
            const cluster = bigCluster();
            cluster.raw = new Map([["/api/v1/namespaces", { code: 500, body }]]);
            const api = await fakeApi(cluster);
            try {
                const conn = await connect({ kubeconfig: api.kubeconfig });
                await assert.rejects(survey(conn), (e: Error) => {
                    assert.equal(e.name, "UsageError");
                    assert.ok(!e.message.includes("\n"), e.message);
                    assert.doesNotMatch(e.message, RAW_CONTROL);
                    assert.match(
                        e.message,
                        /listing namespaces at http:\S+ failed \(500: boom \\x1b\[2Jforged line\)$/,
                    );
                    return true;
                });
            } finally {
                api.close();
            }
        });
    }

    it("an answer larger than the cap is not read", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const conn = await connect({ kubeconfig: api.kubeconfig, maxResponseBytes: 4096 });
            await assert.rejects(
                survey(conn),
                /the answer to GET \/api\/v1\/\S+ at http:\S+ is larger than 4096 bytes: not read/,
            );
            // The default cap lets the same cluster be read.
            await survey(await connect({ kubeconfig: api.kubeconfig }));
        } finally {
            api.close();
        }
    });
});

describe("live: a kubeconfig that weakens the connection is warned about", () => {
    it("a plain http:// server: a warning line on stderr from status and restart", async () => {
        const api = await fakeApi(bigCluster());
        try {
            for (const command of [runStatus, runRestart]) {
                const { out, io: sink } = io();
                await command(
                    ["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--dry-run"].slice(
                        0,
                        command === runStatus ? 4 : 5,
                    ),
                    sink,
                );
                const warnings = out.stderr.split("\n").filter((l) => l.startsWith("warning: "));
                assert.equal(warnings.length, 1, out.stderr);
                assert.match(
                    warnings[0],
                    /^warning: \S+kubeconfig: cluster 'fake' is served over plain http \(http:\/\/127\.0\.0\.1:\d+\): requests and credentials travel unencrypted$/,
                );
            }
        } finally {
            api.close();
        }
    });

    it("insecure-skip-tls-verify and an exec plugin (naming its command), one line each; a sound one none", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-live-kc-"));
        const write = (cluster: string, user: string) => {
            const file = path.join(dir, `kubeconfig-${fs.readdirSync(dir).length}`);
            fs.writeFileSync(
                file,
                [
                    "apiVersion: v1",
                    "kind: Config",
                    `clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n${cluster}`,
                    `users:\n- name: u\n  user:\n${user}`,
                    "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u",
                    "current-context: x",
                    "",
                ].join("\n"),
            );
            return file;
        };
        try {
            const exec = [
                "    exec:",
                "      apiVersion: client.authentication.k8s.io/v1beta1",
                "      command: /usr/local/bin/steal",
                '      args: [--all, "\\e]0;x"]',
            ].join("\n");
            const weak = await connect({ kubeconfig: write("    insecure-skip-tls-verify: true", exec) });
            assert.equal(weak.warnings.length, 2, weak.warnings.join("\n"));
            assert.match(
                weak.warnings[0],
                /cluster 'c' has insecure-skip-tls-verify: true: the API server's certificate is not checked/,
            );
            assert.match(
                weak.warnings[1],
                /user 'u' gets its credentials by running: \/usr\/local\/bin\/steal --all \\x1b\]0;x$/,
            );
            const sound = await connect({ kubeconfig: write("    certificate-authority-data: Y2E=", "    token: t") });
            assert.deepEqual(sound.warnings, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
