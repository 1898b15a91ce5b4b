// no-managed-control-plane and namespace-injection-labels, for mutation testing: the whole messages and fixes
// (fleet membership and feature, managed revisions, gcloud and asmcli --managed; both injection labels, a revision
// that is not a DNS-1123 label), and when an unreadable value makes them "cannot tell". Inputs are built inside
// each `it` (docs/MUTATION.md).
import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";

const NAMESPACE = "kubernetes:core/v1:Namespace";

const SETTINGS = "kubernetes:formance.com/v1beta1:Settings";

const resource = (type: string, props: Record<string, unknown>, name = "r"): StackResource => ({
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    props,
});

const namespace = (labels: Record<string, unknown>) => resource(NAMESPACE, { metadata: { name: "apps", labels } });

const labelsSetting = (value: string) =>
    resource(SETTINGS, {
        apiVersion: "formance.com/v1beta1",
        kind: "Settings",
        metadata: { name: "setting" },
        spec: { key: "namespace.labels", value, stacks: ["*"] },
    });

/** One policy's violations on one resource: level and message. */
function violations(policy: string, target: StackResource) {
    return evaluatePolicies([target])
        .filter((violation) => violation.policy === policy)
        .map((violation) => ({ level: violation.enforcementLevel, message: violation.message }));
}

const labels = (target: StackResource) => violations("namespace-injection-labels", target);

describe("mutation: namespace-injection-labels", () => {
    it("a namespace with both labels: the whole message and fix", () => {
        assert.deepEqual(labels(namespace({ "istio-injection": "enabled", "istio.io/rev": "1-28-1" })), [
            {
                level: "mandatory",
                message: `r (${NAMESPACE}): the namespace carries both istio-injection="enabled" and istio.io/rev="1-28-1". The revision webhooks require istio-injection to be absent, so the namespace gets the default revision or no injection at all (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml). Fix: remove the istio-injection label and keep istio.io/rev.`,
            },
        ]);
    });

    it("a revision that is not a DNS-1123 label, on a namespace and in a Setting: the whole message and fix", () => {
        const why = `Revision names are DNS-1123 labels (lower-case letters, digits, '-', at most 63) and may not contain '.': they become part of object names such as the istiod-<revision> Service (istio/istio manifests/charts/istio-control/istio-discovery; kubernetes.io "Object Names and IDs")`;
        const fix = `Fix: use the revision name, e.g. "1-28-1" for 1.28.1.`;
        assert.deepEqual(labels(namespace({ "istio.io/rev": "1.28.1" })), [
            {
                level: "mandatory",
                message: `r (${NAMESPACE}): the namespace istio.io/rev="1.28.1" is not a DNS-1123 label. ${why}. ${fix}`,
            },
        ]);
        assert.deepEqual(labels(labelsSetting("istio.io/rev=1.28.1")), [
            {
                level: "mandatory",
                message: `r (${SETTINGS}): the Formance namespace.labels Setting istio.io/rev="1.28.1" is not a DNS-1123 label. ${why}. ${fix}`,
            },
        ]);
    });
});
