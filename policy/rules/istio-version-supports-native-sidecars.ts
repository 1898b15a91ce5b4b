// istio-version-supports-native-sidecars: istiod injects native sidecars from Istio 1.19; Alibaba ASM from 1.22.

import { isAtLeast } from "../facts/versions";
import { isCommand } from "../asmcli";
import { ALIBABA_SERVICE_MESH, controlPlanesOf, HELM_TYPES, isIstioOperator, isSail } from "../control-planes";
import { resourcePolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, readVersionText, show } from "../read";
import { podTemplatePath } from "../workloads";
import { NO_FINDINGS, say, type Finding, type ResourceRule } from "../rule";

export interface IstioVersionConfig {
    istioMinVersion: string;
    asmMinVersion: string;
}

function belowFloor(field: string, text: string, floor: string, product: string, fact: string, fix: string): Finding[] {
    const atLeast = isAtLeast(text, floor);
    if (atLeast === false) {
        return [{ message: say(`${product} ${field} ${show(text)} is below ${floor}`, fact, fix) }];
    }
    if (atLeast === undefined) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether ${product} ${field} ${show(text)} is at least ${floor}: not a version`,
            },
        ];
    }
    return NO_FINDINGS;
}

/** The pure check. An unpinned version is not a violation; an unreadable one is "cannot tell". */
export function checkIstioVersion(type: string, props: Record<string, unknown>, config: IstioVersionConfig): Finding[] {
    const planes = controlPlanesOf(type, props);
    // Most resources it applies to (every workload) install no control plane: nothing to build for them (issue 20).
    if (planes.length === 0 && type !== ALIBABA_SERVICE_MESH) return NO_FINDINGS;
    const findings: Finding[] = [];
    const istioFact = `Native sidecar injection first shipped in Istio 1.19.0 (istio/istio pilot/pkg/features, ENABLE_NATIVE_SIDECARS, tag 1.19.0)`;
    const istioFix = `use istiod ${config.istioMinVersion} or later (1.28+ recommended)`;
    for (const plane of planes) {
        const version = plane.version;
        // A values file the pack cannot see may override the image, unless the readable values already do.
        if (plane.unreadable && !/image|tag/.test(version?.field ?? "")) {
            findings.push({
                cannotTell: true,
                message: `cannot tell the istiod version: ${plane.unreadable}, and it may set the image (pilot.tag, pilot.image, global.tag)`,
            });
            if (version?.text === CANNOT_TELL) continue;
        }
        if (!version) continue;
        if (version.text === CANNOT_TELL) {
            findings.push({
                cannotTell: true,
                message: `cannot tell the istiod version: ${version.field} is secret, unknown, a digest or not a version`,
            });
            continue;
        }
        findings.push(
            ...belowFloor(version.field, version.text, config.istioMinVersion, "istiod", istioFact, istioFix),
        );
    }
    if (type === ALIBABA_SERVICE_MESH) {
        const version = readVersionText(at(props, "version"));
        if (version === CANNOT_TELL) {
            findings.push({
                cannotTell: true,
                message: "cannot tell the ASM version: version is secret, unknown or not a string",
            });
        } else if (version !== undefined) {
            findings.push(
                ...belowFloor(
                    "version",
                    version,
                    config.asmMinVersion,
                    "Alibaba Service Mesh",
                    `Alibaba ASM runs native sidecars from ${config.asmMinVersion} (Alibaba "Deploy mesh proxy in native sidecar mode", https://www.alibabacloud.com/help/en/asm/sidecar/deploying-grid-agents-using-native-sidecar-patterns)`,
                    `upgrade the mesh to ASM ${config.asmMinVersion} or later`,
                ),
            );
        }
    }
    return findings;
}

export const rule: ResourceRule<IstioVersionConfig> = {
    kind: "resource",
    name: "istio-version-supports-native-sidecars",
    description: "Refuses Istio control planes older than the first release that injects native sidecars.",
    enforcementLevel: "mandatory",
    remediationSteps: "Install istiod 1.19 or later (1.28+ recommended) and Alibaba ASM 1.22 or later.",
    config: {
        // istio/istio pilot/pkg/features: ENABLE_NATIVE_SIDECARS first shipped in 1.19.0.
        istioMinVersion: { type: "string", version: true, default: "1.19", description: "Lowest istiod version." },
        // Alibaba "Deploy mesh proxy in native sidecar mode": native mode is the default from ASM 1.22.
        asmMinVersion: {
            type: "string",
            version: true,
            default: "1.22",
            description: "Lowest Alibaba Service Mesh version.",
        },
    },
    appliesTo: (type) =>
        HELM_TYPES.has(type) ||
        isIstioOperator(type) ||
        isSail(type) ||
        type === ALIBABA_SERVICE_MESH ||
        isCommand(type) ||
        // istiod run by any workload kind, as a manifest or a patch (istiod-manifest.ts).
        podTemplatePath(type) !== undefined,
    check: checkIstioVersion,
};

export const policy = resourcePolicy(rule);
