// revision-references-control-plane over revision tags made apart from any release (the istiod chart's
// revision-tags-mwc.yaml rendered on its own, as nativemesh and Istio's Helm upgrade guide do): a fixture table,
// run like the pack's own tables (CrossGuard policy object and the offline evaluator).

import type { TestResource } from "../support/policy/args";
import type { PolicyCase } from "../support/policy/cases";
import { describeTables } from "../support/policy/table";

const namespace = (rev: string): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name: "apps",
    props: { metadata: { name: "apps", labels: { "istio.io/rev": rev } } },
});
const istiod = (revision: string): TestResource => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: `istiod-${revision}`,
    props: {
        chart: "istiod",
        version: "1.31.0",
        values: { revision, pilot: { env: { ENABLE_NATIVE_SIDECARS: "true" } } },
    },
});
const tagHook = (tag: string, labels: unknown): TestResource => ({
    type: "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
    name: `istio-revision-tag-${tag}`,
    props: { metadata: { name: `istio-revision-tag-${tag}`, labels } },
});
const tag = (name: string, revision: string) => tagHook(name, { "istio.io/tag": name, "istio.io/rev": revision });

/** Pulumi's unknown value: labels not known until apply. */
const UNKNOWN_LABELS = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const mandatory = (match: RegExp) => ({ level: "mandatory" as const, match });

const CASES: Record<string, PolicyCase[]> = {
    "revision-references-control-plane": [
        {
            name: "namespace on a tag whose webhook points at an installed revision (counterpart)",
            resources: [namespace("prod-stable"), istiod("1-31-0"), tag("prod-stable", "1-31-0")],
            expect: [],
        },
        {
            name: "namespace on a tag whose webhook points at a revision the stack dropped",
            resources: [namespace("prod-stable"), istiod("1-32-0"), tag("prod-stable", "1-31-0")],
            expect: [mandatory(/istio.io\/rev="prod-stable", which no control plane in this stack serves/)],
        },
        {
            name: "a tag webhook left on a dropped revision is refused with what to do",
            resources: [tag("prod-stable", "1-31-0"), istiod("1-32-0")],
            expect: [
                mandatory(
                    /revision tag "prod-stable" points at revision "1-31-0", which no control plane.*failurePolicy Fail.*point the tag at a revision this stack installs before removing "1-31-0" \(revisions and tags: 1-32-0\)/,
                ),
            ],
        },
        {
            name: "the default tag on the installed revision, two revisions side by side (counterpart)",
            resources: [tag("default", "1-31-0"), istiod("1-31-0"), istiod("1-32-0"), namespace("1-32-0")],
            expect: [],
        },
        {
            name: "a webhook configuration that is not a tag's is none of this rule's business (counterpart)",
            resources: [tagHook("x", { app: "sidecar-injector" }), istiod("1-32-0")],
            expect: [],
        },
        {
            name: "a tag webhook whose labels cannot be read: namespaces on unknown tags cannot be told",
            resources: [namespace("prod-stable"), istiod("1-32-0"), tagHook("prod-stable", UNKNOWN_LABELS)],
            expect: [
                // "Cannot tell" is advisory unless the pack runs strict (policy/rule.ts).
                { level: "advisory", match: /some revision names in the stack cannot be read, so it may still match/ },
            ],
        },
    ],
};

describe("revision tags rendered apart from the releases", () => describeTables(CASES));
