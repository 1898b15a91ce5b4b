// no-managed-control-plane and namespace-injection-labels, for mutation testing: the whole messages and fixes
// (fleet membership and feature, managed revisions, gcloud and asmcli --managed; both injection labels, a revision
// that is not a DNS-1123 label), and when an unreadable value makes them "cannot tell". Inputs are built inside
// each `it` (docs/MUTATION.md).
import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { UNKNOWN } from "../../support/policy/cases";

const MEMBERSHIP = "gcp:gkehub/featureMembership:FeatureMembership";

const FEATURE = "gcp:gkehub/feature:Feature";

const NAMESPACE = "kubernetes:core/v1:Namespace";

const COMMAND = "command:local:Command";

const WHY = "A managed control plane runs Google's istiod, whose ENABLE_NATIVE_SIDECARS the user cannot set";

const FIX_FLEET =
    "install a self-managed control plane (istiod Helm chart or asmcli without --managed) and set mesh.management to MANAGEMENT_MANUAL or drop the mesh block";

const resource = (type: string, props: Record<string, unknown>, name = "r"): StackResource => ({
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    props,
});

const namespace = (labels: Record<string, unknown>) => resource(NAMESPACE, { metadata: { name: "apps", labels } });

/** One policy's violations on one resource: level and message. */
function violations(policy: string, target: StackResource) {
    return evaluatePolicies([target])
        .filter((violation) => violation.policy === policy)
        .map((violation) => ({ level: violation.enforcementLevel, message: violation.message }));
}

const managed = (target: StackResource) => violations("no-managed-control-plane", target);

describe("mutation: no-managed-control-plane", () => {
    it("a FeatureMembership with MANAGEMENT_AUTOMATIC: the whole message and fix", () => {
        assert.deepEqual(managed(resource(MEMBERSHIP, { mesh: { management: "MANAGEMENT_AUTOMATIC" } })), [
            {
                level: "mandatory",
                message: `r (${MEMBERSHIP}): mesh.management is MANAGEMENT_AUTOMATIC (managed Cloud Service Mesh). ${WHY}. Fix: ${FIX_FLEET}.`,
            },
        ]);
    });

    it("a FeatureMembership whose controlPlane cannot be read: advisory", () => {
        assert.deepEqual(managed(resource(MEMBERSHIP, { mesh: { controlPlane: UNKNOWN } })), [
            {
                level: "advisory",
                message: `r (${MEMBERSHIP}): cannot tell whether the mesh is managed: mesh.management/controlPlane is secret, unknown or not a string`,
            },
        ]);
    });

    it("the servicemesh fleet Feature defaulting members to MANAGEMENT_AUTOMATIC: the whole message and fix", () => {
        const automatic = { mesh: { management: "MANAGEMENT_AUTOMATIC" } };
        const message = `r (${FEATURE}): the servicemesh fleet feature defaults every member to MANAGEMENT_AUTOMATIC. ${WHY}. Fix: remove fleetDefaultMemberConfig.mesh or set it to MANAGEMENT_MANUAL, and install a self-managed control plane.`;
        assert.deepEqual(managed(resource(FEATURE, { name: "servicemesh", fleetDefaultMemberConfig: automatic })), [
            { level: "mandatory", message },
        ]);
        // A Feature whose name cannot be read may be the servicemesh one.
        assert.deepEqual(managed(resource(FEATURE, { name: UNKNOWN, fleetDefaultMemberConfig: automatic })), [
            { level: "mandatory", message },
        ]);
        // Another fleet feature, and another resource type carrying the same fields, are not it.
        assert.deepEqual(
            managed(resource(FEATURE, { name: "configmanagement", fleetDefaultMemberConfig: automatic })),
            [],
        );
        const other = resource(NAMESPACE, {
            metadata: { name: "apps" },
            name: "servicemesh",
            fleetDefaultMemberConfig: automatic,
        });
        assert.deepEqual(managed(other), []);
    });

    it("the servicemesh Feature whose default management cannot be read: advisory", () => {
        const feature = resource(FEATURE, {
            name: "servicemesh",
            fleetDefaultMemberConfig: { mesh: { management: UNKNOWN } },
        });
        assert.deepEqual(managed(feature), [
            {
                level: "advisory",
                message: `r (${FEATURE}): cannot tell whether fleetDefaultMemberConfig.mesh.management is MANAGEMENT_AUTOMATIC: it is secret, unknown or not a string`,
            },
        ]);
    });

    it("a namespace on a managed revision: the whole message, listing the managed revisions", () => {
        assert.deepEqual(managed(namespace({ "istio.io/rev": "asm-managed-rapid" })), [
            {
                level: "mandatory",
                message: `r (${NAMESPACE}): the namespace label istio.io/rev=asm-managed-rapid selects a Google-managed control plane. ${WHY}; asm-managed, asm-managed-rapid, asm-managed-stable are managed revisions (Google Cloud "Resolving managed Cloud Service Mesh issues"). Fix: label the namespace with the revision (or revision tag) of a self-managed istiod.`,
            },
        ]);
    });

    it("gcloud asking for automatic management: the whole fix", () => {
        const found = managed(
            resource(COMMAND, { create: "gcloud container fleet mesh update --management automatic --memberships m" }),
        );
        assert.equal(found.length, 1);
        assert.equal(found[0].level, "mandatory");
        assert.ok(
            found[0].message.endsWith(
                `(managed Cloud Service Mesh). ${WHY}. Fix: use --management manual and install a self-managed control plane.`,
            ),
            found[0].message,
        );
    });

    it("asmcli install --managed: the whole message and fix", () => {
        assert.deepEqual(managed(resource(COMMAND, { create: "./asmcli install --managed --enable_all" })), [
            {
                level: "mandatory",
                message: `r (${COMMAND}): runs \`asmcli install --managed\` (managed Cloud Service Mesh; the flag is deprecated since Aug 2024). ${WHY}. Fix: drop --managed and pass --custom_overlay with an IstioOperator that sets spec.values.pilot.env.ENABLE_NATIVE_SIDECARS: "true".`,
            },
        ]);
    });
});
