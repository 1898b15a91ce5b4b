/** `status --desired` (cli/live/desired.ts): the stack's selections against live labels; bad files exit 2. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { disagreementLines, disagreements, readDesired } from "../../../cli/live/desired";
import { UsageError } from "../../../cli/inputFiles";
import { tempDir } from "../../support/tempDir";

const SELECTIONS = {
    namespaces: { apps: "1-29-0", web: "prod", gone: "1-29-0" },
    formance: { stacks: ["*"], wanted: "prod", key: "formance.namespaceRevisionTag" },
};

const owned = (name: string, labels: Record<string, string>) => ({
    name,
    labels,
    ownerReferences: [{ apiVersion: "formance.com/v1beta1", kind: "Stack", name, controller: true }],
});

describe("cli/live/desired", () => {
    it("reads namespaceSelections from `pulumi stack output --json`, or the object alone", () => {
        const dir = tempDir("desired");
        const outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify({ revision: "1-29-0", namespaceSelections: SELECTIONS }));
        assert.deepEqual(readDesired(outputs), SELECTIONS);
        const alone = path.join(dir, "alone.json");
        fs.writeFileSync(alone, JSON.stringify(SELECTIONS));
        assert.deepEqual(readDesired(alone), SELECTIONS);
    });

    it("refuses outputs without the selections in one line naming the file", () => {
        const file = path.join(tempDir("desired"), "old.json");
        fs.writeFileSync(file, JSON.stringify({ revision: "1-29-0" }));
        assert.throws(
            () => readDesired(file),
            (err: unknown) =>
                err instanceof UsageError &&
                err.message ===
                    `${file}: no namespaceSelections output (write it with \`pulumi stack output --json > ${file}\` from a stack deployed by this nativemesh)`,
        );
    });

    it("lists each declared or Formance namespace whose live label is not the stack's", () => {
        const found = disagreements(SELECTIONS, [
            { name: "apps", labels: { "istio.io/rev": "1-28-1" } },
            { name: "web", labels: { "istio.io/rev": "prod" } },
            owned("ledger", { "istio.io/rev": "1-28-1" }),
            owned("payments", { "istio.io/rev": "prod" }),
            owned("unlabelled", {}),
            { name: "other", labels: { "istio.io/rev": "1-28-1" } },
            { name: "injection", labels: { "istio-injection": "enabled" } },
        ]);
        assert.deepEqual(found, [
            { namespace: "apps", live: "istio.io/rev=1-28-1", wanted: "istio.io/rev=1-29-0", from: "namespaces" },
            {
                namespace: "gone",
                live: "none",
                wanted: "istio.io/rev=1-29-0",
                from: "namespaces",
                missing: true,
            },
            {
                namespace: "ledger",
                live: "istio.io/rev=1-28-1",
                wanted: "istio.io/rev=prod",
                from: "formance.namespaceRevisionTag",
            },
            {
                namespace: "unlabelled",
                live: "none",
                wanted: "istio.io/rev=prod",
                from: "formance.namespaceRevisionTag",
            },
        ]);
        assert.deepEqual(disagreementLines(found.slice(0, 2)), [
            "namespaces whose label is not the stack's (2):",
            "  apps: carries istio.io/rev=1-28-1; the stack selects istio.io/rev=1-29-0 (namespaces)",
            "  gone: does not exist; the stack selects istio.io/rev=1-29-0 (namespaces)",
        ]);
        assert.deepEqual(disagreementLines([]), [
            "every namespace carries the selection the stack asks for (--desired)",
        ]);
    });

    it("refuses outputs that are not JSON in one line naming the file and the stack outputs", () => {
        const file = path.join(tempDir("desired"), "outputs.json");
        fs.writeFileSync(file, "Current stack outputs (2):\n");
        assert.throws(
            () => readDesired(file),
            (err: unknown) =>
                err instanceof UsageError &&
                err.message.startsWith(`${file}: the stack outputs is not JSON (`) &&
                !err.message.includes("\n"),
        );
    });

    it("a declared namespace labelled istio-injection=enabled carries that label, whatever its istio.io/rev says", () => {
        const found = disagreements({ namespaces: { apps: "1-29-0", web: "1-29-0" } }, [
            { name: "apps", labels: { "istio-injection": "enabled" } },
            { name: "web", labels: { "istio-injection": "enabled", "istio.io/rev": "1-29-0" } },
        ]);
        assert.deepEqual(found, [
            { namespace: "apps", live: "istio-injection=enabled", wanted: "istio.io/rev=1-29-0", from: "namespaces" },
            { namespace: "web", live: "istio-injection=enabled", wanted: "istio.io/rev=1-29-0", from: "namespaces" },
        ]);
    });

    it("a declared namespace that Formance also owns is held to its declared selection only", () => {
        const found = disagreements(SELECTIONS, [
            owned("apps", { "istio.io/rev": "1-29-0" }),
            owned("web", { "istio.io/rev": "1-28-1" }),
            { name: "gone", labels: { "istio.io/rev": "1-29-0" } },
        ]);
        assert.deepEqual(found, [
            { namespace: "web", live: "istio.io/rev=1-28-1", wanted: "istio.io/rev=prod", from: "namespaces" },
        ]);
    });

    it("declared and Formance namespaces are listed together, sorted by name", () => {
        const found = disagreements(SELECTIONS, [
            { name: "apps", labels: {} },
            { name: "web", labels: {} },
            owned("zeta", {}),
            owned("alpha", {}),
            owned("billing", {}),
        ]);
        assert.deepEqual(
            found.map((d) => [d.namespace, d.from]),
            [
                ["alpha", "formance.namespaceRevisionTag"],
                ["apps", "namespaces"],
                ["billing", "formance.namespaceRevisionTag"],
                ["gone", "namespaces"],
                ["web", "namespaces"],
                ["zeta", "formance.namespaceRevisionTag"],
            ],
        );
    });
});
