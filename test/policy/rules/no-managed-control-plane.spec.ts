// no-managed-control-plane and namespace-injection-labels, for mutation testing: the whole messages and fixes
// (fleet membership and feature, managed revisions, gcloud and asmcli --managed; both injection labels, a revision
// that is not a DNS-1123 label), and when an unreadable value makes them "cannot tell". Inputs are built inside
// each `it` (docs/MUTATION.md).
import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { UNKNOWN } from "../../support/policy/cases";
import * as fs from "node:fs";
import * as path from "node:path";
import { runAudit } from "../../../cli/audit";
import { tempDir } from "../../support/tempDir";
import { type PolicyCase } from "../../support/policy/cases";
import { placeCases } from "../../support/policy/tableOfPlaces";
import { PLACES } from "../../support/policy/places";
import { describeTables } from "../../support/policy/table";

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

// Every resource type that can turn on Google's managed mesh (docs/POLICY.md, "What the pack proves"): the
// gcp provider's fleet resources, Config Connector's, Google's in-cluster ControlPlaneRevision and managed
// revision labels, in each state; and `audit --strict` exits 1 on each managed-mesh object.
describe("no-managed-control-plane: what the pack proves (issue 20)", () => {
    const podLabels = (rev: string) => ({
        type: "kubernetes:apps/v1:Deployment",
        name: "app",
        props: { spec: { template: { metadata: { labels: { "istio.io/rev": rev } }, spec: { containers: [] } } } },
    });

    const labels: PolicyCase[] = [
        {
            name: "a pod template on a managed revision: mandatory",
            resources: [podLabels("asm-managed-rapid")],
            expect: [{ level: "mandatory", match: /pod template label istio\.io\/rev=asm-managed-rapid/ }],
        },
        { name: "a pod template on a self-managed revision: silent", resources: [podLabels("1-28-1")], expect: [] },
        {
            name: "a ControlPlaneRevision of a type Google does not document: cannot tell",
            resources: [
                {
                    type: "kubernetes:mesh.cloud.google.com/v1alpha1:ControlPlaneRevision",
                    name: "cpr",
                    props: { spec: { type: "something_new" } },
                },
            ],
            expect: [{ level: "advisory", match: /spec\.type "something_new" is not one Google documents/ }],
        },
        {
            name: "a Config Connector GKEHubFeature other than servicemesh: silent",
            resources: [
                {
                    type: "kubernetes:gkehub.cnrm.cloud.google.com/v1beta1:GKEHubFeature",
                    name: "mcs",
                    props: {
                        spec: {
                            resourceID: "multiclusteringress",
                            fleetDefaultMemberConfig: { mesh: { management: "MANAGEMENT_AUTOMATIC" } },
                        },
                    },
                },
            ],
            expect: [],
        },
    ];

    const addon = (name: unknown) => ({
        type: "alicloud:cs/kubernetesAddon:KubernetesAddon",
        name: "addon",
        props: { clusterId: "c", name },
    });
    labels.push(
        {
            name: "an ACK add-on named for a mesh: cannot tell",
            resources: [addon("ack-istio-operator")],
            expect: [{ level: "advisory", match: /name "ack-istio-operator" installs a control plane/ }],
        },
        { name: "an ACK add-on of another kind: silent", resources: [addon("csi-plugin")], expect: [] },
        {
            name: "an ACK add-on whose name is unknown: cannot tell",
            resources: [addon(UNKNOWN)],
            expect: [{ level: "advisory", match: /cannot tell whether name installs/ }],
        },
        {
            name: "a ManagedKubernetes with a mesh add-on inline: cannot tell",
            resources: [
                {
                    type: "alicloud:cs/managedKubernetes:ManagedKubernetes",
                    name: "ack",
                    props: { version: "1.31.1-aliyun.1", addons: [{ name: "logtail-ds" }, { name: "servicemesh" }] },
                },
            ],
            expect: [{ level: "advisory", match: /addons\[1\]\.name "servicemesh"/ }],
        },
    );

    describe("no-managed-control-plane: every resource that can turn on a managed mesh", () => {
        describeTables(placeCases("no-managed-control-plane"));
        describe("revision labels and kinds", () => {
            describeTables({ "no-managed-control-plane": labels });
        });

        describe("audit --strict exits 1 on each managed-mesh object", () => {
            for (const place of PLACES.filter((candidate) => candidate.unit === "no-managed-control-plane")) {
                it(place.name, async () => {
                    const file = path.join(tempDir("managed"), "export.json");
                    const resources = place.build("off").map((resource, index) => ({
                        urn: `urn:pulumi:prod::p::${resource.type}::r${index}`,
                        custom: true,
                        type: resource.type,
                        inputs: resource.props,
                        outputs: {},
                    }));
                    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources } }));
                    const sink = { write: () => true };
                    const code = await runAudit(["--state", file, "--strict"], { stdout: sink, stderr: sink });
                    assert.equal(code, 1);
                    const clean = path.join(path.dirname(file), "clean.json");
                    const on = place.build("on").map((resource, index) => ({
                        urn: `urn:pulumi:prod::p::${resource.type}::r${index}`,
                        custom: true,
                        type: resource.type,
                        inputs: resource.props,
                        outputs: {},
                    }));
                    if (on.length > 0) {
                        fs.writeFileSync(clean, JSON.stringify({ version: 3, deployment: { resources: on } }));
                        assert.equal(await runAudit(["--state", clean, "--strict"], { stdout: sink, stderr: sink }), 0);
                    }
                });
            }
        });
    });
});
