/** AckCluster's hardened default (components/ackCluster.ts): deletion protection, in a minimal ACK stack's preview. */
import * as assert from "node:assert/strict";
import { ACK_SECTION } from "../support/configFixtures";
import { ofType, previewConfig as preview } from "../support/previewConfig";

describe("AckCluster: a minimal ACK stack previews hardened", () => {
    it("deletion protection is on unless the stack turns it off", async () => {
        const minimal = {
            cloud: "ack",
            ack: structuredClone(ACK_SECTION),
            mesh: { method: "helm", version: "1.28.1" },
        };
        const [cluster] = ofType(await preview(minimal), "alicloud:cs/managedKubernetes:ManagedKubernetes");
        assert.equal(cluster.inputs.deletionProtection, true);
        const off = { ...minimal, ack: { ...structuredClone(ACK_SECTION), deletionProtection: false } };
        const [relaxed] = ofType(await preview(off), "alicloud:cs/managedKubernetes:ManagedKubernetes");
        assert.equal(relaxed.inputs.deletionProtection, false);
    });
});
