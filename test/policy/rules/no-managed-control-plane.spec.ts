// Every resource type that can turn on Google's managed mesh (docs/POLICY.md, "What the pack proves"): the
// gcp provider's fleet resources, Config Connector's, Google's in-cluster ControlPlaneRevision and managed
// revision labels, in each state; and `audit --strict` exits 1 on each managed-mesh object.

import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runAudit } from "../../../cli/audit";
import { tempDir } from "../../support/tempDir";
import { UNKNOWN, type PolicyCase } from "../cases";
import { placeCases } from "../tableOfPlaces";
import { PLACES } from "../places";
import { describeTables } from "../table";

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
