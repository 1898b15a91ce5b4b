// no-legacy-sidecar-workarounds (advisory): tricks that made regular sidecars bearable are dead weight, or
// harmful, with native sidecars (FACTS.md "Istio: how injection decides": holdApplicationUntilProxyStarts is
// ignored in native mode; seed 000 "Managed ASM: Workarounds").

import { controlPlanesOf, HELM_TYPES, ISTIO_OPERATOR, SAIL_ISTIO } from "../control-planes";
import { resourcePolicy } from "../pulumi-adapter";
import { at, isPlainObject, readArray, type StringMap } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";
import { isSettings, podTemplateOf, settingTemplateAnnotations, templatePath } from "../workloads";

export interface LegacyWorkaroundsConfig {
    proxyUid: number;
}

const HOLD = "holdApplicationUntilProxyStarts";
const EXCLUDES = ["traffic.sidecar.istio.io/excludeOutboundPorts", "traffic.sidecar.istio.io/excludeOutboundIPRanges"];

function annotationFindings(where: string, annotations: StringMap): Finding[] {
    const findings: Finding[] = [];
    const proxyConfig = annotations.get("proxy.istio.io/config");
    if (typeof proxyConfig === "string" && proxyConfig.includes(HOLD)) {
        findings.push({
            message: say(
                `${where} sets ${HOLD} in proxy.istio.io/config`,
                "Native sidecars start before the app anyway, and Istio ignores this setting in native mode (FACTS.md)",
                "remove it",
            ),
        });
    }
    for (const key of EXCLUDES) {
        if (annotations.has(key)) {
            findings.push({
                message: say(
                    `${where} sets ${key}`,
                    "Excluding outbound traffic was a workaround for init containers starting before a regular sidecar; native sidecars start first",
                    `remove ${key} unless the traffic must bypass the mesh for another reason`,
                ),
            });
        }
    }
    return findings;
}

function containerFindings(where: string, spec: unknown, config: LegacyWorkaroundsConfig): Finding[] {
    const findings: Finding[] = [];
    const podUid = at(spec, "securityContext", "runAsUser");
    for (const list of ["containers", "initContainers"]) {
        const containers = readArray(at(spec, list));
        if (!Array.isArray(containers)) continue;
        containers.forEach((container, index) => {
            if (!isPlainObject(container)) return;
            const name = typeof container.name === "string" ? container.name : `#${index}`;
            const words = [at(container, "command"), at(container, "args")].flatMap((value) =>
                Array.isArray(value) ? value : [],
            );
            if (words.some((word) => typeof word === "string" && word.includes("/quitquitquit"))) {
                findings.push({
                    message: say(
                        `${where} container ${name} calls /quitquitquit`,
                        "Stopping istio-proxy by hand is only needed for regular sidecars; a native sidecar stops after the app containers exit (FACTS.md)",
                        "remove the /quitquitquit call",
                    ),
                });
            }
            if (list === "initContainers") {
                const uid = at(container, "securityContext", "runAsUser") ?? podUid;
                if (uid === config.proxyUid) {
                    findings.push({
                        message: say(
                            `${where} init container ${name} runs as UID ${config.proxyUid}`,
                            `UID ${config.proxyUid} bypasses the proxy's traffic capture; that trick let init containers reach the network before a regular sidecar started, and native sidecars start first`,
                            "run the init container as another UID",
                        ),
                    });
                }
            }
        });
    }
    return findings;
}

/** Searches Helm values / IstioOperator spec for holdApplicationUntilProxyStarts set to true (bounded depth). */
function holdsApplication(value: unknown, depth = 0): boolean {
    if (depth > 8 || typeof value !== "object" || value === null) return false;
    if (Array.isArray(value)) return value.some((entry) => holdsApplication(entry, depth + 1));
    if (!isPlainObject(value)) return false;
    return Object.entries(value).some(([key, entry]) =>
        key === HOLD ? entry === true || entry === "true" : holdsApplication(entry, depth + 1),
    );
}

/** The pure check. */
export function checkLegacyWorkarounds(
    type: string,
    props: Record<string, unknown>,
    config: LegacyWorkaroundsConfig,
): Finding[] {
    const findings: Finding[] = [];
    const template = podTemplateOf(type, props);
    if (template) {
        if (template.annotations instanceof Map) {
            findings.push(
                ...annotationFindings(
                    `the pod template (${templatePath(template, "metadata", "annotations")})`,
                    template.annotations,
                ),
            );
        }
        findings.push(
            ...containerFindings(`the pod template (${templatePath(template, "spec")})`, template.spec, config),
        );
    }
    const setting = settingTemplateAnnotations(type, props);
    if (setting && setting.entries instanceof Map)
        findings.push(...annotationFindings(`the Formance ${setting.key} Setting`, setting.entries));
    for (const plane of controlPlanesOf(type, props)) {
        if (holdsApplication(plane.settingsRoot)) {
            findings.push({
                message: say(
                    `istiod config sets ${HOLD}`,
                    "Istio ignores it in native sidecar mode (FACTS.md)",
                    `remove ${HOLD} from meshConfig/proxy settings`,
                ),
            });
        }
    }
    return findings;
}

export const rule: ResourceRule<LegacyWorkaroundsConfig> = {
    kind: "resource",
    name: "no-legacy-sidecar-workarounds",
    description: "Points out workarounds for regular sidecars that native sidecars make useless.",
    enforcementLevel: "advisory",
    remediationSteps:
        "Remove /quitquitquit calls, holdApplicationUntilProxyStarts, outbound excludes and UID 1337 init containers.",
    config: {
        // Istio's proxy UID (istio-proxy runs as 1337; traffic from it is not captured).
        proxyUid: {
            type: "integer",
            minimum: 0,
            default: 1337,
            description: "UID of istio-proxy, whose traffic the mesh does not capture.",
        },
    },
    appliesTo: (type) =>
        podTemplateOf(type, {}) !== undefined ||
        isSettings(type) ||
        HELM_TYPES.has(type) ||
        type === ISTIO_OPERATOR ||
        type === SAIL_ISTIO,
    check: checkLegacyWorkarounds,
};

export const policy = resourcePolicy(rule);
