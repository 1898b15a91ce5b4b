/** Connecting to the API server: one that never answers is named, not waited for. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import {
    connect,
    Connection,
    describeFailure,
    getJson,
    injectionWebhooks,
    kubeconfigWarnings,
    MAX_RESPONSE_BYTES,
    namespaces,
    paged,
    pods,
    readOwners,
    REQUEST_TIMEOUT_MS,
} from "../../../components/live/cluster";
import { OwnerIndex, ownerKey } from "../../../components/live/classify";
import { survey } from "../../../cli/live/survey";
import { runRestart } from "../../../cli/live/restart";
import { runStatus } from "../../../cli/live/status";
import { bigCluster, FakeCluster, fakeApi, io, webDeployment } from "../../support/fakeKubeApi";

describe("live: the API server connection", () => {
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

describe("live: what the API server says is bounded", () => {
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
    it("a plain http:// server: one warning line on stderr from status and from restart", async () => {
        const api = await fakeApi(bigCluster());
        try {
            const runs: Array<[typeof runStatus, string[]]> = [
                [runStatus, ["--kubeconfig", api.kubeconfig, "--namespace", "apps-4"]],
                [runRestart, ["--kubeconfig", api.kubeconfig, "--namespace", "apps-4", "--dry-run"]],
            ];
            for (const [command, args] of runs) {
                const { out, io: sink } = io();
                await command(args, sink);
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

/** A kubeconfig's text: the given contexts (each on cluster c, user u), and the current context if any. */
function kubeconfigText(contexts: string[], current?: string, server = "https://127.0.0.1:6443"): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        // The client refuses plain http unless TLS checks are off (the fake API server's kubeconfig does the same).
        `clusters:\n- name: c\n  cluster:\n    server: ${server}${server.startsWith("http:") ? "\n    insecure-skip-tls-verify: true" : ""}`,
        "users:\n- name: u\n  user:\n    token: t",
        contexts.length > 0
            ? `contexts:\n${contexts.map((c) => `- name: ${c}\n  context:\n    cluster: c\n    user: u`).join("\n")}`
            : "contexts: []",
        ...(current === undefined ? [] : [`current-context: ${current}`]),
        "",
    ].join("\n");
}

/** Rejects with a UsageError whose message is exactly `message`. */
async function rejectsWith(promise: Promise<unknown>, message: string) {
    await assert.rejects(promise, (e: Error) => {
        assert.equal(e.name, "UsageError");
        assert.equal(e.message, message);
        return true;
    });
}

describe("live: a kubeconfig that cannot be used is one line naming it", () => {
    const file = "/etc/provider/kubeconfig";
    const connectTo = (text: string, context?: string) =>
        connect({ kubeconfig: file, kubeconfigText: text, ...(context === undefined ? {} : { context }) });
    it("a missing file names the file and says it is missing", async () => {
        await rejectsWith(
            connect({ kubeconfig: "/nonexistent/nativemesh/kubeconfig" }),
            "/nonexistent/nativemesh/kubeconfig: cannot read the kubeconfig (no such file)",
        );
    });
    it("text that is not a kubeconfig", async () => {
        await assert.rejects(connectTo("clusters: [\n"), (e: Error) => {
            assert.equal(e.name, "UsageError");
            assert.match(e.message, /^\/etc\/provider\/kubeconfig: not a usable kubeconfig \(.+\)$/);
            assert.ok(!e.message.includes("\n"), e.message);
            return true;
        });
    });
    it("a --context the file does not have, listing the ones it has", async () => {
        await rejectsWith(
            connectTo(kubeconfigText(["a", "b"], "a"), "prod"),
            `${file}: no context 'prod' (contexts: a, b)`,
        );
        await rejectsWith(connectTo(kubeconfigText([]), "prod"), `${file}: no context 'prod' (contexts: none)`);
    });
    it("no current-context: asks for --context", async () => {
        await rejectsWith(
            connectTo(kubeconfigText(["a", "b"])),
            `${file}: no current-context; pass --context (contexts: a, b)`,
        );
    });
    it("a current-context that names no context of the file", async () => {
        await rejectsWith(
            connectTo(kubeconfigText(["a"], "gone")),
            `${file}: no current-context 'gone' among its contexts; pass --context (contexts: a)`,
        );
    });
    it("a context whose cluster is not in the file", async () => {
        const text = kubeconfigText(["a"], "a").replace("cluster: c\n    user", "cluster: elsewhere\n    user");
        await rejectsWith(connectTo(text), `${file}: context 'a' names no cluster with a server`);
    });
    it("the request timeout and the answer cap: as given, else the defaults", async () => {
        const given = await connectTo(kubeconfigText(["a"], "a"));
        assert.deepEqual([given.timeoutMs, given.maxResponseBytes], [REQUEST_TIMEOUT_MS, MAX_RESPONSE_BYTES]);
        assert.deepEqual([REQUEST_TIMEOUT_MS, MAX_RESPONSE_BYTES], [30_000, 64 * 1024 * 1024]);
        const chosen = await connect({
            kubeconfig: file,
            kubeconfigText: kubeconfigText(["a"], "a"),
            requestTimeoutMs: 300,
            maxResponseBytes: 4096,
        });
        assert.deepEqual([chosen.timeoutMs, chosen.maxResponseBytes], [300, 4096]);
    });
    it("the --context chosen over the current one", async () => {
        const conn = await connectTo(kubeconfigText(["a", "b"], "a"), "b");
        assert.equal(conn.context, "b");
        assert.equal(conn.server, "https://127.0.0.1:6443");
    });
});

describe("live: what weakens a kubeconfig's connection", () => {
    const cluster = { name: "c", server: "https://10.0.0.1", skipTLSVerify: false };
    it("plain http is read from the URL's scheme, in any case, and nowhere else in it", () => {
        const plain = (server: string) => kubeconfigWarnings("kc", { ...cluster, server }, null);
        assert.deepEqual(plain("HTTP://10.0.0.1"), [
            "kc: cluster 'c' is served over plain http (HTTP://10.0.0.1): requests and credentials travel unencrypted",
        ]);
        assert.deepEqual(plain("https://10.0.0.1/http://x"), []);
    });
    it("an exec plugin without arguments names its command alone", () => {
        assert.deepEqual(
            kubeconfigWarnings("kc", cluster, { name: "u", exec: { command: "gke-gcloud-auth-plugin" } }),
            ["kc: user 'u' gets its credentials by running: gke-gcloud-auth-plugin"],
        );
    });
    it("an exec plugin without a command or a user name still warns", () => {
        const user = { exec: { args: ["--token"] } } as unknown as Parameters<typeof kubeconfigWarnings>[2];
        assert.deepEqual(kubeconfigWarnings("kc", cluster, user), [
            "kc: user '' gets its credentials by running:  --token",
        ]);
    });
    it("a null exec is no plugin", () => {
        const user = { name: "u", exec: null } as unknown as Parameters<typeof kubeconfigWarnings>[2];
        assert.deepEqual(kubeconfigWarnings("kc", cluster, user), []);
    });
});

describe("live: a failed request is one line", () => {
    const conn = { server: "https://api.example:6443", context: "prod" };
    const failure = (error: unknown) => describeFailure(conn, "listing pods", error).message;
    it("no answer in time, however the client says it", () => {
        for (const error of [{ name: "AbortError" }, { name: "TimeoutError" }, { type: "aborted" }])
            assert.equal(
                failure(error),
                "cannot reach the API server at https://api.example:6443: no answer to listing pods in time",
                JSON.stringify(error),
            );
    });
    // Node's network and TLS error codes (node:net, node:tls, OpenSSL's X509 verify codes).
    const NETWORK = [
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
    ];
    for (const code of NETWORK)
        it(`${code}, on the error or its cause: cannot reach the server`, () => {
            const want = `cannot reach the API server at https://api.example:6443 (${code})`;
            assert.equal(failure(Object.assign(new Error("x"), { code })), want);
            assert.equal(failure(Object.assign(new Error("x"), { cause: { code } })), want);
        });
    it("another code: cannot reach only from a FetchError, else what failed and why", () => {
        assert.equal(
            failure(Object.assign(new Error("x"), { name: "FetchError", code: "EWHATEVER" })),
            "cannot reach the API server at https://api.example:6443 (EWHATEVER)",
        );
        assert.equal(
            failure(Object.assign(new Error("bad thing\nmore"), { code: "EWHATEVER" })),
            "listing pods at https://api.example:6443 failed: bad thing",
        );
    });
    it("a FetchError without a code gives its first line", () => {
        assert.equal(
            failure(Object.assign(new Error("socket hang up\nat x"), { name: "FetchError" })),
            "cannot reach the API server at https://api.example:6443 (socket hang up)",
        );
    });
    it("401: the credentials of the context were refused, with the server's message", () => {
        assert.equal(
            failure({ code: 401, body: JSON.stringify({ kind: "Status", message: "Unauthorized" }) }),
            "the API server at https://api.example:6443 refused the credentials of context 'prod' (401: Unauthorized)",
        );
    });
    it("another HTTP code: the server's message, or the code when it gave none", () => {
        assert.equal(
            failure({ code: 403, body: { message: "pods is forbidden" } }),
            "listing pods at https://api.example:6443 failed (403: pods is forbidden)",
        );
        for (const body of [undefined, null, "", { message: 5 }, JSON.stringify({ reason: "x" }), "7"])
            assert.equal(
                failure({ code: 500, body }),
                "listing pods at https://api.example:6443 failed (500: HTTP 500)",
                JSON.stringify(body),
            );
        assert.equal(
            failure({ code: 502, body: "Bad Gateway" }),
            "listing pods at https://api.example:6443 failed (502: Bad Gateway)",
        );
    });
    it("anything else (a credential plugin that failed) and even null", () => {
        assert.equal(
            failure(new Error("exec: plugin failed\ndetail")),
            "listing pods at https://api.example:6443 failed: exec: plugin failed",
        );
        assert.equal(failure(null), "listing pods at https://api.example:6443 failed: null");
        assert.equal(failure(undefined), "listing pods at https://api.example:6443 failed: undefined");
    });
});

/** A fake API server's cluster, connected; closed after `body`. */
async function withApi(
    cluster: FakeCluster,
    body: (conn: Connection, api: Awaited<ReturnType<typeof fakeApi>>) => Promise<void>,
) {
    const api = await fakeApi(cluster);
    try {
        await body(await connect({ kubeconfig: api.kubeconfig }), api);
    } finally {
        api.close();
    }
}

const collect = async <T>(items: AsyncIterable<T>) => {
    const all: T[] = [];
    for await (const item of items) all.push(item);
    return all;
};

describe("live: lists are read page by page", () => {
    it("every page of a paged list is read, each asking for the next with the continue token", async () => {
        await withApi(bigCluster(), async (conn, api) => {
            const names = (
                await collect(
                    paged<{ metadata: { name: string } }>(
                        conn,
                        "listing pods",
                        "/api/v1/namespaces/apps-3/pods",
                        {},
                        7,
                    ),
                )
            ).map((p) => p.metadata.name);
            assert.deepEqual(
                names,
                Array.from({ length: 100 }, (_, i) => `web-767d6f4df8-${3 + 12 * i}`),
            );
            const asked = api.requests.map((r) => [r.path, r.query.get("limit"), r.query.get("continue")]);
            assert.deepEqual(
                asked,
                Array.from({ length: 15 }, (_, i) => [
                    "/api/v1/namespaces/apps-3/pods",
                    "7",
                    i === 0 ? null : String(7 * i),
                ]),
            );
            assert.ok(api.requests.every((r) => r.accept === "application/json" && r.method === "GET"));
        });
    });
    it("a server URL ending in slashes", async () => {
        const api = await fakeApi(bigCluster());
        try {
            // Three: @kubernetes/client-node drops one trailing slash itself when it loads a kubeconfig
            // (config_types.js, `server.replace(/\/$/, '')`), so with two a getJson that strips only one more passes.
            const text = fs.readFileSync(api.kubeconfig, "utf8").replace(/(server: http:\S+)/, "$1///");
            const conn = await connect({ kubeconfig: api.kubeconfig, kubeconfigText: text });
            assert.equal((await collect(pods(conn, "apps-3"))).length, 100);
            assert.deepEqual(new Set(api.requests.map((r) => r.path)), new Set(["/api/v1/namespaces/apps-3/pods"]));
        } finally {
            api.close();
        }
    });
    it("an answer of exactly the cap is read; one byte more is not", async () => {
        const body = JSON.stringify({ items: [{ metadata: { name: "a", labels: {} } }], metadata: {} });
        const cluster = bigCluster();
        cluster.raw = new Map([["/api/v1/namespaces", { code: 200, body }]]);
        const api = await fakeApi(cluster);
        try {
            const at = await connect({ kubeconfig: api.kubeconfig, maxResponseBytes: body.length });
            assert.deepEqual(
                (await namespaces(at)).map((n) => n.name),
                ["a"],
            );
            const below = await connect({ kubeconfig: api.kubeconfig, maxResponseBytes: body.length - 1 });
            await assert.rejects(namespaces(below), /is larger than \d+ bytes: not read$/);
        } finally {
            api.close();
        }
    });
    it("a 299 answer is a success; a 300 one a failure", async () => {
        const body = JSON.stringify({ items: [{ metadata: { name: "a" } }] });
        for (const [code, ok] of [
            [299, true],
            [300, false],
        ] as const) {
            const cluster = bigCluster();
            cluster.raw = new Map([["/api/v1/namespaces", { code, body }]]);
            await withApi(cluster, async (conn) => {
                if (ok) assert.equal((await namespaces(conn)).length, 1);
                else await assert.rejects(namespaces(conn), new RegExp(`failed \\(${code}: HTTP ${code}\\)$`));
            });
        }
    });
    it("an error answer rejects with its HTTP code and body, as the client's ApiException does", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([["/api/v1/namespaces", { code: 503, body: "overloaded" }]]);
        await withApi(cluster, async (conn) => {
            await assert.rejects(
                getJson(conn, "/api/v1/namespaces"),
                (e: Error & { code?: unknown; body?: unknown }) => {
                    assert.deepEqual([e.message, e.code, e.body], ["HTTP 503", 503, "overloaded"]);
                    return true;
                },
            );
        });
    });
    it("an empty continue token ends the list", async () => {
        const body = JSON.stringify({ items: [{ metadata: { name: "a" } }], metadata: { continue: "" } });
        const cluster = bigCluster();
        cluster.raw = new Map([["/api/v1/namespaces", { code: 200, body }]]);
        await withApi(cluster, async (conn, api) => {
            assert.deepEqual(
                (await namespaces(conn)).map((n) => n.name),
                ["a"],
            );
            assert.equal(api.requests.length, 1);
        });
    });
    it("an answer cut off midway: cannot reach the server, with the code", async () => {
        const server = http.createServer((req, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
            res.write('{"items": [', () => res.socket?.destroy());
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        try {
            const conn = await connect({
                kubeconfig: "kc",
                kubeconfigText: kubeconfigText(["a"], "a", `http://127.0.0.1:${port}`),
            });
            await rejectsWith(
                collect(pods(conn)),
                `cannot reach the API server at http://127.0.0.1:${port} (ECONNRESET)`,
            );
        } finally {
            server.closeAllConnections();
            server.close();
        }
    });
    it("a server that refuses the connection: cannot reach it, with the code", async () => {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        const conn = await connect({
            kubeconfig: "kc",
            kubeconfigText: kubeconfigText(["a"], "a", `http://127.0.0.1:${port}`),
        });
        await rejectsWith(
            collect(pods(conn)),
            `cannot reach the API server at http://127.0.0.1:${port} (ECONNREFUSED)`,
        );
    });
    it("an answer that is not JSON: what was asked and where", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([["/api/v1/namespaces", { code: 200, body: "<html>proxy login</html>" }]]);
        await withApi(cluster, async (conn) => {
            await assert.rejects(namespaces(conn), (e: Error) => {
                assert.equal(e.name, "UsageError");
                assert.match(
                    e.message,
                    /^listing namespaces at http:\S+ failed: the answer to GET \/api\/v1\/namespaces is not JSON \(.+\)$/,
                );
                return true;
            });
        });
    });
});

describe("live: namespaces, webhooks and pods of the cluster", () => {
    it("one namespace: its labels, with the kubeconfig's token sent", async () => {
        await withApi(bigCluster(), async (conn, api) => {
            assert.deepEqual(await namespaces(conn, "apps-3"), [
                { name: "apps-3", labels: { "istio.io/rev": "1-31-0" } },
            ]);
            assert.equal(api.requests[0].authorization, "Bearer t");
        });
    });
    it("one namespace without labels: no labels", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([
            ["/api/v1/namespaces/bare", { code: 200, body: JSON.stringify({ metadata: { name: "bare" } }) }],
        ]);
        await withApi(cluster, async (conn) => {
            assert.deepEqual(await namespaces(conn, "bare"), [{ name: "bare", labels: {} }]);
        });
    });
    it("the pods of one namespace are asked for with its name escaped in the path", async () => {
        await withApi(bigCluster(), async (conn, api) => {
            assert.deepEqual(await collect(pods(conn, "a/b")), []);
            assert.deepEqual(
                api.requests.map((r) => r.path),
                ["/api/v1/namespaces/a%2Fb/pods"],
            );
        });
    });
    it("a namespace that does not exist is bad input naming the context", async () => {
        await withApi(bigCluster(), async (conn) => {
            await rejectsWith(namespaces(conn, "nope"), "namespace 'nope' does not exist (context 'fake')");
        });
    });
    it("a namespace that cannot be read: what failed and the server's message", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([
            ["/api/v1/namespaces/apps-3", { code: 500, body: JSON.stringify({ message: "etcd down" }) }],
        ]);
        await withApi(cluster, async (conn) => {
            await rejectsWith(
                namespaces(conn, "apps-3"),
                `reading namespace apps-3 at ${conn.server} failed (500: etcd down)`,
            );
        });
    });
    it("all namespaces: names, labels, owners, and which are being deleted", async () => {
        const cluster = bigCluster();
        const items = [
            { metadata: { name: "a", labels: { x: "1" }, deletionTimestamp: "2026-12-01T18:00:00Z" } },
            { metadata: { name: "b", ownerReferences: [{ kind: "Stack", name: "s" }] } },
            {},
        ];
        cluster.raw = new Map([["/api/v1/namespaces", { code: 200, body: JSON.stringify({ items }) }]]);
        await withApi(cluster, async (conn) => {
            assert.deepEqual(await namespaces(conn), [
                { name: "a", labels: { x: "1" }, ownerReferences: [], terminating: true },
                { name: "b", labels: {}, ownerReferences: [{ kind: "Stack", name: "s" }] },
                { name: "", labels: {}, ownerReferences: [] },
            ]);
        });
    });
    it("a list answer without items is an empty list", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([["/api/v1/namespaces", { code: 200, body: JSON.stringify({ metadata: {} }) }]]);
        await withApi(cluster, async (conn) => {
            assert.deepEqual(await namespaces(conn), []);
        });
    });
    it("webhook configurations: their names, labels and webhooks' names only, none when they have none", async () => {
        const cluster = bigCluster();
        const items = [
            { metadata: { name: "istio-sidecar-injector-1-32-0", labels: { "istio.io/rev": "1-32-0" } } },
            {
                metadata: { name: "istio-sidecar-injector", labels: { "istio.io/rev": "default" }, uid: "u" },
                webhooks: [
                    { name: "namespace.sidecar-injector.istio.io", clientConfig: { service: { name: "istiod" } } },
                    { name: "object.sidecar-injector.istio.io", sideEffects: "None" },
                ],
            },
        ];
        cluster.raw = new Map([
            [
                "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                { code: 200, body: JSON.stringify({ items }) },
            ],
        ]);
        await withApi(cluster, async (conn) => {
            assert.deepEqual(await injectionWebhooks(conn), [
                {
                    metadata: { name: "istio-sidecar-injector-1-32-0", labels: { "istio.io/rev": "1-32-0" } },
                    webhooks: [],
                },
                {
                    metadata: { name: "istio-sidecar-injector", labels: { "istio.io/rev": "default" } },
                    webhooks: [
                        { name: "namespace.sidecar-injector.istio.io" },
                        { name: "object.sidecar-injector.istio.io" },
                    ],
                },
            ]);
        });
    });
    it("the injection webhooks are asked for by the istio.io/rev label", async () => {
        await withApi(bigCluster(), async (conn, api) => {
            const found = await injectionWebhooks(conn);
            assert.ok(found !== undefined && found.length > 0);
            assert.deepEqual(
                api.requests.map((r) => [r.path, r.query.get("labelSelector")]),
                [["/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", "istio.io/rev"]],
            );
        });
    });
    it("webhooks one may not list (403) are unknown; another failure is an error", async () => {
        const path403 = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
        for (const [code, want] of [
            [403, undefined],
            [500, "listing MutatingWebhookConfigurations at URL failed (500: HTTP 500)"],
        ] as const) {
            const cluster = bigCluster();
            cluster.raw = new Map([[path403, { code, body: "" }]]);
            await withApi(cluster, async (conn) => {
                if (want === undefined) assert.equal(await injectionWebhooks(conn), undefined);
                else await rejectsWith(injectionWebhooks(conn), want.replace("URL", conn.server));
            });
        }
    });
    it("a failed pod list names the namespace asked for, or none", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([
            ["/api/v1/namespaces/apps-3/pods", { code: 500, body: "" }],
            ["/api/v1/pods", { code: 500, body: "" }],
        ]);
        await withApi(cluster, async (conn) => {
            await rejectsWith(
                collect(pods(conn, "apps-3")),
                `listing pods in apps-3 at ${conn.server} failed (500: HTTP 500)`,
            );
            await rejectsWith(collect(pods(conn)), `listing pods at ${conn.server} failed (500: HTTP 500)`);
        });
    });
});

describe("live: the controllers of ReplicaSets and Jobs", () => {
    const cronJobbed = (name: string) => ({
        metadata: {
            name,
            namespace: "apps-3",
            ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "nightly", controller: true }],
        },
    });
    it("each is read once: a ReplicaSet's Deployment, a Job's CronJob, none for one that is gone", async () => {
        const cluster = bigCluster();
        webDeployment(cluster, { metadata: { name: "web" } });
        cluster.jobs = new Map([["apps-3/nightly-1", cronJobbed("nightly-1")]]);
        await withApi(cluster, async (conn, api) => {
            const index: OwnerIndex = new Map([
                [ownerKey("Job", "apps-3", "known"), { kind: "CronJob", name: "kept" }],
            ]);
            await readOwners(
                conn,
                [
                    { kind: "ReplicaSet", namespace: "apps-3", name: "web-767d6f4df8" },
                    { kind: "ReplicaSet", namespace: "apps-3", name: "web-767d6f4df8" },
                    { kind: "Job", namespace: "apps-3", name: "nightly-1" },
                    { kind: "Job", namespace: "apps-3", name: "gone" },
                    { kind: "Job", namespace: "apps-3", name: "known" },
                ],
                index,
            );
            assert.deepEqual(
                new Map(index),
                new Map([
                    [ownerKey("Job", "apps-3", "known"), { kind: "CronJob", name: "kept" }],
                    [ownerKey("ReplicaSet", "apps-3", "web-767d6f4df8"), { kind: "Deployment", name: "web" }],
                    [ownerKey("Job", "apps-3", "nightly-1"), { kind: "CronJob", name: "nightly" }],
                    [ownerKey("Job", "apps-3", "gone"), null],
                ]),
            );
            assert.deepEqual(api.requests.map((r) => r.path).sort(), [
                "/apis/apps/v1/namespaces/apps-3/replicasets/web-767d6f4df8",
                "/apis/batch/v1/namespaces/apps-3/jobs/gone",
                "/apis/batch/v1/namespaces/apps-3/jobs/nightly-1",
            ]);
        });
    });
    it("every one of more than 8 is read", async () => {
        const cluster = bigCluster();
        const names = Array.from({ length: 20 }, (_, i) => `job-${i}`);
        cluster.jobs = new Map(names.map((n) => [`apps-3/${n}`, cronJobbed(n)]));
        await withApi(cluster, async (conn) => {
            const index: OwnerIndex = new Map();
            await readOwners(
                conn,
                names.map((name) => ({ kind: "Job", namespace: "apps-3", name })),
                index,
            );
            assert.equal(index.size, 20);
            assert.ok([...index.values()].every((o) => o?.kind === "CronJob"));
        });
    });
    it("at most 8 are read at a time, each next one as soon as one is done", async () => {
        const pending: Array<{ name: string; answer: () => void }> = [];
        const read = ({ name }: { name: string }) =>
            new Promise<{ metadata: object }>((resolve) =>
                pending.push({
                    name,
                    answer: () =>
                        resolve({
                            metadata: { ownerReferences: [{ kind: "CronJob", name: "nightly", controller: true }] },
                        }),
                }),
            );
        const conn = { server: "https://api.example", context: "prod", batch: { readNamespacedJob: read } };
        const names = Array.from({ length: 20 }, (_, i) => `job-${i}`);
        const index: OwnerIndex = new Map();
        const done = readOwners(
            conn as unknown as Connection,
            names.map((name) => ({ kind: "Job", namespace: "apps-3", name })),
            index,
        );
        const settle = () => new Promise((resolve) => setImmediate(resolve));
        await settle();
        assert.deepEqual(
            pending.map((p) => p.name),
            names.slice(0, 8),
        );
        pending[0].answer();
        await settle();
        assert.deepEqual(
            pending.map((p) => p.name),
            names.slice(0, 9),
        );
        for (let answered = 1; answered < 20; answered++) {
            pending[answered].answer();
            await settle();
        }
        await done;
        assert.equal(index.size, 20);
        assert.ok([...index.values()].every((o) => o?.kind === "CronJob" && o.name === "nightly"));
    });
    it("a read that fails other than 404 is an error naming the object", async () => {
        const cluster = bigCluster();
        cluster.raw = new Map([
            [
                "/apis/apps/v1/namespaces/apps-3/replicasets/rs-1",
                { code: 500, body: JSON.stringify({ message: "boom" }) },
            ],
        ]);
        await withApi(cluster, async (conn) => {
            await rejectsWith(
                readOwners(conn, [{ kind: "ReplicaSet", namespace: "apps-3", name: "rs-1" }], new Map()),
                `reading ReplicaSet apps-3/rs-1 at ${conn.server} failed (500: boom)`,
            );
        });
    });
});

describe("live: the client's own requests time out", () => {
    it("reading one namespace from a server that never answers", async () => {
        const server = http.createServer(() => undefined);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        try {
            const conn = await connect({
                kubeconfig: "kc",
                kubeconfigText: kubeconfigText(["a"], "a", `http://127.0.0.1:${port}`),
                requestTimeoutMs: 300,
            });
            await rejectsWith(
                namespaces(conn, "apps-3"),
                `cannot reach the API server at http://127.0.0.1:${port}: no answer to reading namespace apps-3 in time`,
            );
        } finally {
            server.closeAllConnections();
            server.close();
        }
    });
});
