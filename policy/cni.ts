// Whether a stack injects through the Istio CNI node agent rather than the istio-init container: the node agent's
// own install (Istio's `cni` Helm chart, IstioOperator's `cni` component, Sail's IstioCNI, an asmcli CNI option,
// Alibaba ASM's CNI plug-in, Google's managed mesh) or istiod told to inject for it (`pilot.cni.enabled`). Pure.

import { asmcliInstalls, commandTexts, flagValues, hasFlag, isCommand, overlayFiles } from "./asmcli";
import { ALIBABA_SERVICE_MESH, HELM_TYPES, isIstioOperator } from "./control-planes";
import { helmValues, istiodChart } from "./helm-values";
import { at, CANNOT_TELL, readString } from "./read";

/** One resource's answer: it installs CNI (with where it says so), it may (cannot tell why), or nothing. */
export type CniReading = { uses: true; where: string } | { uses: typeof CANNOT_TELL; why: string } | undefined;

// Sail's node agent resource (sail-operator api/v1 IstioCNI), any served version.
const SAIL_CNI = /^kubernetes:sailoperator\.io\/[^:]+:IstioCNI$/;
const FEATURE_MEMBERSHIP = "gcp:gkehub/featureMembership:FeatureMembership";

/** Charts `cni`, `istio/cni`, `istio-cni`, any path or URL ending in one, or a packaged `cni-<version>.tgz`
 *  (the chart is published as `cni` and lives in istio/istio manifests/charts/istio-cni). */
export function isCniChart(chart: unknown): boolean {
    if (typeof chart !== "string") return false;
    const last = chart.replace(/[?#].*$/, "").replace(/\/+$/, "");
    const name = last.slice(last.lastIndexOf("/") + 1);
    return /^(istio-)?cni(-v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*?\.(tgz|tar\.gz))?$/.test(name);
}

// asmcli's packaged CNI overlays, `--option cni-gcp`, `cni-managed`, `cni-onprem`... (anthos-service-mesh-packages
// asm/istio/options/cni-*.yaml), and `--use_managed_cni` (asmcli --help).
const ASMCLI_OPTION = ["--option"];
const ASMCLI_MANAGED_CNI = ["--use_managed_cni"];

/** `true` read as a boolean or as the string a YAML or CLI value may carry. */
function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

function helmReading(props: Record<string, unknown>): CniReading {
    const chart = at(props, "chart") ?? at(props, "path");
    if (isCniChart(chart)) return { uses: true, where: `the Istio CNI chart (${String(chart)})` };
    const { values, unreadable } = helmValues(props);
    const named = istiodChart(chart) !== undefined;
    const flag = at(values, "pilot", "cni", "enabled");
    if (named && isTrue(flag)) return { uses: true, where: "istiod's pilot.cni.enabled" };
    if (chart !== undefined && typeof chart !== "string") {
        return { uses: CANNOT_TELL, why: "a Helm chart whose name cannot be read may be Istio's cni chart" };
    }
    if (named && (flag === CANNOT_TELL || unreadable !== undefined)) {
        return { uses: CANNOT_TELL, why: `istiod's pilot.cni.enabled cannot be read (${unreadable ?? "not a value"})` };
    }
    return undefined;
}

function operatorReading(props: Record<string, unknown>, where: string): CniReading {
    const component = at(props, "spec", "components", "cni", "enabled");
    if (isTrue(component)) return { uses: true, where: `${where} spec.components.cni` };
    const flag = at(props, "spec", "values", "pilot", "cni", "enabled");
    if (isTrue(flag)) return { uses: true, where: `${where} spec.values.pilot.cni.enabled` };
    if (component === CANNOT_TELL || flag === CANNOT_TELL) {
        return { uses: CANNOT_TELL, why: `${where} spec.components.cni cannot be read` };
    }
    return undefined;
}

function commandReading(type: string, props: Record<string, unknown>): CniReading {
    let unreadable: string | undefined;
    if (commandTexts(type, props).includes(CANNOT_TELL)) unreadable = "a Command whose script cannot be read";
    for (const install of asmcliInstalls(type, props)) {
        const option = flagValues(install, ASMCLI_OPTION).find((value) => /^cni-/.test(value));
        if (option !== undefined) return { uses: true, where: `asmcli --option ${option}` };
        if (hasFlag(install, ASMCLI_MANAGED_CNI)) return { uses: true, where: "asmcli --use_managed_cni" };
        for (const overlay of overlayFiles(install)) {
            if (overlay.document === CANNOT_TELL) {
                unreadable ??= overlay.why;
                continue;
            }
            const reading = operatorReading(
                { spec: at(overlay.document, "spec") },
                `the asmcli overlay (${overlay.name})`,
            );
            if (reading !== undefined) return reading;
        }
    }
    return unreadable !== undefined ? { uses: CANNOT_TELL, why: unreadable } : undefined;
}

/** What one resource says about Istio CNI. */
export function cniReadingOf(type: string, props: Record<string, unknown>): CniReading {
    if (HELM_TYPES.has(type)) return helmReading(props);
    if (isIstioOperator(type)) return operatorReading(props, "the IstioOperator's");
    if (SAIL_CNI.test(type)) return { uses: true, where: "Sail's IstioCNI" };
    if (isCommand(type)) return commandReading(type, props);
    if (type === ALIBABA_SERVICE_MESH) {
        const enabled = at(props, "meshConfig", "sidecarInjector", "initCniConfiguration", "enabled");
        if (isTrue(enabled)) return { uses: true, where: "ASM's initCniConfiguration" };
        if (enabled === CANNOT_TELL) return { uses: CANNOT_TELL, why: "ASM's initCniConfiguration cannot be read" };
        return undefined;
    }
    // Google's managed mesh installs its own node agent (Google Cloud "Provision a managed Cloud Service Mesh
    // control plane on GKE": the istio-cni-node DaemonSet in kube-system).
    if (type === FEATURE_MEMBERSHIP) {
        const management = readString(at(props, "mesh", "management"));
        if (management === "MANAGEMENT_AUTOMATIC") return { uses: true, where: "the managed mesh" };
        if (management === CANNOT_TELL) return { uses: CANNOT_TELL, why: "mesh.management cannot be read" };
    }
    return undefined;
}

/** The stack's answer: a resource that installs CNI, else why some cannot be read, else none. */
export function stackCni(
    resources: Array<{ type: string; props: Record<string, unknown> }>,
): { uses: true; where: string } | { uses: false; unreadable: string | undefined } {
    let unreadable: string | undefined;
    for (const resource of resources) {
        const reading = cniReadingOf(resource.type, resource.props);
        if (reading?.uses === true) return reading;
        if (reading?.uses === CANNOT_TELL) unreadable ??= reading.why;
    }
    return { uses: false, unreadable };
}
