// namespace-injection-labels: the legacy istio-injection label beats istio.io/rev, and revision names must be
// DNS-1123 labels (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml).

import { isDns1123Label } from "../facts/versions";
import { resourcePolicy } from "../pulumi-adapter";
import { CANNOT_TELL, show, type StringMap } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";
import { isNamespace, isSettings, namespaceLabels, settingNamespaceLabels } from "../workloads";

// This rule has no thresholds.
export type NamespaceInjectionLabelsConfig = Record<string, never>;

function labelFindings(where: string, labels: StringMap): Finding[] {
    const findings: Finding[] = [];
    const injection = labels.get("istio-injection");
    const revision = labels.get("istio.io/rev");
    if (injection !== undefined && revision !== undefined) {
        findings.push({
            message: say(
                `${where} carries both istio-injection=${show(injection)} and istio.io/rev=${show(revision)}`,
                "The revision webhooks require istio-injection to be absent, so the namespace gets the default revision or no injection at all (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml)",
                "remove the istio-injection label and keep istio.io/rev",
            ),
        });
    }
    if (typeof revision === "string" && !isDns1123Label(revision)) {
        findings.push({
            message: say(
                `${where} istio.io/rev=${show(revision)} is not a DNS-1123 label`,
                "Revision names are DNS-1123 labels (lower-case letters, digits, '-', at most 63) and may not contain '.': they become part of object names such as the istiod-<revision> Service (istio/istio manifests/charts/istio-control/istio-discovery; kubernetes.io \"Object Names and IDs\")",
                `use the revision name, e.g. "1-28-1" for 1.28.1`,
            ),
        });
    }
    return findings;
}

/** The pure check. */
export function checkNamespaceInjectionLabels(type: string, props: Record<string, unknown>): Finding[] {
    const labels = namespaceLabels(type, props);
    if (labels instanceof Map) return labelFindings("the namespace", labels);
    const setting = settingNamespaceLabels(type, props);
    if (setting && setting.entries !== CANNOT_TELL)
        return labelFindings("the Formance namespace.labels Setting", setting.entries);
    return [];
}

export const rule: ResourceRule<NamespaceInjectionLabelsConfig> = {
    kind: "resource",
    name: "namespace-injection-labels",
    description:
        "Refuses namespace labels that Istio reads differently than intended (istio-injection beside istio.io/rev, invalid revision names).",
    enforcementLevel: "mandatory",
    remediationSteps: "Label namespaces with istio.io/rev=<revision or tag> only, never together with istio-injection.",
    config: {},
    appliesTo: (type) => isNamespace(type) || isSettings(type),
    check: (type, props) => checkNamespaceInjectionLabels(type, props),
};

export const policy = resourcePolicy(rule);
