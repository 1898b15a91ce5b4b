/** How the guard words a removal (components/revisionGuard.ts, removalCause): by the key that drops the revision. */
import * as assert from "node:assert/strict";
import { validateConfig } from "../../components/config/config";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { behindGate, gateList, removalCause, revisionGuard } from "../../components/revisionGuard";
import { guardApi, istiod } from "../support/guardApi";

const spec = (mesh: Record<string, unknown>) =>
    validateConfig({
        cloud: "existing",
        existing: { kubeconfig: "~/.kube/config" },
        mesh: { method: "helm", ...mesh },
        canary: { enabled: false },
    });
const live = { revision: "1-28-1", version: "1.28.1" };

describe("components/revisionGuard", () => {
    it("a changed mesh.version of a one-revision stack is a bump to the new revision", () => {
        assert.deepEqual(removalCause(spec({ version: "1.29.0" }), live), {
            kind: "bump",
            fromVersion: "1.28.1",
            toVersion: "1.29.0",
            toRevision: "1-29-0",
        });
    });

    it("a renamed revision, a revision left out of mesh.revisions and a change of method name their key", () => {
        assert.deepEqual(removalCause(spec({ version: "1.28.1", revision: "blue" }), live), {
            kind: "dropped",
            key: "nativemesh:mesh.revision",
        });
        assert.deepEqual(removalCause(spec({ revisions: [{ version: "1.29.0" }] }), live), {
            kind: "dropped",
            key: "nativemesh:mesh.revisions",
        });
        assert.deepEqual(
            removalCause(spec({ method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "f" } }), live),
            { kind: "dropped", key: "nativemesh:mesh.method" },
        );
    });
});

describe("components/revisionGuard: the gate the mesh waits for", () => {
    // The SDK's run settings (internal module): a test program under the mocks leaves its mock monitor set for the
    // tests after it; _reset gives the state of a program with no monitor of either kind.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdkSettings = require("@pulumi/pulumi/runtime/settings") as { _reset(): void };
    const provider = { name: "the cluster's provider" } as unknown as k8s.Provider;
    const gate = (kubeconfig: string, mesh: Record<string, unknown>) => {
        sdkSettings._reset();
        const output = revisionGuard(spec(mesh), { kubeconfig: pulumi.output(kubeconfig), provider });
        assert.ok(output !== undefined, "no gate outside the mocks");
        return (output as unknown as { promise(): Promise<unknown> }).promise();
    };

    it("is no gate under the mocks: there is no cluster to read", async () => {
        await pulumi.runtime.setMocks({
            newResource: (args) => ({ id: args.name, state: args.inputs }),
            call: () => ({}),
        });
        assert.equal(
            revisionGuard(spec({ version: "1.29.0" }), { kubeconfig: pulumi.output("x"), provider }),
            undefined,
        );
    });

    it("passes the cluster's provider on when every installed revision stays", async () => {
        const api = await guardApi({ deployments: [istiod("1-29-0")], namespaces: [], webhooks: [], pods: [] });
        try {
            assert.equal(await gate(api.kubeconfig, { version: "1.29.0" }), provider);
        } finally {
            api.close();
        }
    });

    it("fails with the guard's refusal, naming the key, when a bump removes a revision a namespace still selects", async () => {
        const api = await guardApi({
            deployments: [istiod("1-28-1")],
            namespaces: [{ metadata: { name: "legacy", labels: { "istio.io/rev": "1-28-1" } } }],
            webhooks: [],
            pods: [],
        });
        try {
            await assert.rejects(gate(api.kubeconfig, { version: "1.29.0" }), (error: Error) => {
                assert.ok(error instanceof pulumi.RunError, String(error));
                assert.match(error.message, /^nativemesh:mesh\.version: .*1-28-1.*legacy: istio\.io\/rev=1-28-1/s);
                return true;
            });
        } finally {
            api.close();
        }
    });

    it("puts each refusal on lines of its own when a bump removes two revisions in use", async () => {
        const api = await guardApi({
            deployments: [istiod("1-28-1"), istiod("1-29-0")],
            namespaces: [
                { metadata: { name: "legacy", labels: { "istio.io/rev": "1-28-1" } } },
                { metadata: { name: "current", labels: { "istio.io/rev": "1-29-0" } } },
            ],
            webhooks: [],
            pods: [],
        });
        try {
            await assert.rejects(gate(api.kubeconfig, { version: "1.30.0" }), (error: Error) => {
                const starts = error.message.split("\n").filter((line) => line.startsWith("nativemesh:mesh.version: "));
                assert.equal(starts.length, 2, error.message);
                assert.match(starts[0], /1-28-1/);
                assert.match(starts[1], /1-29-0/);
                return true;
            });
        } finally {
            api.close();
        }
    });

    it("fails naming the cluster it could not read", async () => {
        const api = await guardApi({ deployments: "forbidden", namespaces: [], webhooks: [], pods: [] });
        try {
            await assert.rejects(gate(api.kubeconfig, { version: "1.29.0" }), (error: Error) => {
                assert.ok(error instanceof pulumi.RunError, String(error));
                assert.match(error.message, /^nativemesh: the update-time guard could not read the cluster: /);
                return true;
            });
        } finally {
            api.close();
        }
    });
});

describe("components/revisionGuard: behindGate", () => {
    it("adds the gate to what the mesh install waits for, after the cluster's own; no gate changes nothing", () => {
        const pool = { name: "pool" } as unknown as pulumi.Resource;
        const cluster = { ready: [pool], kubeconfig: "k" };
        assert.equal(behindGate(cluster, undefined), cluster);
        const gate = pulumi.output(pool);
        const gated = behindGate(cluster, gate);
        assert.deepEqual(gated, { ready: [pool, gate], kubeconfig: "k" });
        assert.deepEqual(cluster.ready, [pool], "the cluster's own list is left as it was");
    });

    it("gateList: the gate alone, or nothing without one (Formance's Settings wait for it so)", () => {
        const gate = pulumi.output({ name: "pool" } as unknown as pulumi.Resource);
        assert.deepEqual(gateList(gate), [gate]);
        assert.deepEqual(gateList(undefined), []);
    });
});
