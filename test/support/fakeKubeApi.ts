/**
 * A small in-process Kubernetes API server (plain HTTP on 127.0.0.1) for the specs of `nativemesh status` and
 * `restart` (test/cli/live/): namespaces, pods and mutating webhook configurations listed with limit/continue,
 * Deployments read and patched, every request recorded. Objects are the captured pods of test/fixtures/pods,
 * copied under other names, and the webhooks of test/components/live/fixtures. StatefulSets and DaemonSets are
 * read and patched like Deployments.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";

export type Obj = { metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

const POD = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "fixtures", "pods", "native-deployment.json"), "utf8"),
) as Obj & { spec: { initContainers: Array<{ name: string }> } };
const WEBHOOKS = (
    JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "components", "live", "fixtures", "webhooks.json"), "utf8"),
    ) as {
        items: Obj[];
    }
).items;

interface Request {
    method: string;
    path: string;
    query: URLSearchParams;
    contentType?: string;
    /** the Accept and Authorization headers sent */
    accept?: string;
    authorization?: string;
    body?: unknown;
}

export interface FakeCluster {
    namespaces: Array<{ name: string; labels: Record<string, string> }>;
    pods: Obj[];
    deployments: Map<string, Obj>;
    /** StatefulSets and DaemonSets by `namespace/name`, read and patched as Deployments are */
    statefulSets?: Map<string, Obj>;
    daemonSets?: Map<string, Obj>;
    /** ReplicaSets by `namespace/name` (restart reads the one its pods name, to check UIDs) */
    replicaSets?: Map<string, Obj>;
    /** Jobs by `namespace/name` (status reads the one a pod names, for its CronJob) */
    jobs?: Map<string, Obj>;
    /** answers to GET of a path, before any other route (a status code and a body as written) */
    raw?: Map<string, { code: number; body: string }>;
    /** called on a PATCH of a Deployment, StatefulSet or DaemonSet; what it returns, the PATCH is refused with */
    onPatch?: (ns: string, name: string) => void | { code: number; message: string };
    /** called on a GET of a Deployment, StatefulSet or DaemonSet, before it is sent */
    onRead?: (ns: string, name: string) => void;
    /** called with each request's path once it is recorded; a promise returned holds the answer until it settles */
    holdAnswer?: (path: string) => Promise<void> | undefined;
}

/** The UID the captured pod's ownerReferences give its ReplicaSet (test/fixtures/pods/native-deployment.json). */
export const RS_UID = "749bc130-660f-46f0-b110-207f25c6ad4e";
/** The UID the ReplicaSet below gives its Deployment `web`. */
export const WEB_UID = "5d1f0c1e-0000-4000-8000-00000000web1";

/**
 * Deployment `web` of `ns` (apps-3 by default) as restart finds it, and the ReplicaSet its pods name, with the
 * UIDs their ownerReferences give; `uids` makes the live objects others (deleted and made again).
 */
export function webDeployment(
    cluster: FakeCluster,
    deployment: Obj,
    uids: { rs?: string; web?: string } = {},
    ns = "apps-3",
): void {
    deployment.metadata.uid = uids.web ?? WEB_UID;
    cluster.deployments.set(`${ns}/web`, deployment);
    cluster.replicaSets ??= new Map();
    cluster.replicaSets.set(`${ns}/web-767d6f4df8`, {
        metadata: {
            name: "web-767d6f4df8",
            namespace: ns,
            uid: uids.rs ?? RS_UID,
            ownerReferences: [
                { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: WEB_UID, controller: true },
            ],
        },
    });
}

/** A copy of the captured pod as pod `name` of Deployment `web` in `ns`; `stale`: without its sidecar. */
export function pod(ns: string, name: string, stale: boolean): Obj {
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

export async function fakeApi(cluster: FakeCluster) {
    const requests: Request[] = [];
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (c: Buffer) => (raw += c.toString()));
        req.on("end", () => void answer());
        const answer = async () => {
            const url = new URL(req.url ?? "/", "http://x");
            requests.push({
                method: req.method ?? "",
                path: url.pathname,
                query: url.searchParams,
                contentType: req.headers["content-type"],
                accept: req.headers.accept,
                authorization: req.headers.authorization,
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
            await cluster.holdAnswer?.(url.pathname);
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
            if ((m = p.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/))) {
                const job = cluster.jobs?.get(`${m[1]}/${m[2]}`);
                return job === undefined ? notFound() : send(200, job);
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
            if (
                (m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets|daemonsets)\/([^/]+)$/))
            ) {
                const key = `${m[1]}/${m[3]}`;
                const objects =
                    m[2] === "deployments"
                        ? cluster.deployments
                        : m[2] === "statefulsets"
                          ? cluster.statefulSets
                          : cluster.daemonSets;
                if (objects?.get(key) === undefined) return notFound();
                if (req.method === "PATCH") {
                    const refusal = cluster.onPatch?.(m[1], m[3]);
                    if (refusal)
                        return send(refusal.code, {
                            kind: "Status",
                            apiVersion: "v1",
                            status: "Failure",
                            code: refusal.code,
                            message: refusal.message,
                        });
                } else cluster.onRead?.(m[1], m[3]);
                return send(200, objects.get(key));
            }
            return notFound();
        };
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

export function io() {
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
export function bigCluster(): FakeCluster {
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
