// no-legacy-sidecar-workarounds (advisory, stack): tricks that made regular sidecars bearable are dead weight
// with native sidecars (holdApplicationUntilProxyStarts is ignored in native mode: istio/istio
// pkg/kube/inject/webhook.go reorderPod only moves a regular proxy container). Only where native mode is on:
// with regular sidecars they still keep Jobs and init containers working, so removing them there breaks pods.

import { isAtLeast } from "../facts/versions";
import { ALIBABA_SERVICE_MESH, controlPlanesOf, isAsmMeshConfig, type ControlPlane } from "../control-planes";
import { stackPolicy } from "../pulumi-adapter";
import { at, isPlainObject, readArray, readVersionText, type CannotTell, type StringMap } from "../read";
import {
    addFindings,
    findingsOfEach,
    NO_FINDINGS,
    resolveConfig,
    say,
    type Finding,
    type StackFinding,
    type StackResource,
    type StackRule,
} from "../rule";
import { injectionOff, podTemplateOf, settingTemplateAnnotations, templatePath, type PodTemplate } from "../workloads";
import { istiodContext, NATIVE_SIDECAR_ANNOTATION, rule as annotationRule } from "./native-sidecar-annotation";
import { checkNativeSidecarsEnabled, clusterContext, rule as nativeRule } from "./native-sidecars-enabled";

export interface LegacyWorkaroundsConfig {
    proxyUid: number;
}

const HOLD = "holdApplicationUntilProxyStarts";
const PROXY_CONFIG = "proxy.istio.io/config";
const EXCLUDES = ["traffic.sidecar.istio.io/excludeOutboundPorts", "traffic.sidecar.istio.io/excludeOutboundIPRanges"];

/** `where` names the pod template or Setting, built only for a finding (issue 20). */
function annotationFindings(where: () => string, annotations: StringMap): Finding[] {
    let findings = NO_FINDINGS;
    const proxyConfig = annotations.get(PROXY_CONFIG);
    if (typeof proxyConfig === "string" && proxyConfig.includes(HOLD)) {
        findings = addFindings(findings, [
            {
                message: say(
                    `${where()} sets ${HOLD} in proxy.istio.io/config`,
                    "Native sidecars start before the app anyway, and Istio ignores this setting in native mode (istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml)",
                    "remove it",
                ),
            },
        ]);
    }
    for (let index = 0; index < EXCLUDES.length; index++) {
        const key = EXCLUDES[index];
        if (annotations.has(key)) {
            findings = addFindings(findings, [
                {
                    message: say(
                        `${where()} sets ${key}`,
                        "Excluding outbound traffic was a workaround for init containers starting before a regular sidecar; native sidecars start first",
                        `remove ${key} unless the traffic must bypass the mesh for another reason`,
                    ),
                },
            ]);
        }
    }
    return findings;
}

const CONTAINER_LISTS = ["containers", "initContainers"] as const;
const isQuitCall = (word: unknown): boolean => typeof word === "string" && word.includes("/quitquitquit");

/** Whether a command or args list has a word that calls /quitquitquit. */
function callsQuit(words: unknown): boolean {
    return Array.isArray(words) && words.some(isQuitCall);
}

/** Whether any annotation annotationFindings reports is there: asked first, so that no message closure is made for
 *  the templates without one, nearly all of them (issue 20). */
function hasLegacyAnnotation(annotations: StringMap): boolean {
    if (annotations.has(PROXY_CONFIG)) return true;
    for (let index = 0; index < EXCLUDES.length; index++) if (annotations.has(EXCLUDES[index])) return true;
    return false;
}

/** The pod template's containers; where they are is named only for a finding (issue 20). */
function containerFindings(template: PodTemplate, config: LegacyWorkaroundsConfig): Finding[] {
    const spec = template.spec;
    let findings = NO_FINDINGS;
    const podUid = at(spec, "securityContext", "runAsUser");
    // By index, and the command and args searched where they are, not joined into a new list: this runs for every
    // container of every workload (issue 20).
    for (let which = 0; which < CONTAINER_LISTS.length; which++) {
        const list = CONTAINER_LISTS[which];
        const containers = readArray(at(spec, list));
        if (!Array.isArray(containers)) continue;
        for (let index = 0; index < containers.length; index++) {
            const container: unknown = containers[index];
            if (!isPlainObject(container)) continue;
            const name = typeof container.name === "string" ? container.name : `#${index}`;
            if (callsQuit(at(container, "command")) || callsQuit(at(container, "args"))) {
                findings = addFindings(findings, [
                    {
                        message: say(
                            `the pod template (${templatePath(template, "spec")}) container ${name} calls /quitquitquit`,
                            'Stopping istio-proxy by hand is only needed for regular sidecars; a native sidecar stops after the app containers exit (kubernetes.io "Sidecar Containers")',
                            "remove the /quitquitquit call",
                        ),
                    },
                ]);
            }
            if (list === "initContainers") {
                const uid = at(container, "securityContext", "runAsUser") ?? podUid;
                if (uid === config.proxyUid) {
                    findings = addFindings(findings, [
                        {
                            message: say(
                                `the pod template (${templatePath(template, "spec")}) init container ${name} runs as UID ${config.proxyUid}`,
                                `UID ${config.proxyUid} bypasses the proxy's traffic capture; that trick let init containers reach the network before a regular sidecar started, and native sidecars start first`,
                                "run the init container as another UID",
                            ),
                        },
                    ]);
                }
            }
        }
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

/** Where native mode is on: mesh-wide (every control plane of the stack is told to inject native sidecars, by
 *  native-sidecars-enabled's own reading with its defaults), and per pod with sidecar.istio.io/nativeSidecar
 *  "true" where every istiod reads that annotation. */
export interface NativeMode {
    meshWide: boolean;
    annotationRead: boolean;
    /** Resources whose own control plane is told to inject native sidecars. */
    nativePlanes: Set<StackResource>;
}

/** One function for every resource, not a closure per call (issue 20). */
const installsWhole = (plane: ControlPlane): boolean => !plane.partial;

export function nativeMode(resources: StackResource[]): NativeMode {
    const nativeConfig = resolveConfig(nativeRule, {});
    const clusters = clusterContext(resources, nativeConfig);
    const mode: NativeMode = { meshWide: false, annotationRead: false, nativePlanes: new Set() };
    let planes = 0;
    let native = 0;
    // By index, not for-of: a first run is mostly interpreted, where for-of allocates per resource (issue 20).
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        const { type, props } = resource;
        const installs = controlPlanesOf(type, props).some(installsWhole);
        const alibaba = type === ALIBABA_SERVICE_MESH || isAsmMeshConfig(type);
        if (!installs && !alibaba) continue;
        planes++;
        let on = checkNativeSidecarsEnabled(type, props, nativeConfig, clusters).length === 0;
        // Alibaba ASM runs native mode by default from 1.22 (istio-version-supports-native-sidecars' floor).
        if (type === ALIBABA_SERVICE_MESH) on = isAtLeast(readVersionText(at(props, "version")), "1.22") === true;
        if (on) {
            native++;
            if (installs) mode.nativePlanes.add(resource);
        }
    }
    mode.meshWide = planes > 0 && native === planes;
    const istiod = istiodContext(resources);
    const floor = resolveConfig(annotationRule, {}).annotationMinIstioVersion;
    mode.annotationRead =
        istiod.unreadable === 0 &&
        istiod.versions.length > 0 &&
        istiod.versions.every((entry) => isAtLeast(entry.text, floor) === true);
    return mode;
}

/** Whether a pod with these annotations and labels runs a native sidecar. */
function podIsNative(
    annotations: StringMap | undefined,
    labels: StringMap | undefined | CannotTell,
    mode: NativeMode,
): boolean {
    if (injectionOff(annotations, labels) !== false) return false;
    const value = annotations?.get(NATIVE_SIDECAR_ANNOTATION);
    if (value === "false") return false;
    if (value === "true") return mode.annotationRead || mode.meshWide;
    return mode.meshWide;
}

/** The pure per-resource check, given where native mode is on. */
export function checkLegacyWorkarounds(
    resource: StackResource,
    config: LegacyWorkaroundsConfig,
    mode: NativeMode,
): Finding[] {
    const { type, props } = resource;
    // Each reader answers NO_FINDINGS when it finds nothing, and addFindings makes a list only for a finding: this
    // runs for every resource (issue 20).
    let findings = NO_FINDINGS;
    const template = podTemplateOf(type, props);
    if (template) {
        const annotations = template.annotations instanceof Map ? template.annotations : undefined;
        if (!podIsNative(annotations, template.labels, mode)) return NO_FINDINGS;
        if (annotations && hasLegacyAnnotation(annotations)) {
            findings = annotationFindings(
                () => `the pod template (${templatePath(template, "metadata", "annotations")})`,
                annotations,
            );
        }
        findings = addFindings(findings, containerFindings(template, config));
    }
    const setting = settingTemplateAnnotations(type, props);
    if (setting && setting.entries instanceof Map && podIsNative(setting.entries, undefined, mode))
        findings = addFindings(
            findings,
            annotationFindings(() => `the Formance ${setting.key} Setting`, setting.entries),
        );
    if (mode.nativePlanes.has(resource)) {
        for (const plane of controlPlanesOf(type, props)) {
            if (holdsApplication(plane.settingsRoot)) {
                findings = addFindings(findings, [
                    {
                        message: say(
                            `istiod config sets ${HOLD}`,
                            "Istio ignores it in native sidecar mode, which this istiod is told to use",
                            `remove ${HOLD} from meshConfig/proxy settings`,
                        ),
                    },
                ]);
            }
        }
    }
    return findings;
}

export const rule: StackRule<LegacyWorkaroundsConfig> = {
    kind: "stack",
    name: "no-legacy-sidecar-workarounds",
    description:
        "Points out workarounds for regular sidecars that native sidecars make useless, where native mode is on.",
    enforcementLevel: "advisory",
    remediationSteps:
        "Where native sidecars are on, remove /quitquitquit calls, holdApplicationUntilProxyStarts, outbound excludes and UID 1337 init containers.",
    config: {
        // Istio's proxy UID (istio-proxy runs as 1337; traffic from it is not captured).
        proxyUid: {
            type: "integer",
            minimum: 0,
            default: 1337,
            description: "UID of istio-proxy, whose traffic the mesh does not capture.",
        },
    },
    check: (resources, config): StackFinding[] => {
        const mode = nativeMode(resources);
        return findingsOfEach(resources, (resource) => checkLegacyWorkarounds(resource, config, mode));
    },
};

export const policy = stackPolicy(rule);
