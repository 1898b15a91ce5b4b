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

    it("with `*`, only a Stack of formance.com counts as the owner: not another formance.com kind, nor one without apiVersion", () => {
        const ownedBy = (ref: { apiVersion?: string; kind: string }): NamespaceInfo => ({
            name: "ledger",
            labels: {},
            ownerReferences: [{ ...ref, name: "ledger" }],
        });
        assert.equal(isFormanceNamespace(ownedBy({ apiVersion: "formance.com/v1beta1", kind: "Stack" }), ["*"]), true);
        assert.equal(
            isFormanceNamespace(ownedBy({ apiVersion: "formance.com/v1beta1", kind: "Ledger" }), ["*"]),
            false,
        );
        assert.equal(isFormanceNamespace(ownedBy({ kind: "Stack" }), ["*"]), false);
        assert.equal(isFormanceNamespace(ownedBy({ apiVersion: "formance.comx/v1", kind: "Stack" }), ["*"]), false);
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

    it("drift: a namespace being deleted or labelled with an empty value is not drift", () => {
        const drift = formanceDrift(
            [
                { ...stackNamespace("leaving", "1-28-1"), terminating: true },
                stackNamespace("empty", ""),
                { ...stackNamespace("staying", "1-28-1"), terminating: false },
            ],
            ["*"],
            "1-29-0",
        );
        assert.deepEqual(drift, [{ name: "staying", live: "1-28-1" }]);
    });

    it("drift: with stack names, the namespaces of those names, owned or not", () => {
        const drift = formanceDrift(
            [
                { name: "ledger-b", labels: { "istio.io/rev": "1-28-1" } },
                stackNamespace("ledger-a", "1-28-1"),
                stackNamespace("other", "1-28-1"),
            ],
            ["ledger-a", "ledger-b"],
            "1-29-0",
        );
        assert.deepEqual(drift, [
            { name: "ledger-a", live: "1-28-1" },
            { name: "ledger-b", live: "1-28-1" },
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
        assert.equal(
            formanceRefusal("formance.namespaceRevision", "1-29-0", [
                { name: "a", live: "1-28-1" },
                { name: "b", live: "old-tag" },
                { name: "c", live: "1-27-0" },
            ]),
            "nativemesh:formance.namespaceRevision: the Formance namespaces are to select istio.io/rev=1-29-0, but the operator labels a namespace only when it creates it (formancehq/operator internal/resources/stacks/init.go), so these keep another: a (istio.io/rev=1-28-1), b (istio.io/rev=old-tag), c (istio.io/rev=1-27-0). Relabel them first (kubectl label namespace a b c istio.io/rev=1-29-0 --overwrite), run `nativemesh restart`, then update",
        );
    });
});
