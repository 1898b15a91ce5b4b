// Revision tags made as Istio's Helm upgrade guide makes them: the istiod chart's revision-tags-mwc.yaml rendered
// and applied on its own (istio.io "Upgrade with Helm": `helm template ... -s templates/revision-tags-mwc.yaml`),
// or by `istioctl tag set`. Either way the tag is a MutatingWebhookConfiguration labelled `istio.io/tag=TAG` and
// `istio.io/rev=REV` whose webhooks send pods to REV's istiod (istio/istio
// manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml, istioctl/pkg/tag/generate.go).

import type { RevisionTag } from "./istioctl";
import { at, CANNOT_TELL, readStringMap } from "./read";

// Any served version of the admission API (v1, and v1beta1 before Kubernetes 1.22).
const MUTATING_WEBHOOK_CONFIGURATION =
    /^kubernetes:admissionregistration\.k8s\.io\/[^:]+:MutatingWebhookConfiguration$/;

export const TAG_LABEL = "istio.io/tag";
export const REVISION_LABEL = "istio.io/rev";

/** The tag a webhook configuration makes, or undefined when it is not a revision tag's. */
export function tagWebhook(type: string, props: unknown): RevisionTag | undefined {
    if (!MUTATING_WEBHOOK_CONFIGURATION.test(type)) return undefined;
    const labels = readStringMap(at(props, "metadata", "labels"));
    if (labels === CANNOT_TELL) return { tag: CANNOT_TELL, revision: CANNOT_TELL };
    const tag = labels?.get(TAG_LABEL);
    if (tag === undefined) return undefined;
    // The chart labels an unrevisioned install's tag `istio.io/rev: default`.
    return { tag, revision: labels?.get(REVISION_LABEL) ?? "default" };
}
