/**
 * The guard's reads (components/live/guard.ts) against a small in-process API server (plain HTTP on 127.0.0.1),
 * given the kubeconfig's contents as the program gets them from the provider: the one cheap read when nothing
 * goes, what it reads when a revision goes, and the refusals it returns. The real API server, Helm and engine
 * are e2e/specs/guard.ts's.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { guardRefusals, type GuardInput } from "../../../components/live/guard";

interface Served {
    deployments: unknown[];
    namespaces: unknown[];
    webhooks: unknown[] | "forbidden";
    pods: unknown[];
}

async function fakeApi(served: Served) {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        requests.push(
            `${url.pathname}${url.searchParams.get("labelSelector") ? `?${url.searchParams.get("labelSelector")}` : ""}`,
        );
        const send = (code: number, body: unknown) => {
            res.statusCode = code;
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(body));
        };
        const list = (items: unknown[]) => send(200, { metadata: {}, items });
        switch (url.pathname) {
            case "/apis/apps/v1/namespaces/istio-system/deployments":
                return list(served.deployments);
            case "/api/v1/namespaces":
                return list(served.namespaces);
            case "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations":
                return served.webhooks === "forbidden"
                    ? send(403, { kind: "Status", code: 403, message: "forbidden" })
                    : list(served.webhooks);
            case "/api/v1/pods":
                return list(served.pods);
            default:
                return send(404, { kind: "Status", code: 404, message: "not found" });
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const kubeconfig = [
        "apiVersion: v1",
        "kind: Config",
        `clusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
        "users:\n- name: u\n  user:\n    token: t",
        "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: u",
        "current-context: fake",
        "",
    ].join("\n");
    return {
        kubeconfig,
        requests,
        close: () => {
            server.closeAllConnections();
            server.close();
        },
    };
}

const istiod = (revision: string) => ({
    metadata: {
        name: `istiod-${revision}`,
        labels: {
            app: "istiod",
            "istio.io/rev": revision,
            "app.kubernetes.io/instance": `istiod-${revision}`,
            "app.kubernetes.io/version": revision.replace(/-/g, "."),
        },
    },
});

const input = (kubeconfig: string, over: Partial<GuardInput> = {}): GuardInput => ({
    kubeconfig,
    meshNamespace: "istio-system",
    desired: { revisions: ["1-29-0"], tags: {}, namespaces: { apps: "1-29-0" }, canaryNamespace: "nativemesh-canary" },
    allowRemoval: [],
    causeOf: () => ({ kind: "dropped", key: "nativemesh:mesh.revisions" }),
    ...over,
});

const PODS = [
    {
        metadata: {
            namespace: "apps",
            name: "web-1",
            annotations: { "sidecar.istio.io/status": JSON.stringify({ revision: "1-28-1" }) },
        },
        spec: { initContainers: [{ name: "istio-proxy", restartPolicy: "Always" }], containers: [{ name: "web" }] },
        status: { phase: "Running" },
    },
];

describe("components/live/guard", () => {
    it("reads only the istiod Deployments when every installed revision stays", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-29-0")],
            namespaces: [],
            webhooks: [],
            pods: PODS,
        });
        try {
            assert.deepEqual(await guardRefusals(input(api.kubeconfig)), []);
            assert.deepEqual(api.requests, ["/apis/apps/v1/namespaces/istio-system/deployments?app=istiod"]);
        } finally {
            api.close();
        }
    });

    it("refuses a revision a pod and an undeclared namespace still use, naming them", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-28-1"), istiod("1-29-0")],
            namespaces: [
                { metadata: { name: "apps", labels: { "istio.io/rev": "1-28-1" } } },
                { metadata: { name: "legacy", labels: { "istio.io/rev": "1-28-1" } } },
            ],
            webhooks: [],
            pods: PODS,
        });
        try {
            assert.deepEqual(await guardRefusals(input(api.kubeconfig)), [
                'nativemesh:mesh.revisions: removes revision 1-28-1, which the cluster still uses: 1 pod carries its sidecar (apps/web-1); 1 namespace selects it (legacy: istio.io/rev=1-28-1). Move these selectors to a revision that stays, run `nativemesh restart` so the pods get its sidecar, then remove 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            ]);
            // The removal allowed: nothing to judge but that the override names an installed revision.
            assert.deepEqual(await guardRefusals(input(api.kubeconfig, { allowRemoval: ["1-28-1", "1-27-0"] })), [
                "nativemesh:mesh.allowRemoval[1]: '1-27-0' is not an istiod revision on the cluster (installed: 1-28-1, 1-29-0); it overrides the guard for one removal only: drop it once that revision is gone",
            ]);
        } finally {
            api.close();
        }
    });

    it("cannot judge a removal without the webhook configurations, and says so", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-28-1")],
            namespaces: [],
            webhooks: "forbidden",
            pods: [],
        });
        try {
            await assert.rejects(guardRefusals(input(api.kubeconfig)), {
                name: "UsageError",
                message:
                    "the credentials of context 'fake' may not list MutatingWebhookConfigurations, so the guard cannot tell what selects revision 1-28-1 before it goes",
            });
        } finally {
            api.close();
        }
    });

    it("refuses moving the Formance namespaces while one the operator made carries another selection", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-29-0")],
            namespaces: [
                {
                    metadata: {
                        name: "ledger",
                        labels: { "istio.io/rev": "1-28-1" },
                        ownerReferences: [{ apiVersion: "formance.com/v1beta1", kind: "Stack", name: "ledger" }],
                    },
                },
            ],
            webhooks: [],
            pods: [],
        });
        try {
            const refusals = await guardRefusals(
                input(api.kubeconfig, {
                    formance: { stacks: ["*"], wanted: "1-29-0", key: "formance.namespaceRevision" },
                }),
            );
            assert.equal(refusals.length, 1);
            assert.match(refusals[0], /^nativemesh:formance\.namespaceRevision: .* ledger \(istio\.io\/rev=1-28-1\)\./);
        } finally {
            api.close();
        }
    });
});
