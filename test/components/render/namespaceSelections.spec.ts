/** What the configuration makes each namespace select (components/render/namespaceSelections.ts). */
import * as assert from "node:assert/strict";
import { validateConfig } from "../../../components/config/config";
import { namespaceSelections } from "../../../components/render/namespaceSelections";

const base = { cloud: "existing", existing: { kubeconfig: "~/.kube/config" } };

describe("components/render/namespaceSelections", () => {
    it("two revisions: namespaces, one canary each (through its tag), tags with the default, Formance by tag", () => {
        const spec = validateConfig({
            ...base,
            mesh: {
                method: "helm",
                revisions: [{ version: "1.28.1" }, { version: "1.29.0" }],
                revisionTags: [{ name: "prod", revision: "1-29-0" }],
                defaultRevision: "1-28-1",
            },
            namespaces: [
                { name: "apps", revision: "1-28-1" },
                { name: "web", revisionTag: "prod" },
            ],
            formance: { stacks: ["ledger"], namespaceRevisionTag: "prod" },
        });
        assert.deepEqual(namespaceSelections(spec), {
            revisions: ["1-28-1", "1-29-0"],
            tags: { prod: "1-29-0", default: "1-28-1" },
            namespaces: {
                apps: "1-28-1",
                web: "prod",
                "nativemesh-canary": "1-28-1",
                "nativemesh-canary-1-29-0": "prod",
            },
            canaryNamespace: "nativemesh-canary",
            formance: { stacks: ["ledger"], wanted: "prod", key: "formance.namespaceRevisionTag" },
        });
    });

    it("one revision: everything selects it; Formance by the implied revision, named by namespaceLabel", () => {
        const spec = validateConfig({
            ...base,
            mesh: { method: "helm", version: "1.29.0" },
            namespaces: [{ name: "apps" }],
            formance: {},
            canary: { enabled: false },
        });
        assert.deepEqual(namespaceSelections(spec), {
            revisions: ["1-29-0"],
            tags: {},
            namespaces: { apps: "1-29-0" },
            canaryNamespace: "nativemesh-canary",
            formance: { stacks: ["*"], wanted: "1-29-0", key: "formance.namespaceLabel" },
        });
    });

    it("asmcli installs no Helm revision, so every Helm istiod of the cluster is one the update removes", () => {
        const spec = validateConfig({
            ...base,
            mesh: { method: "asmcli", version: "1.19.10-asm.26", asmcli: { fleetId: "fleet" } },
            formance: { namespaceLabel: false },
        });
        const selections = namespaceSelections(spec);
        assert.deepEqual(selections.revisions, []);
        assert.equal(selections.formance, undefined);
    });
});
