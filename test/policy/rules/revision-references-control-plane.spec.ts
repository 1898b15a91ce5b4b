// revision-references-control-plane, for mutation testing: the whole messages (a namespace or Formance Setting on
// a revision no control plane serves, a revision tag left pointing at one), the revisions and tags they list,
// when a name that cannot be read makes them advisory, and which installs make the rule apply. Inputs are built
// inside each `it` (docs/MUTATION.md).

import * as assert from "node:assert/strict";
import { evaluatePolicies, type StackResource } from "../../../policy/evaluate";
import { NO_FINDINGS } from "../../../policy/rule";
import { checkRevisionReference } from "../../../policy/rules/revision-references-control-plane";
import { UNKNOWN } from "../../support/policy/cases";
import { stackResource } from "../../support/stackResource";

const POLICY = "revision-references-control-plane";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const HELM = "kubernetes:helm.sh/v3:Release";
const WEBHOOK = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration";
const COMMAND = "command:local:Command";
const WHY =
    "A namespace whose istio.io/rev matches no installed revision or tag gets no sidecar, or one from a control plane this stack does not configure for native sidecars";

const resource = stackResource;
const namespace = (rev: string) =>
    resource(NAMESPACE, "apps", { metadata: { name: "apps", labels: { "istio.io/rev": rev } } });
const istiod = (values: Record<string, unknown>, name = "istiod") =>
    resource(HELM, name, {
        chart: "istiod",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        version: "1.28.1",
        values,
    });
const tagWebhook = (labels: Record<string, string>, name = "tag") =>
    resource(WEBHOOK, name, { metadata: { name: `istio-revision-tag-${name}`, labels } });
const command = (create: string, name = "asmcli") => resource(COMMAND, name, { create });

/** The policy's violations: who, level and message. */
function violations(resources: StackResource[]) {
    return evaluatePolicies(resources)
        .filter((violation) => violation.policy === POLICY)
        .map((violation) => ({
            who: violation.urn.slice(violation.urn.lastIndexOf("::") + 2),
            level: violation.enforcementLevel,
            message: violation.message,
        }));
}

describe("mutation: revision-references-control-plane", () => {
    it("a namespace on an unserved revision: the whole message, listing revisions, tags and the default", () => {
        const found = violations([
            namespace("other"),
            istiod({ revision: "1-28-1", revisionTags: ["prod"] }),
            istiod({}, "base"),
        ]);
        const known = "1-28-1, prod, default";
        assert.deepEqual(found, [
            {
                who: "apps",
                level: "mandatory",
                message: `apps (${NAMESPACE}): the namespace selects istio.io/rev="other", which no control plane in this stack serves (revisions and tags: ${known}). ${WHY}. Fix: label it with one of: ${known}.`,
            },
        ]);
    });

    it("a Formance namespace.labels Setting on an unserved revision is named as such", () => {
        const setting = resource("kubernetes:formance.com/v1beta1:Settings", "setting", {
            apiVersion: "formance.com/v1beta1",
            kind: "Settings",
            metadata: { name: "setting" },
            spec: { key: "namespace.labels", value: "istio.io/rev=asm-11910-9", stacks: ["*"] },
        });
        const found = violations([setting, command("asmcli install --revision_name asm-11910-26 --co o.yaml")]);
        assert.deepEqual(
            found.map((violation) => violation.message),
            [
                `setting (kubernetes:formance.com/v1beta1:Settings): the Formance namespace.labels Setting selects istio.io/rev="asm-11910-9", which no control plane in this stack serves (revisions and tags: asm-11910-26). ${WHY}. Fix: label it with one of: asm-11910-26.`,
            ],
        );
    });

    it("a tag webhook without istio.io/rev points at the default revision, which an unrevisioned istiod serves", () => {
        const stack = [
            namespace("stable"),
            istiod({ revision: "1-28-1" }),
            istiod({}, "base"),
            tagWebhook({ "istio.io/tag": "stable" }),
        ];
        assert.deepEqual(violations(stack), []);
    });

    it("a revision tag that cannot be read: advisory, naming what is known", () => {
        const found = violations([namespace("other"), istiod({ revision: "1-28-1", revisionTags: [UNKNOWN] })]);
        assert.deepEqual(found, [
            {
                who: "apps",
                level: "advisory",
                message: `apps (${NAMESPACE}): the namespace selects istio.io/rev="other", which no control plane in this stack serves (revisions and tags: 1-28-1); some revision names in the stack cannot be read, so it may still match`,
            },
        ]);
    });

    it("asmcli with its revision in a shell variable: the rule applies, nothing known, advisory", () => {
        const found = violations([namespace("other"), command('asmcli install --revision_name "$REV"')]);
        assert.deepEqual(found, [
            {
                who: "apps",
                level: "advisory",
                message: `apps (${NAMESPACE}): the namespace selects istio.io/rev="other", which no control plane in this stack serves (revisions and tags: none); some revision names in the stack cannot be read, so it may still match`,
            },
        ]);
    });

    it("only an istiod whose revision cannot be read, or only Sail: the rule does not apply", () => {
        assert.deepEqual(violations([namespace("other"), istiod({ revision: UNKNOWN })]), []);
        const sail = resource("kubernetes:sailoperator.io/v1:Istio", "sail", {
            metadata: { name: "canary" },
            spec: { version: "v1.28.1" },
        });
        assert.deepEqual(violations([namespace("other"), sail]), []);
    });

    it("istioctl tag set for an uninstalled revision: the namespace is told, the Command is not a dangling tag", () => {
        const found = violations([
            namespace("prod"),
            command("asmcli install --revision_name asm-11910-26 --co o.yaml"),
            command("istioctl tag set prod --revision asm-11910-9", "tagger"),
        ]);
        assert.deepEqual(
            found.map((violation) => [violation.who, violation.level]),
            [["apps", "mandatory"]],
        );
    });

    it("a tag webhook left on a dropped revision: the whole message, listing what the stack installs", () => {
        const found = violations([
            istiod({ revision: "1-28-1", revisionTags: ["prod"] }),
            tagWebhook({ "istio.io/tag": "canary", "istio.io/rev": "1-27-0" }),
        ]);
        assert.deepEqual(found, [
            {
                who: "tag",
                level: "mandatory",
                message: `tag (${WEBHOOK}): the revision tag "canary" points at revision "1-27-0", which no control plane in this stack serves. Its webhook sends pod admission to an istiod that is not there, and with failurePolicy Fail every pod of a namespace selecting the tag is refused. Fix: point the tag at a revision this stack installs before removing "1-27-0" (revisions and tags: 1-28-1, prod).`,
            },
        ]);
    });

    it("a dangling tag webhook where some revision name cannot be read: advisory", () => {
        const found = violations([
            istiod({ revision: "1-28-1", revisionTags: [UNKNOWN] }),
            tagWebhook({ "istio.io/tag": "canary", "istio.io/rev": "1-27-0" }),
        ]);
        assert.deepEqual(found, [
            {
                who: "tag",
                level: "advisory",
                message: `tag (${WEBHOOK}): the revision tag "canary" points at revision "1-27-0", which no control plane in this stack serves; some revision names in the stack cannot be read, so it may still match`,
            },
        ]);
    });
});

describe("revision-references-control-plane: nothing found", () => {
    it("answers the shared NO_FINDINGS for a namespace that selects no revision, or one the stack installs", () => {
        const installed = {
            names: new Map([["1-28-1", "istiod (kubernetes:helm.sh/v3:Release)"]]),
            incomplete: false,
            anyRevision: true,
            danglingTags: [],
        };
        const namespace = (labels: Record<string, string>) => ({ metadata: { labels } });
        for (const labels of [{}, { "istio.io/rev": "1-28-1" }] as Array<Record<string, string>>) {
            assert.strictEqual(
                checkRevisionReference("kubernetes:core/v1:Namespace", namespace(labels), installed),
                NO_FINDINGS,
            );
        }
        assert.strictEqual(checkRevisionReference("kubernetes:core/v1:Service", {}, installed), NO_FINDINGS);
    });
});
