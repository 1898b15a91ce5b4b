/** How the guard words a removal (components/revisionGuard.ts, removalCause): by the key that drops the revision. */
import * as assert from "node:assert/strict";
import { validateConfig } from "../../components/config/config";
import { removalCause } from "../../components/revisionGuard";

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
