// pod-security-needs-istio-cni (stack): without the Istio CNI node agent, injection adds the istio-init container,
// which needs NET_ADMIN, NET_RAW and UID 0 (istio/istio manifests/charts/istio-control/istio-discovery/files/
// injection-template.yaml). Pod Security `baseline` allows neither capability and `restricted` no root either
// (kubernetes.io "Pod Security Standards"), and kube-apiserver enforces the namespace's level itself: every meshed
// pod of such a namespace is refused at admission (istio.io "Install Istio with Pod Security Admission").

import { stackCni } from "../cni";
import { ALIBABA_SERVICE_MESH, controlPlanesOf } from "../control-planes";
import { stackPolicy } from "../pulumi-adapter";
import { CANNOT_TELL, show, type StringMap } from "../read";
import { say, type Finding, type StackFinding, type StackRule } from "../rule";
import { namespaceLabels } from "../workloads";

// This rule has no thresholds.
export type PodSecurityNeedsIstioCniConfig = Record<string, never>;

/** Pod Security admission's enforce label (kubernetes.io "Enforce Pod Security Standards with Namespace Labels"). */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

/** The levels that refuse istio-init: baseline (capabilities) and restricted (capabilities and root). */
const REFUSING_LEVELS = new Set(["baseline", "restricted"]);

/** How a namespace's labels stand: meshed with a level that refuses istio-init, maybe so, or not. */
export function refusesIstioInit(labels: StringMap): { level: string; selector: string } | "cannot tell" | undefined {
    const revision = labels.get("istio.io/rev");
    const injection = labels.get("istio-injection");
    const meshed =
        (typeof revision === "string" && revision !== "") || injection === "enabled"
            ? true
            : revision === CANNOT_TELL || injection === CANNOT_TELL
              ? CANNOT_TELL
              : false;
    if (meshed === false) return undefined;
    const level = labels.get(POD_SECURITY_ENFORCE);
    if (level === undefined || (typeof level === "string" && !REFUSING_LEVELS.has(level))) return undefined;
    if (meshed === CANNOT_TELL || level === CANNOT_TELL) return "cannot tell";
    const selector =
        typeof revision === "string" && revision !== "" ? `istio.io/rev=${revision}` : "istio-injection=enabled";
    return { level, selector };
}

/** The pure check over a whole stack. */
export function checkPodSecurityNeedsIstioCni(
    resources: Array<{ type: string; name: string; props: Record<string, unknown> }>,
): Array<{ index: number; finding: Finding }> {
    const hardened: Array<{ index: number; state: { level: string; selector: string } | "cannot tell" }> = [];
    resources.forEach((resource, index) => {
        const labels = namespaceLabels(resource.type, resource.props);
        const state = labels instanceof Map ? refusesIstioInit(labels) : undefined;
        if (state !== undefined) hardened.push({ index, state });
    });
    if (hardened.length === 0) return [];
    const cni = stackCni(resources);
    if (cni.uses) return [];
    const installsControlPlane = resources.some(
        (resource) =>
            controlPlanesOf(resource.type, resource.props).length > 0 || resource.type === ALIBABA_SERVICE_MESH,
    );
    return hardened.map(({ index, state }) => {
        if (state === "cannot tell") {
            return {
                index,
                finding: {
                    cannotTell: true,
                    message: `cannot tell whether the namespace is meshed under Pod Security baseline/restricted: its istio.io/rev, istio-injection or ${POD_SECURITY_ENFORCE} label cannot be read, and the stack installs no Istio CNI`,
                },
            };
        }
        const what = `the namespace selects injection (${state.selector}) and enforces Pod Security ${show(state.level)}`;
        if (cni.unreadable !== undefined || !installsControlPlane) {
            const why =
                cni.unreadable !== undefined
                    ? `${cni.unreadable}, so whether injection uses Istio CNI cannot be read`
                    : "the stack installs no control plane, so whether the mesh injects through Istio CNI cannot be read here";
            return { index, finding: { cannotTell: true, message: `${what}; ${why}` } };
        }
        return {
            index,
            finding: {
                message: say(
                    `${what}, but the stack installs no Istio CNI`,
                    'Without the CNI node agent injection adds istio-init (NET_ADMIN, NET_RAW, UID 0), which baseline and restricted refuse: kube-apiserver rejects every meshed pod of this namespace (istio.io "Install Istio with Pod Security Admission")',
                    "set nativemesh:mesh.cni true (Istio's cni chart with istiod's pilot.cni.enabled, asmcli's cni component, ASM's CNI plug-in), or lower the namespace's level to privileged",
                ),
            },
        };
    });
}

export const rule: StackRule<PodSecurityNeedsIstioCniConfig> = {
    kind: "stack",
    name: "pod-security-needs-istio-cni",
    description:
        "Refuses meshed namespaces with Pod Security baseline or restricted in a stack whose injection does not use the Istio CNI node agent.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Install Istio's CNI node agent (nativemesh:mesh.cni true) so injection adds istio-validation instead of istio-init.",
    config: {},
    check: (resources): StackFinding[] =>
        checkPodSecurityNeedsIstioCni(resources).map(({ index, finding }) => ({
            ...finding,
            resource: resources[index],
        })),
};

export const policy = stackPolicy(rule);
