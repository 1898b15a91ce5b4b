/**
 * The guard's reads (components/live/guard.ts) against a small in-process API server (plain HTTP on 127.0.0.1),
 * given the kubeconfig's contents as the program gets them from the provider: the one cheap read when nothing
 * goes, what it reads when a revision goes, and the refusals it returns. The real API server, Helm and engine
 * are e2e/specs/guard.ts's.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { guardRefusals, type GuardInput } from "../../../components/live/guard";
import { guardApi as fakeApi, istiod } from "../../support/guardApi";
import { tempDir } from "../../support/tempDir";

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

    it("names the failed read of the istiod Deployments and the mesh namespace it lists", async () => {
        const api = await fakeApi({ deployments: "forbidden", namespaces: [], webhooks: [], pods: [] });
        try {
            await assert.rejects(guardRefusals(input(api.kubeconfig)), {
                name: "UsageError",
                message: `listing istiod Deployments in istio-system at ${api.url} failed (403: forbidden)`,
            });
        } finally {
            api.close();
        }
    });

    it("finds a revision whose chart wrote no istio.labels by Helm's release annotation, and judges its removal", async () => {
        const api = await fakeApi({
            deployments: [
                istiod("1-29-0"),
                {
                    metadata: {
                        name: "istiod-1-28-1",
                        labels: { app: "istiod", "istio.io/rev": "1-28-1" },
                        annotations: { "meta.helm.sh/release-name": "istiod-1-28-1" },
                    },
                },
            ],
            namespaces: [],
            webhooks: [],
            pods: PODS,
        });
        try {
            assert.deepEqual(await guardRefusals(input(api.kubeconfig)), [
                'nativemesh:mesh.revisions: removes revision 1-28-1, which the cluster still uses: 1 pod carries its sidecar (apps/web-1). Move these selectors to a revision that stays, run `nativemesh restart` so the pods get its sidecar, then remove 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            ]);
        } finally {
            api.close();
        }
    });

    it("reads a kubeconfig file given by path and names it in its errors; contents are named the stack's kubeconfig", async () => {
        const api = await fakeApi({ deployments: [istiod("1-29-0")], namespaces: [], webhooks: [], pods: [] });
        try {
            const file = path.join(tempDir("guard"), "kubeconfig");
            fs.writeFileSync(file, api.kubeconfig);
            assert.deepEqual(await guardRefusals(input(file)), []);
            await assert.rejects(guardRefusals(input(file, { context: "elsewhere" })), {
                name: "UsageError",
                message: `${file}: no context 'elsewhere' (contexts: fake)`,
            });
            await assert.rejects(guardRefusals(input(api.kubeconfig, { context: "elsewhere" })), {
                name: "UsageError",
                message: "the stack's kubeconfig: no context 'elsewhere' (contexts: fake)",
            });
        } finally {
            api.close();
        }
    });

    it("with no revision going, compares the Formance namespaces without reading webhooks or pods", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-29-0")],
            namespaces: [
                {
                    metadata: {
                        name: "ledger",
                        labels: { "istio.io/rev": "1-29-0" },
                        ownerReferences: [{ apiVersion: "formance.com/v1beta1", kind: "Stack", name: "ledger" }],
                    },
                },
            ],
            webhooks: "forbidden",
            pods: PODS,
        });
        try {
            const formance = { stacks: ["*"], wanted: "1-29-0", key: "formance.namespaceRevision" };
            assert.deepEqual(await guardRefusals(input(api.kubeconfig, { formance })), []);
            assert.deepEqual(api.requests, [
                "/apis/apps/v1/namespaces/istio-system/deployments?app=istiod",
                "/api/v1/namespaces",
            ]);
        } finally {
            api.close();
        }
    });

    it("names every revision going when it cannot read the webhook configurations", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-27-0"), istiod("1-28-1"), istiod("1-29-0")],
            namespaces: [],
            webhooks: "forbidden",
            pods: [],
        });
        try {
            await assert.rejects(guardRefusals(input(api.kubeconfig)), {
                name: "UsageError",
                message:
                    "the credentials of context 'fake' may not list MutatingWebhookConfigurations, so the guard cannot tell what selects revision 1-27-0, 1-28-1 before it goes",
            });
        } finally {
            api.close();
        }
    });

    it("words each revision's refusal by how the configuration drops that revision", async () => {
        const api = await fakeApi({
            deployments: [istiod("1-27-0"), istiod("1-28-1"), istiod("1-29-0")],
            namespaces: [],
            webhooks: [],
            pods: [
                ...PODS,
                {
                    metadata: {
                        namespace: "apps",
                        name: "old-1",
                        annotations: { "sidecar.istio.io/status": JSON.stringify({ revision: "1-27-0" }) },
                    },
                    spec: { containers: [{ name: "old" }, { name: "istio-proxy" }] },
                    status: { phase: "Running" },
                },
            ],
        });
        try {
            const refusals = await guardRefusals(
                input(api.kubeconfig, {
                    causeOf: (removed) => ({
                        kind: "bump",
                        fromVersion: removed.version,
                        toVersion: "1.29.0",
                        toRevision: "1-29-0",
                    }),
                }),
            );
            assert.deepEqual(refusals, [
                'nativemesh:mesh.version: 1.27.0 -> 1.29.0 would replace revision 1-27-0 by 1-29-0 in one update, but the cluster still uses 1-27-0: 1 pod carries its sidecar (apps/old-1). Upgrade by canary (istio.io "Canary upgrades"): list both revisions, mesh.revisions: [{version: "1.27.0"}, {version: "1.29.0"}] in place of mesh.version; move the namespaces, tags and formance.namespaceRevision to 1-29-0; run `nativemesh restart`; then drop 1-27-0; or set nativemesh:mesh.allowRemoval: ["1-27-0"] to remove it anyway',
                'nativemesh:mesh.version: 1.28.1 -> 1.29.0 would replace revision 1-28-1 by 1-29-0 in one update, but the cluster still uses 1-28-1: 1 pod carries its sidecar (apps/web-1). Upgrade by canary (istio.io "Canary upgrades"): list both revisions, mesh.revisions: [{version: "1.28.1"}, {version: "1.29.0"}] in place of mesh.version; move the namespaces, tags and formance.namespaceRevision to 1-29-0; run `nativemesh restart`; then drop 1-28-1; or set nativemesh:mesh.allowRemoval: ["1-28-1"] to remove it anyway',
            ]);
        } finally {
            api.close();
        }
    });
});
