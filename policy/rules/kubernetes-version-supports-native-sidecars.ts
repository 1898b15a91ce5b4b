// kubernetes-version-supports-native-sidecars: native sidecars need nodes on GKE >= 1.29 and ACK >= 1.30.

import { isAtLeast } from "../facts/versions";
import { isClusterType, isGkeAlias, pinnedVersions } from "../clusters";
import { resourcePolicy } from "../pulumi-adapter";
import { CANNOT_TELL, show } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";

export interface KubernetesVersionConfig {
    gkeMinVersion: string;
    ackMinVersion: string;
}

/** The pure check. No version set is not a violation: the provider's default is not a pin. */
export function checkKubernetesVersion(
    type: string,
    props: Record<string, unknown>,
    config: KubernetesVersionConfig,
): Finding[] {
    const findings: Finding[] = [];
    for (const pin of pinnedVersions(type, props)) {
        const floor = pin.platform === "gke" ? config.gkeMinVersion : config.ackMinVersion;
        const platform = pin.platform === "gke" ? "GKE" : "ACK";
        if (pin.text === CANNOT_TELL) {
            findings.push({
                cannotTell: true,
                message: `cannot tell whether ${pin.field} is at least ${floor}: it is secret, unknown or not a string`,
            });
            continue;
        }
        if (pin.platform === "gke" && isGkeAlias(pin.text) === "latest") continue;
        const atLeast = isAtLeast(pin.text, floor);
        if (atLeast === undefined) {
            findings.push({
                cannotTell: true,
                message: `cannot tell whether ${pin.field} ${show(pin.text)} is at least ${floor}: not a version`,
            });
        } else if (!atLeast) {
            findings.push({
                message: say(
                    `${pin.field} ${show(pin.text)} is below ${floor}`,
                    pin.platform === "gke"
                        ? `Native sidecars need GKE nodes on ${floor} or later (GKE rapid-channel release notes, Kubernetes 1.29 entry: sidecar init containers need nodes on 1.29 or later; SidecarContainers is on by default from 1.29, kubernetes/website feature-gates/SidecarContainers.md)`
                        : `Native sidecar mode needs ACK clusters on ${floor} or later (Alibaba "Deploy mesh proxy in native sidecar mode", https://www.alibabacloud.com/help/en/asm/sidecar/deploying-grid-agents-using-native-sidecar-patterns)`,
                    `pin ${pin.field} to ${floor} or later on ${platform}`,
                ),
            });
        }
    }
    return findings;
}

export const rule: ResourceRule<KubernetesVersionConfig> = {
    kind: "resource",
    name: "kubernetes-version-supports-native-sidecars",
    description:
        "Refuses GKE and ACK clusters and node pools pinned below the Kubernetes version that runs native sidecars.",
    enforcementLevel: "mandatory",
    remediationSteps: "Pin GKE clusters and node pools to 1.29 or later and ACK clusters to 1.30 or later.",
    config: {
        // GKE rapid-channel release notes (Kubernetes 1.29 entry): native sidecars need nodes on 1.29 or later.
        gkeMinVersion: {
            type: "string",
            version: true,
            default: "1.29",
            description: "Lowest GKE version (cluster and node pools).",
        },
        // Alibaba "Deploy mesh proxy in native sidecar mode": ACK/ACS clusters on 1.30 or later.
        ackMinVersion: { type: "string", version: true, default: "1.30", description: "Lowest ACK cluster version." },
    },
    appliesTo: isClusterType,
    check: checkKubernetesVersion,
};

export const policy = resourcePolicy(rule);
