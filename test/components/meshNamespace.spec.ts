import * as k8s from "@pulumi/kubernetes";
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
});
