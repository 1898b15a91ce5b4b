import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { MeshNamespace } from "../../components/meshNamespace";
import { oneOfType, record } from "../support/plan";

const provider = () => new k8s.Provider("test-k8s", { kubeconfig: "~/.kube/config" });

describe("MeshNamespace", () => {
    it("labels the namespace istio.io/rev with the revision or tag, never istio-injection", async () => {
        const res = await record(
            () =>
                new MeshNamespace("ns", {
                    name: "payments",
                    injectionLabels: { "istio.io/rev": "prod-stable" },
                    labels: { team: "pay" },
                    provider: provider(),
                }),
        );
        const ns = oneOfType(res, "kubernetes:core/v1:Namespace").inputs;
        assert.deepEqual(ns.metadata, { name: "payments", labels: { team: "pay", "istio.io/rev": "prod-stable" } });
    });

    it("takes injection labels that are still an Output, with no other labels, and passes annotations through", async () => {
        let made: MeshNamespace | undefined;
        const res = await record(() => {
            made = new MeshNamespace("ns", {
                name: "ledger",
                injectionLabels: pulumi.output({ "istio-injection": "enabled" }),
                annotations: { owner: "ledger@acme" },
                provider: provider(),
            });
        });
        const ns = oneOfType(res, "kubernetes:core/v1:Namespace");
        assert.deepEqual(ns.inputs.metadata, {
            name: "ledger",
            labels: { "istio-injection": "enabled" },
            annotations: { owner: "ledger@acme" },
        });
        assert.equal(made?.name, "ledger");
        // The Namespace is the component's child, under the component's own type token.
        const component = oneOfType(res, "nativemesh:index:MeshNamespace");
        assert.equal(ns.parent, component.urn);
    });

    it("the injection label wins over a label of the same key: the selection is the mesh's to make", async () => {
        const res = await record(
            () =>
                new MeshNamespace("ns", {
                    name: "payments",
                    injectionLabels: { "istio.io/rev": "1-29-0" },
                    labels: { "istio.io/rev": "1-28-1", team: "pay" },
                    provider: provider(),
                }),
        );
        const ns = oneOfType(res, "kubernetes:core/v1:Namespace").inputs;
        assert.deepEqual(ns.metadata, { name: "payments", labels: { team: "pay", "istio.io/rev": "1-29-0" } });
    });
});
