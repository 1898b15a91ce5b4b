/**
 * The live cluster, through `@kubernetes/client-node`: a kubeconfig and context read the way kubectl reads them,
 * paged lists (`limit`/`continue`, so memory stays bounded on large clusters), and every failure to reach or
 * use the API server turned into one line (a UsageError: exit 2, no stack trace) naming the file, the context or
 * the server's URL.
 *
 * The client is an ES module; it is loaded with import() only when `status`, `restart` or the update-time guard
 * (components/live/guard.ts) runs, so `preview` and `audit` never load it.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import type * as K8s from "@kubernetes/client-node";
import { fromInvocation, readTextFile, UsageError } from "./usage";
import { controllerOwner, Meta, Owner, OwnerIndex, ownerKey, OwnerRef, PodLike, WebhookConfigLike } from "./classify";
import { printable, serverText } from "./printable";

/** Items per list request. */
export const PAGE_SIZE = 500;
/** How long one request may take before the server counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * The largest answer read: a page is PAGE_SIZE objects, and the API server refuses an object over 1.5 MiB (etcd's
 * default request limit, etcd.io "System limits"; kube-apiserver sizes its own limit from it), so a genuine page
 * of pods stays far below this; a larger answer is refused instead of filling memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface ConnectOptions {
    /** The kubeconfig file (or, with `kubeconfigText`, what names it in messages). */
    kubeconfig: string;
    /** The kubeconfig's contents, when they are at hand rather than in a file (a provider's kubeconfig). */
    kubeconfigText?: string;
    context?: string;
    requestTimeoutMs?: number;
    /** The largest answer read (default MAX_RESPONSE_BYTES). */
    maxResponseBytes?: number;
}

export interface Connection {
    /** What in the kubeconfig's context weakens the connection (kubeconfigWarnings), one line each. */
    warnings: string[];
    k8s: typeof K8s;
    kc: K8s.KubeConfig;
    server: string;
    context: string;
    timeoutMs: number;
    maxResponseBytes: number;
    core: K8s.CoreV1Api;
    apps: K8s.AppsV1Api;
    batch: K8s.BatchV1Api;
}

async function loadClient(): Promise<typeof K8s> {
    return import("@kubernetes/client-node");
}

/** Reads the kubeconfig and picks the context; no request is made yet. */
export async function connect(options: ConnectOptions): Promise<Connection> {
    const file = options.kubeconfig;
    const text = options.kubeconfigText ?? readTextFile(file, "kubeconfig");
    const k8s = await loadClient();
    const kc = new k8s.KubeConfig();
    try {
        kc.loadFromString(text);
    } catch (error) {
        throw new UsageError(`${file}: not a usable kubeconfig (${firstLine(error)})`);
    }
    // As loadFromFile does: relative certificate and key paths are relative to the kubeconfig's folder.
    kc.makePathsAbsolute(path.dirname(fromInvocation(file)));
    const names = kc.getContexts().map((c) => c.name);
    const listed = names.length > 0 ? names.join(", ") : "none";
    let context = options.context;
    if (context !== undefined) {
        if (!names.includes(context)) throw new UsageError(`${file}: no context '${context}' (contexts: ${listed})`);
        kc.setCurrentContext(context);
    } else {
        context = kc.getCurrentContext();
        if (!context || !names.includes(context))
            throw new UsageError(
                `${file}: no current-context${context ? ` '${context}' among its contexts` : ""}; pass --context (contexts: ${listed})`,
            );
    }
    const cluster = kc.getCurrentCluster();
    if (cluster === null || !cluster.server)
        throw new UsageError(`${file}: context '${context}' names no cluster with a server`);
    const server = cluster.server;
    const warnings = kubeconfigWarnings(file, cluster, kc.getCurrentUser());
    const timeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    // kc.makeApiClient builds exactly this configuration; ours adds a per-request timeout, so an unreachable
    // server that never answers becomes an error naming it instead of a hang.
    const configuration = k8s.createConfiguration({
        baseServer: new k8s.ServerConfiguration(server, {}),
        authMethods: { default: kc },
        promiseMiddleware: [
            {
                pre: (ctx: K8s.RequestContext) => {
                    ctx.setSignal(AbortSignal.timeout(timeout));
                    return Promise.resolve(ctx);
                },
                post: (ctx: K8s.ResponseContext) => Promise.resolve(ctx),
            },
        ],
    });
    return {
        warnings,
        k8s,
        kc,
        server,
        context,
        timeoutMs: timeout,
        maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
        core: new k8s.CoreV1Api(configuration),
        apps: new k8s.AppsV1Api(configuration),
        batch: new k8s.BatchV1Api(configuration),
    };
}

function firstLine(error: unknown): string {
    return serverText((error instanceof Error ? error.message : String(error)).split("\n")[0]);
}

/**
 * What in a kubeconfig's context weakens the connection, one line each: the server's certificate not checked
 * (`insecure-skip-tls-verify: true`: anyone on the path can read the token and answer in the server's place), a
 * plain `http://` server (nothing is encrypted), and an exec credential plugin (a command run on this machine
 * with the user's rights: say which, so a kubeconfig from elsewhere cannot run one unseen).
 */
export function kubeconfigWarnings(
    file: string,
    cluster: Pick<K8s.Cluster, "name" | "server" | "skipTLSVerify">,
    user: Pick<K8s.User, "name" | "exec"> | null,
): string[] {
    const warnings: string[] = [];
    if (/^http:\/\//i.test(cluster.server))
        warnings.push(
            `${file}: cluster '${cluster.name}' is served over plain http (${cluster.server}): requests and credentials travel unencrypted`,
        );
    else if (cluster.skipTLSVerify)
        warnings.push(
            `${file}: cluster '${cluster.name}' has insecure-skip-tls-verify: true: the API server's certificate is not checked, so anyone on the path can pose as it`,
        );
    const exec = user?.exec as { command?: unknown; args?: unknown } | undefined;
    if (exec !== undefined && exec !== null) {
        const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
        const command = [String(exec.command ?? ""), ...args].join(" ");
        warnings.push(`${file}: user '${user?.name ?? ""}' gets its credentials by running: ${command}`);
    }
    return warnings.map(printable);
}

const NETWORK_CODES = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EPIPE",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "ERR_SSL_WRONG_VERSION_NUMBER",
    "EPROTO",
]);

/** The API server's own message in an error answer (a `Status` object), else the HTTP code. */
function statusMessage(body: unknown): string | undefined {
    let value = body;
    if (typeof body === "string") {
        try {
            value = JSON.parse(body);
        } catch {
            return serverText(body) || undefined;
        }
    }
    if (value !== null && typeof value === "object" && typeof (value as { message?: unknown }).message === "string")
        return serverText((value as { message: string }).message);
    return undefined;
}

/** A failed request as one line: what was asked, of which server, and why. */
export function describeFailure(
    conn: Pick<Connection, "server" | "context">,
    what: string,
    error: unknown,
): UsageError {
    if (error instanceof UsageError) return error;
    // `what` may name objects of the cluster (an owner's name): printed, so made printable.
    what = printable(what);
    const e = error as { name?: string; code?: unknown; type?: string; body?: unknown; cause?: { code?: unknown } };
    if (e?.name === "AbortError" || e?.name === "TimeoutError" || e?.type === "aborted")
        return new UsageError(`cannot reach the API server at ${conn.server}: no answer to ${what} in time`);
    const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
    if (code !== undefined && (NETWORK_CODES.has(code) || e?.name === "FetchError"))
        return new UsageError(`cannot reach the API server at ${conn.server} (${code})`);
    if (typeof e?.code === "number") {
        const message = statusMessage(e.body) ?? `HTTP ${e.code}`;
        if (e.code === 401)
            return new UsageError(
                `the API server at ${conn.server} refused the credentials of context '${conn.context}' (401: ${message})`,
            );
        return new UsageError(`${what} at ${conn.server} failed (${e.code}: ${message})`);
    }
    if (e?.name === "FetchError")
        return new UsageError(`cannot reach the API server at ${conn.server} (${firstLine(error)})`);
    // Credential plugins (exec) and the like fail before any request.
    return new UsageError(`${what} at ${conn.server} failed: ${firstLine(error)}`);
}

/** One request, its failure turned into one line. */
export async function call<T>(conn: Connection, what: string, request: () => Promise<T>): Promise<T> {
    try {
        return await request();
    } catch (error) {
        throw describeFailure(conn, what, error);
    }
}

interface Page<T> {
    items?: T[] | null;
    metadata?: { continue?: string };
}

/**
 * GET of a path of the API server, parsed as plain JSON. The kubeconfig's TLS settings, credentials (token,
 * client certificate, exec plugin) and proxy come from the client's KubeConfig.applyToHTTPSOptions; the body is
 * not run through the client's generated model deserializer, which took most of `status`'s time on large
 * lists. An error answer rejects with `{code, body}` as the client's ApiException does.
 */
export async function getJson(
    conn: Connection,
    apiPath: string,
    query: Record<string, string | number | undefined> = {},
) {
    const url = new URL(conn.server.replace(/\/+$/, "") + apiPath);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
    await conn.kc.applyToHTTPSOptions(options);
    const transport = url.protocol === "http:" ? http : https;
    return new Promise<unknown>((resolve, reject) => {
        const req = transport.request(url, { ...options, signal: AbortSignal.timeout(conn.timeoutMs) }, (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > conn.maxResponseBytes) {
                    req.destroy();
                    return reject(
                        new UsageError(
                            `the answer to GET ${printable(url.pathname)} at ${conn.server} is larger than ${conn.maxResponseBytes} bytes: not read`,
                        ),
                    );
                }
                chunks.push(chunk);
            });
            res.on("error", reject);
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const code = res.statusCode ?? 0;
                if (code < 200 || code > 299)
                    return reject(Object.assign(new Error(`HTTP ${code}`), { code, body: text }));
                try {
                    resolve(JSON.parse(text));
                } catch (error) {
                    reject(new Error(`the answer to GET ${url.pathname} is not JSON (${firstLine(error)})`));
                }
            });
        });
        req.on("error", reject);
        req.end();
    });
}

/**
 * Every item of a list, one page of `limit` items at a time (`limit` and `continue`, as kubectl's
 * `--chunk-size`, default 500, does): only one page is held at once.
 */
export async function* paged<T>(
    conn: Connection,
    what: string,
    apiPath: string,
    query: Record<string, string | undefined> = {},
    limit = PAGE_SIZE,
): AsyncGenerator<T> {
    let token: string | undefined;
    do {
        const page = (await call(conn, what, () =>
            getJson(conn, apiPath, { ...query, limit, continue: token }),
        )) as Page<T>;
        for (const item of page.items ?? []) yield item;
        token = page.metadata?.continue || undefined;
    } while (token !== undefined);
}

export interface NamespaceInfo {
    name: string;
    labels: Record<string, string>;
    /** Its owners (a namespace the Formance operator made is owned by its Stack). */
    ownerReferences?: OwnerRef[];
    /** Being deleted (it has a deletionTimestamp). */
    terminating?: boolean;
}

/** The namespaces to look at: all (paged), or the one asked for (an unknown one is bad input). */
export async function namespaces(conn: Connection, only?: string): Promise<NamespaceInfo[]> {
    if (only !== undefined) {
        try {
            const ns = await conn.core.readNamespace({ name: only });
            return [{ name: only, labels: ns.metadata?.labels ?? {} }];
        } catch (error) {
            if ((error as { code?: unknown }).code === 404)
                throw new UsageError(`namespace '${only}' does not exist (context '${conn.context}')`);
            throw describeFailure(conn, `reading namespace ${only}`, error);
        }
    }
    const found: NamespaceInfo[] = [];
    for await (const ns of paged<{ metadata?: Meta }>(conn, "listing namespaces", "/api/v1/namespaces"))
        found.push({
            name: ns.metadata?.name ?? "",
            labels: ns.metadata?.labels ?? {},
            ownerReferences: ns.metadata?.ownerReferences ?? [],
            ...(ns.metadata?.deletionTimestamp ? { terminating: true } : {}),
        });
    return found;
}

/** Istio's injection webhooks (labelled `app=sidecar-injector` by its charts); undefined when not allowed. */
export async function injectionWebhooks(conn: Connection): Promise<WebhookConfigLike[] | undefined> {
    const found: WebhookConfigLike[] = [];
    try {
        for await (const mwc of paged<WebhookConfigLike>(
            conn,
            "listing MutatingWebhookConfigurations",
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            { labelSelector: "istio.io/rev" },
        ))
            found.push({
                metadata: { name: mwc.metadata?.name, labels: mwc.metadata?.labels ?? {} },
                webhooks: (mwc.webhooks ?? []).map((w) => ({ name: w.name })),
            });
    } catch (error) {
        if (/\(403:/.test((error as Error).message)) return undefined;
        throw error;
    }
    return found;
}

/** Pods of the given namespaces, page by page: the whole cluster's list filtered, or one namespace's. */
export function pods(conn: Connection, only?: string): AsyncGenerator<PodLike> {
    if (only !== undefined)
        return paged(conn, `listing pods in ${only}`, `/api/v1/namespaces/${encodeURIComponent(only)}/pods`);
    return paged(conn, "listing pods", "/api/v1/pods");
}

/**
 * Reads the controllers of the given ReplicaSets and Jobs (Deployment, CronJob) into the index, each once, 8 at a
 * time; one that is gone (404) is recorded as having none.
 */
export async function readOwners(
    conn: Connection,
    needed: Array<{ kind: string; namespace: string; name: string }>,
    index: OwnerIndex,
): Promise<void> {
    const queue = [
        ...new Map(
            needed.map((n) => [ownerKey(n.kind, n.namespace, n.name), n] as const).filter(([key]) => !index.has(key)),
        ).values(),
    ];
    const worker = async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const { kind, namespace, name } = next;
            let owner: Owner | null = null;
            try {
                const obj =
                    kind === "Job"
                        ? await conn.batch.readNamespacedJob({ name, namespace })
                        : await conn.apps.readNamespacedReplicaSet({ name, namespace });
                owner = controllerOwner(obj.metadata);
            } catch (error) {
                if ((error as { code?: unknown }).code !== 404)
                    throw describeFailure(conn, `reading ${kind} ${namespace}/${name}`, error);
            }
            index.set(ownerKey(kind, namespace, name), owner);
        }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
}
