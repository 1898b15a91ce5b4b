// The ACK parts of MeshEnvironment (components/ackEnvironment.ts). What they declare is asserted through whole
// environments in meshEnvironment.spec.ts; here, what a library caller can get wrong that the config cannot.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { buildAlibabaMesh } from "../../components/ackEnvironment";
import { validateConfig } from "../../components/config/config";
import type { ClusterHandle } from "../../components/environmentParts";
import { ACK_SECTION } from "../support/configFixtures";

describe("buildAlibabaMesh", () => {
    it("refuses a cluster nativemesh did not make (no ACK cluster id or network), naming what it needs", () => {
        // validateConfig refuses alibaba-asm on any cloud but ack; a caller of the parts can still hand it another
        // cluster, and Alibaba Service Mesh attaches to a cluster by its id and vSwitches.
        const spec = validateConfig({
            cloud: "ack",
            ack: ACK_SECTION,
            mesh: { method: "alibaba-asm", version: "1.24.6" },
        });
        const existing = { provider: undefined, kubeconfig: pulumi.output(""), ready: [] } as unknown as ClusterHandle;
        assert.throws(() => buildAlibabaMesh(undefined as unknown as pulumi.Resource, "mesh", spec, existing), {
            message: "alibaba-asm needs the ACK cluster nativemesh creates (nativemesh:cloud ack)",
        });
    });
});
