// istiod installed as plain manifests (`istioctl manifest generate` through a ConfigGroup, a rendered chart's
// children, a DeploymentPatch on an existing istiod, or any other workload kind that runs it): the container that
// runs pilot-discovery, its env list and its image (manifests/charts/istio-control/istio-discovery/templates/
// deployment.yaml names the container `discovery` and the image `<hub>/pilot:<tag>`).

import { tagOf } from "./helm-values";
import { at, CANNOT_TELL, isPlainObject, readArray, readString, type CannotTell } from "./read";
import { podTemplatePath } from "./workloads";

export interface IstiodManifest {
    patch: boolean;
    /** The image tag, CANNOT_TELL when unreadable, undefined when the resource names no image (a patch). */
    tag: { field: string; text: string | CannotTell } | undefined;
    /** ENABLE_NATIVE_SIDECARS from the env list: the value, CANNOT_TELL (valueFrom, an unreadable list, or envFrom
     *  without an explicit entry), or undefined when unset. */
    env: { field: string; value: unknown } | undefined;
    revision: string | undefined | CannotTell;
}

// istiod is the `pilot-discovery` binary: Istio's image `<hub>/pilot:<tag>` (Google's ASM ships the same as
// `.../asm/pilot`) runs it as its entrypoint with the first argument `discovery` (istio/istio
// pilot/docker/Dockerfile.pilot ENTRYPOINT /usr/local/bin/pilot-discovery; istio-discovery
// templates/deployment.yaml `args: ["discovery", ...]`).
const PILOT_IMAGE = /(^|\/)pilot(-discovery)?$/;
const PILOT_BINARY = /(^|\/)pilot-discovery$/;

// The words of a command or args list are its strings (anything else in the list is skipped). Read in place, with no
// list of them made: every container of every workload is asked (issue 20).

/** Whether a string of the list (a container's command) is the pilot-discovery binary. */
function runsPilotBinary(list: unknown): boolean {
    if (!Array.isArray(list)) return false;
    for (let index = 0; index < list.length; index++) {
        const word: unknown = list[index];
        if (typeof word === "string" && PILOT_BINARY.test(word)) return true;
    }
    return false;
}

/** The first string of the list (a container's args), if any. */
function firstWord(list: unknown): string | undefined {
    if (!Array.isArray(list)) return undefined;
    for (let index = 0; index < list.length; index++) {
        const word: unknown = list[index];
        if (typeof word === "string") return word;
    }
    return undefined;
}

/** Whether a container runs istiod: judged on what it runs (image, command, first argument), not on its name.
 *  A container whose image cannot be read counts when it is started as istiod is (`discovery` as first argument,
 *  or the name the chart gives it, which a patch of the chart's Deployment uses to address it). */
function isIstiodContainer(container: unknown): boolean {
    if (!isPlainObject(container)) return false;
    if (runsPilotBinary(container.command)) return true;
    const image = readString(container.image);
    // Stripping the digest and tag leaves a start of the image, so one without "pilot" cannot match: tested first,
    // since every container of every workload is asked (issue 20).
    if (typeof image === "string")
        return image.includes("pilot") && PILOT_IMAGE.test(image.replace(/@.*$/, "").replace(/:[^/]*$/, ""));
    return firstWord(container.args) === "discovery" || container.name === "discovery";
}

/** Whether a list of containers holds an entry that is neither absent nor an object the pack can read. */
function hasUnreadableEntry(containers: unknown[] | undefined): boolean {
    if (containers === undefined) return false;
    for (let index = 0; index < containers.length; index++) {
        const entry = containers[index];
        if (entry !== undefined && entry !== null && !isPlainObject(entry)) return true;
    }
    return false;
}

/** The revision the workload's own istio.io/rev label names; "" and "default" name the default one. */
function revisionOf(props: unknown): string | undefined | CannotTell {
    const label = readString(at(props, "metadata", "labels", "istio.io/rev"));
    return label === "" || label === "default" ? undefined : label;
}

/** The istiod a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, or their Patch
 *  resources) runs, or undefined when it runs none. */
export function istiodManifestOf(type: string, props: unknown, variable: string): IstiodManifest | undefined {
    const template = podTemplatePath(type);
    if (!template) return undefined;
    // at(root, ...a, ...b) is at(at(root, ...a), ...b); the spread last is the cheap form (issue 20).
    const containers = readArray(at(at(props, ...template.path), "spec", "containers"));
    // Containers the pack cannot read (a secret, an unknown, not a list or not objects) may run istiod: the
    // workload is not provably outside the mesh, so its version and env are "cannot tell".
    if (containers === CANNOT_TELL || hasUnreadableEntry(containers)) {
        const field = [...template.path, "spec", "containers"].join(".");
        return {
            patch: template.patch,
            tag: { field, text: CANNOT_TELL },
            env: { field, value: CANNOT_TELL },
            revision: revisionOf(props),
        };
    }
    if (!Array.isArray(containers)) return undefined;
    // By index, with no callback made per workload: nearly every workload runs no istiod (issue 20).
    let index = 0;
    while (index < containers.length && !isIstiodContainer(containers[index])) index++;
    if (index === containers.length) return undefined;
    const revision = revisionOf(props);
    const base = [...template.path, "spec", `containers[${index}]`].join(".");
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
    return { patch: template.patch, tag, env, revision };
}
