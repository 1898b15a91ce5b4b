// kubernetes-version-supports-native-sidecars, for mutation testing: the whole messages (GKE and ACK wording, the
// fix naming the field, the floor and the platform), "cannot tell" for a pin that is not a version, and the
// version check on its config keys. Inputs are built inside each `it` (docs/MUTATION.md).

import * as assert from "node:assert/strict";
import { evaluatePolicies, PolicyConfigError } from "../../../policy/evaluate";
import { configSchemaOf } from "../../../policy/rule";
import { rule } from "../../../policy/rules/kubernetes-version-supports-native-sidecars";
import { UNKNOWN } from "../../support/policy/cases";

const POLICY = "kubernetes-version-supports-native-sidecars";
const GKE = "gcp:container/cluster:Cluster";
const ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes";

/** The policy's violations for one resource named `c`: level and message, in order. */
function violations(type: string, props: Record<string, unknown>, config?: Record<string, unknown>) {
    const packConfig = config === undefined ? undefined : { [POLICY]: config };
    return evaluatePolicies([{ urn: `urn:pulumi:s::p::${type}::c`, type, name: "c", props }], packConfig)
        .filter((violation) => violation.policy === POLICY)
        .map((violation) => ({ level: violation.enforcementLevel, message: violation.message }));
}

const GKE_WHY =
    "Native sidecars need GKE nodes on 1.29 or later (GKE rapid-channel release notes, Kubernetes 1.29 entry: sidecar init containers need nodes on 1.29 or later; SidecarContainers is on by default from 1.29, kubernetes/website feature-gates/SidecarContainers.md)";
const ACK_WHY =
    'Native sidecar mode needs ACK clusters on 1.30 or later (Alibaba "Deploy mesh proxy in native sidecar mode", https://www.alibabacloud.com/help/en/asm/sidecar/deploying-grid-agents-using-native-sidecar-patterns)';

describe("mutation: kubernetes-version-supports-native-sidecars", () => {
    it("a GKE cluster below 1.29: the whole message, GKE's reason and fix", () => {
        assert.deepEqual(violations(GKE, { minMasterVersion: "1.28" }), [
            {
                level: "mandatory",
                message: `c (${GKE}): minMasterVersion "1.28" is below 1.29. ${GKE_WHY}. Fix: pin minMasterVersion to 1.29 or later on GKE.`,
            },
        ]);
    });

    it("an ACK cluster below 1.30: the whole message, ACK's reason and fix", () => {
        assert.deepEqual(violations(ACK, { version: "1.29.1" }), [
            {
                level: "mandatory",
                message: `c (${ACK}): version "1.29.1" is below 1.30. ${ACK_WHY}. Fix: pin version to 1.30 or later on ACK.`,
            },
        ]);
    });

    it("a GKE pin that is not a version: advisory, cannot tell, naming field, value and floor", () => {
        assert.deepEqual(violations(GKE, { nodeVersion: "banana" }), [
            {
                level: "advisory",
                message: `c (${GKE}): cannot tell whether nodeVersion "banana" is at least 1.29: not a version`,
            },
        ]);
    });

    it("an ACK pin that is not a version: advisory, cannot tell, against ACK's floor", () => {
        assert.deepEqual(violations(ACK, { version: "latest" }), [
            {
                level: "advisory",
                message: `c (${ACK}): cannot tell whether version "latest" is at least 1.30: not a version`,
            },
        ]);
    });

    it("an unreadable GKE pin: advisory, cannot tell", () => {
        assert.deepEqual(violations(GKE, { minMasterVersion: UNKNOWN }), [
            {
                level: "advisory",
                message: `c (${GKE}): cannot tell whether minMasterVersion is at least 1.29: it is secret, unknown or not a string`,
            },
        ]);
    });

    it("GKE's latest alias is skipped, but a low pin beside it is not", () => {
        assert.deepEqual(
            violations(GKE, { minMasterVersion: "latest", nodeVersion: "1.27" }).map((found) => found.message),
            [`c (${GKE}): nodeVersion "1.27" is below 1.29. ${GKE_WHY}. Fix: pin nodeVersion to 1.29 or later on GKE.`],
        );
    });

    it("raised floors from the config are named in the message and its fix", () => {
        const gke = violations(GKE, { minMasterVersion: "1.30.2" }, { gkeMinVersion: "1.31" });
        assert.equal(gke.length, 1);
        assert.match(gke[0].message, /is below 1\.31\. Native sidecars need GKE nodes on 1\.31 or later /);
        assert.match(gke[0].message, /Fix: pin minMasterVersion to 1\.31 or later on GKE\.$/);
        const ack = violations(ACK, { version: "1.31.1" }, { ackMinVersion: "1.32" });
        assert.equal(ack.length, 1);
        assert.match(ack[0].message, /Fix: pin version to 1\.32 or later on ACK\.$/);
    });

    it("both floors must be versions: the schema has the pattern, the offline check refuses others", () => {
        const schema = configSchemaOf(rule).properties;
        assert.equal(typeof schema.gkeMinVersion.pattern, "string");
        assert.equal(typeof schema.ackMinVersion.pattern, "string");
        for (const key of ["gkeMinVersion", "ackMinVersion"]) {
            assert.throws(
                () => violations(GKE, {}, { [key]: "soon" }),
                (error: unknown) =>
                    error instanceof PolicyConfigError &&
                    error.message ===
                        `policy "${POLICY}": config "${key}" is "soon"; expected a version such as "1.29"`,
            );
        }
    });
});
