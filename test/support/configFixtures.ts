/** Config sections the config tables share, and their table of refusals. */
import * as assert from "node:assert/strict";
import { ConfigError, validateConfig } from "../../components/config/config";

/** A valid GKE section (public endpoint with an authorized network). */
export const GKE_SECTION = {
    project: "acme-mesh-dev",
    location: "europe-west1",
    clusterName: "mesh-dev",
    kubernetesVersion: "1.33.5-gke.1308000",
    nodePools: [{ name: "general" }],
    authorizedNetworks: [{ cidrBlock: "203.0.113.0/24" }],
};

/** A valid ACK section: an existing VPC, Terway pod vSwitches, one fixed-size node pool. */
export const ACK_SECTION = {
    region: "cn-hangzhou",
    clusterName: "mesh-prod",
    kubernetesVersion: "1.30.1-aliyun.1",
    vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1"] },
    podVswitchIds: ["vsw-bp1pod1"],
    nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge"], desiredSize: 2 }],
};

/** A table of refused configs: each row's name, how to build the config (inside the test, so that Stryker can
 *  trace a mutant to it), and the whole one-line message validateConfig must throw, as a ConfigError. */
export type RefusalRow = [name: string, build: () => unknown, message: string];

export function itRefuses(rows: RefusalRow[]): void {
    for (const [name, build, message] of rows) {
        it(name, () => {
            assert.throws(
                () => validateConfig(build()),
                (err: unknown) => {
                    assert.ok(err instanceof ConfigError, String(err));
                    assert.equal(err.name, "ConfigError");
                    assert.equal(err.message, message);
                    return true;
                },
            );
        });
    }
}
