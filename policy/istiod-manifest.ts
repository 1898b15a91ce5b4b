// istiod installed as plain manifests (`istioctl manifest generate` through a ConfigGroup, a rendered chart's
// children, or a DeploymentPatch on an existing istiod): the Deployment's `discovery` container, its env list and
// its image (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml names the container
// `discovery` and the image `<hub>/pilot:<tag>`).

import { tagOf } from "./helm-values";
import { at, CANNOT_TELL, isPlainObject, readArray, readString, type CannotTell } from "./read";

const DEPLOYMENT = /^kubernetes:(apps|extensions)\/[^:]+:Deployment(Patch)?$/;

export interface IstiodManifest {
    patch: boolean;
    /** The image tag, CANNOT_TELL when unreadable, undefined when the resource names no image (a patch). */
    tag: { field: string; text: string | CannotTell } | undefined;
    /** ENABLE_NATIVE_SIDECARS from the env list: the value, CANNOT_TELL (valueFrom, an unreadable list, or envFrom
     *  without an explicit entry), or undefined when unset. */
    env: { field: string; value: unknown } | undefined;
    revision: string | undefined | CannotTell;
}

function isIstiodContainer(container: unknown): boolean {
    if (!isPlainObject(container)) return false;
    if (container.name === "discovery") return true;
    const image = typeof container.image === "string" ? container.image.replace(/[:@].*$/, "") : "";
    return /(^|\/)pilot$/.test(image);
}

/** The istiod a Deployment (or DeploymentPatch) runs, or undefined when it runs none. */
export function istiodManifestOf(type: string, props: unknown, variable: string): IstiodManifest | undefined {
    const match = DEPLOYMENT.exec(type);
    if (!match) return undefined;
    const containers = readArray(at(props, "spec", "template", "spec", "containers"));
    if (!Array.isArray(containers)) return undefined;
    const index = containers.findIndex(isIstiodContainer);
    if (index < 0) return undefined;
    const base = `spec.template.spec.containers[${index}]`;
    const container = containers[index] as Record<string, unknown>;
    const image = readString(at(container, "image"));
    const tag: IstiodManifest["tag"] =
        image === undefined
            ? undefined
            : { field: `${base}.image`, text: image === CANNOT_TELL ? CANNOT_TELL : tagOf(image) };
    let env: IstiodManifest["env"];
    const list = readArray(at(container, "env"));
    if (list === CANNOT_TELL) env = { field: `${base}.env`, value: CANNOT_TELL };
    else {
        // Kubernetes keeps the last of repeated names; an explicit entry beats envFrom.
        (list ?? []).forEach((entry, position) => {
            if (!isPlainObject(entry)) env = { field: `${base}.env[${position}]`, value: CANNOT_TELL };
            else if (entry.name === variable) {
                const value = entry.valueFrom !== undefined ? CANNOT_TELL : at(entry, "value");
                env = { field: `${base}.env[${position}].value`, value: value ?? "" };
            }
        });
        if (env === undefined && at(container, "envFrom") !== undefined)
            env = { field: `${base}.envFrom`, value: CANNOT_TELL };
    }
    const revision = readString(at(props, "metadata", "labels", "istio.io/rev"));
    return {
        patch: match[2] !== undefined,
        tag,
        env,
        revision: revision === "" || revision === "default" ? undefined : revision,
    };
}
