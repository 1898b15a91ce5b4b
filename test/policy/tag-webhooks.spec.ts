// What policy/tag-webhooks.ts reads from a webhook configuration, compared whole: the revision tag a
// MutatingWebhookConfiguration labelled istio.io/tag makes, of any served admission API version, and nothing for
// other kinds that carry the same labels.

import * as assert from "node:assert/strict";
import type { RevisionTag } from "../../policy/istioctl";
import { CANNOT_TELL } from "../../policy/read";
import { tagWebhook } from "../../policy/tag-webhooks";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const MWC = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration";

describe("policy tag webhooks (b): tagWebhook", () => {
    const table: Array<[string, string, () => unknown, RevisionTag | undefined]> = [
        [
            "a tag of a revision",
            MWC,
            () => ({ metadata: { labels: { "istio.io/tag": "prod", "istio.io/rev": "canary" } } }),
            { tag: "prod", revision: "canary" },
        ],
        [
            "v1beta1, a tag of the default revision",
            "kubernetes:admissionregistration.k8s.io/v1beta1:MutatingWebhookConfiguration",
            () => ({ metadata: { labels: { "istio.io/tag": "prod" } } }),
            { tag: "prod", revision: "default" },
        ],
        ["labels a secret", MWC, () => ({ metadata: { labels: SECRET } }), { tag: CANNOT_TELL, revision: CANNOT_TELL }],
        ["no tag label", MWC, () => ({ metadata: { labels: { "istio.io/rev": "canary" } } }), undefined],
        [
            "a ValidatingWebhookConfiguration",
            "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
            () => ({ metadata: { labels: { "istio.io/tag": "prod", "istio.io/rev": "canary" } } }),
            undefined,
        ],
        [
            "a type that only ends like one",
            "xkubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
            () => ({ metadata: { labels: { "istio.io/tag": "prod" } } }),
            undefined,
        ],
        [
            "a list of them",
            "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfigurationList",
            () => ({ metadata: { labels: { "istio.io/tag": "prod" } } }),
            undefined,
        ],
    ];
    for (const [name, type, props, expected] of table) {
        it(name, () => assert.deepEqual(tagWebhook(type, props()), expected));
    }
});
