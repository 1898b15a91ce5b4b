/** The Formance namespaces and their drift (components/live/formanceNamespaces.ts); whole refusal messages. */
import * as assert from "node:assert/strict";
import type { NamespaceInfo } from "../../../components/live/cluster";
import { formanceDrift, formanceRefusal, isFormanceNamespace } from "../../../components/live/formanceNamespaces";

/** A namespace as the operator makes it: named after the Stack, which is its controller. */
const stackNamespace = (name: string, rev?: string): NamespaceInfo => ({
    name,
    labels: rev === undefined ? {} : { "istio.io/rev": rev },
    ownerReferences: [{ apiVersion: "formance.com/v1beta1", kind: "Stack", name, controller: true }],
});

describe("components/live/formanceNamespaces", () => {
    it("with `*`, the namespaces a formance.com Stack owns; with names, the namespaces of those names", () => {
        const other: NamespaceInfo = {
            name: "ledger-b",
            labels: {},
            ownerReferences: [{ apiVersion: "example.com/v1", kind: "Stack", name: "ledger-b" }],
        };
        assert.equal(isFormanceNamespace(stackNamespace("ledger-a"), ["*"]), true);
        assert.equal(isFormanceNamespace(other, ["*"]), false);
        assert.equal(isFormanceNamespace({ name: "plain", labels: {} }, ["*"]), false);
        assert.equal(isFormanceNamespace(stackNamespace("ledger-a"), ["ledger-c"]), false);
        assert.equal(isFormanceNamespace({ name: "ledger-c", labels: {} }, ["ledger-c"]), true);
    });

    it("drift: Formance namespaces labelled with another value; unlabelled and agreeing ones are not", () => {
        const drift = formanceDrift(
            [
                stackNamespace("z-ledger", "1-28-1"),
                stackNamespace("a-ledger", "old-tag"),
                stackNamespace("agrees", "1-29-0"),
                stackNamespace("unlabelled"),
                { name: "not-formance", labels: { "istio.io/rev": "1-28-1" } },
            ],
            ["*"],
            "1-29-0",
        );
        assert.deepEqual(drift, [
            { name: "a-ledger", live: "old-tag" },
            { name: "z-ledger", live: "1-28-1" },
        ]);
    });

    it("the refusal names the key, the namespaces left behind and the command that moves them", () => {
        assert.equal(
            formanceRefusal("formance.namespaceRevision", "1-29-0", [{ name: "ledger", live: "1-28-1" }]),
            "nativemesh:formance.namespaceRevision: the Formance namespaces are to select istio.io/rev=1-29-0, but the operator labels a namespace only when it creates it (formancehq/operator internal/resources/stacks/init.go), so this one keeps another: ledger (istio.io/rev=1-28-1). Relabel it first (kubectl label namespace ledger istio.io/rev=1-29-0 --overwrite), run `nativemesh restart`, then update",
        );
        const four = ["a", "b", "c", "d"].map((name) => ({ name, live: "1-28-1" }));
        assert.equal(
            formanceRefusal("formance.namespaceRevisionTag", "prod", four),
            "nativemesh:formance.namespaceRevisionTag: the Formance namespaces are to select istio.io/rev=prod, but the operator labels a namespace only when it creates it (formancehq/operator internal/resources/stacks/init.go), so these keep another: a (istio.io/rev=1-28-1), b (istio.io/rev=1-28-1), c (istio.io/rev=1-28-1), and 1 more. Relabel them first (kubectl label namespace a b c d istio.io/rev=prod --overwrite), run `nativemesh restart`, then update",
        );
    });
});
