// native-sidecar-annotation: Istio reads exactly `sidecar.istio.io/nativeSidecar: "true" | "false"`, and only
// from 1.24.0. Other spellings seen in docs (native-sidecar; Istio's own 1.27 change notes: native-side) are
// silently ignored (istio/api annotation/annotations.yaml, SidecarNativeSidecar; istio/istio 78f4c95, #53490).

import { isAtLeast, parseVersion } from "../facts/versions";
import { controlPlanesOf } from "../control-planes";
import { cachedPerObject } from "../evaluation-cache";
import { stackPolicy } from "../pulumi-adapter";
import { CANNOT_TELL, show, type CannotTell, type StringMap } from "../read";
import {
    addFindings,
    describe,
    findingsOfEach,
    NO_FINDINGS,
    say,
    type Finding,
    type StackFinding,
    type StackResource,
    type StackRule,
} from "../rule";
import { injectionOff, podTemplateOf, settingTemplateAnnotations, templatePath, type PodTemplate } from "../workloads";

export const NATIVE_SIDECAR_ANNOTATION = "sidecar.istio.io/nativeSidecar";

export interface NativeSidecarAnnotationConfig {
    annotationMinIstioVersion: string;
}

/** True for a key that looks meant as sidecar.istio.io/nativeSidecar but is not it, e.g.
 *  sidecar.istio.io/native-sidecar, sidecar.istio.io/native-side, proxy.istio.io/nativeSidecar, nativeSidecar. */
export function isMisspelledNativeSidecarKey(key: string): boolean {
    if (key === NATIVE_SIDECAR_ANNOTATION) return false;
    const slash = key.lastIndexOf("/");
    if (!nameMayStartNative(key, slash + 1)) return false;
    const prefix = key.slice(0, slash + 1).toLowerCase();
    const name = key
        .slice(slash + 1)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "");
    return name.startsWith("nativeside") && (prefix === "" || prefix.endsWith("istio.io/"));
}

/** Whether the name part of a key (from `start`) has "n" or "N" as its first letter or digit, which a name must
 *  have to read "nativeside..." once lower-cased without its other characters. Tested without a copy of the key:
 *  every annotation key of every pod template comes here, and nearly none starts so (issue 20). */
function nameMayStartNative(key: string, start: number): boolean {
    for (let index = start; index < key.length; index++) {
        const code = key.charCodeAt(index);
        if (code === 110 || code === 78) return true; // "n", "N"
        // Any other letter or digit decides; what is neither is dropped before the comparison.
        if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return false;
    }
    return false;
}

/** The istiod versions the stack installs. */
export interface IstiodContext {
    versions: Array<{ who: string; text: string }>;
    /** Control planes whose version is not pinned or not readable. */
    unreadable: number;
}

/** Read once per evaluation (evaluation-cache.ts): no-legacy-sidecar-workarounds asks too. */
export function istiodContext(resources: StackResource[]): IstiodContext {
    return cachedIstiodContext("", resources);
}

const cachedIstiodContext = cachedPerObject((_, resources) => readIstiodContext(resources as StackResource[]));

function readIstiodContext(resources: StackResource[]): IstiodContext {
    const context: IstiodContext = { versions: [], unreadable: 0 };
    // By index, not for-of: a first run is mostly interpreted, where for-of allocates per resource (issue 20).
    for (let index = 0; index < resources.length; index++) {
        const resource = resources[index];
        // The planes by index too: most lists are empty, and for-of would still allocate for each (issue 20).
        const planes = controlPlanesOf(resource.type, resource.props);
        for (let position = 0; position < planes.length; position++) {
            const text = planes[position].version?.text;
            if (typeof text === "string" && parseVersion(text))
                context.versions.push({ who: describe(resource), text });
            else context.unreadable++;
        }
    }
    return context;
}

/** The stack's istiod versions below `floor`, as "who version". Read once per evaluation: every annotated pod
 *  template asks. */
const versionsBelow = cachedPerObject((floor, istiod) =>
    (istiod as IstiodContext).versions
        .filter((entry) => isAtLeast(entry.text, floor) === false)
        .map((entry) => `${entry.who} ${entry.text}`),
);

function versionFindings(config: NativeSidecarAnnotationConfig, istiod: IstiodContext, value: string): Finding[] {
    const floor = config.annotationMinIstioVersion;
    const below = versionsBelow(floor, istiod);
    if (below.length === 0) return NO_FINDINGS;
    const why = `Istio reads it from ${floor} (istio/istio commit 78f4c95, PR #53490; tag 1.23.6 does not have it); older istiod ignores it`;
    if (below.length === istiod.versions.length && istiod.unreadable === 0) {
        return [
            {
                message: say(
                    `uses ${NATIVE_SIDECAR_ANNOTATION} but the stack's istiod is older than ${floor}: ${below.join("; ")}`,
                    why,
                    value === "false"
                        ? `upgrade istiod to ${floor} or later, or remove the annotation (the pod gets the mesh-wide mode)`
                        : `upgrade istiod to ${floor} or later, or set ENABLE_NATIVE_SIDECARS mesh-wide instead`,
                ),
            },
        ];
    }
    return [
        {
            cannotTell: true,
            message: `uses ${NATIVE_SIDECAR_ANNOTATION}; pods served by ${below.join("; ")} ignore it (${why})`,
        },
    ];
}

/** Where annotations come from: a pod template, or the key of a Formance Setting that sets them. */
type AnnotationSource = PodTemplate | string;

/** The source as messages name it. Built only for a finding, from the source itself, so that no closure is made for
 *  each template read (issue 20). */
function placeOf(source: AnnotationSource): string {
    return typeof source === "string"
        ? `the Formance ${source} Setting`
        : `the pod template (${templatePath(source, "metadata", "annotations")})`;
}

/** `source` is named (placeOf) only for a finding: most templates have none (issue 20).
 *  `ownedByJobs`: a Job that opts out while keeping injection, which jobs-terminate-with-native-sidecars reports;
 *  the same annotation is not reported twice. */
function annotationFindings(
    source: AnnotationSource,
    annotations: StringMap,
    config: NativeSidecarAnnotationConfig,
    istiod: IstiodContext,
    ownedByJobs: boolean,
): Finding[] {
    // NO_FINDINGS until something is found: this runs for every annotated pod template (issue 20).
    let findings = NO_FINDINGS;
    for (const key of annotations.keys()) {
        if (isMisspelledNativeSidecarKey(key)) {
            findings = addFindings(findings, [
                {
                    message: say(
                        `${placeOf(source)} has annotation ${show(key)}, which Istio ignores`,
                        `Istio has no such annotation: the only key it reads is ${NATIVE_SIDECAR_ANNOTATION} (camelCase; istio/api annotation/annotations.yaml, SidecarNativeSidecar); spellings such as sidecar.istio.io/native-sidecar, or native-side as in Istio's own 1.27 change notes, are ignored`,
                        `rename it to ${NATIVE_SIDECAR_ANNOTATION}`,
                    ),
                },
            ]);
        }
    }
    const value: string | CannotTell | undefined = annotations.get(NATIVE_SIDECAR_ANNOTATION);
    if (value === undefined) return findings;
    if (value === CANNOT_TELL) {
        // On a Job that keeps injection, jobs-terminate-with-native-sidecars says it cannot tell.
        if (ownedByJobs) return findings;
        findings = addFindings(findings, [
            {
                cannotTell: true,
                message: `cannot tell the value of ${NATIVE_SIDECAR_ANNOTATION} in ${placeOf(source)}: secret, unknown or not a string`,
            },
        ]);
    } else if (value !== "true" && value !== "false") {
        findings = addFindings(findings, [
            {
                message: say(
                    `${placeOf(source)} sets ${NATIVE_SIDECAR_ANNOTATION} to ${show(value)}`,
                    `Istio accepts only "true" or "false" (istio/api annotation/annotations.yaml, SidecarNativeSidecar; istio.io "Istio 1.24.0 Change Notes")`,
                    `write "true" or "false"`,
                ),
            },
        ]);
    }
    if (ownedByJobs && value === "false") return findings;
    const versions = versionFindings(config, istiod, value === CANNOT_TELL ? "" : value);
    for (let index = 0; index < versions.length; index++) {
        findings = addFindings(findings, [
            { ...versions[index], message: `${placeOf(source)} ${versions[index].message}` },
        ]);
    }
    return findings;
}

/** The pure per-resource check, given the stack's istiod versions. */
export function checkNativeSidecarAnnotation(
    type: string,
    props: Record<string, unknown>,
    config: NativeSidecarAnnotationConfig,
    istiod: IstiodContext,
): Finding[] {
    const template = podTemplateOf(type, props);
    if (template) {
        if (!(template.annotations instanceof Map)) return NO_FINDINGS;
        // A pod Istio does not inject reads none of its annotations (istio/istio pkg/kube/inject/inject.go
        // injectRequired): whatever it says about native sidecars is moot.
        const off = injectionOff(template.annotations, template.labels);
        if (off === true) return NO_FINDINGS;
        return annotationFindings(template, template.annotations, config, istiod, template.isJob && off === false);
    }
    const setting = settingTemplateAnnotations(type, props);
    if (setting && setting.entries instanceof Map) {
        const off = injectionOff(setting.entries, undefined);
        if (off === true) return NO_FINDINGS;
        return annotationFindings(setting.key, setting.entries, config, istiod, setting.isJob && off === false);
    }
    return NO_FINDINGS;
}

export const rule: StackRule<NativeSidecarAnnotationConfig> = {
    kind: "stack",
    name: "native-sidecar-annotation",
    description:
        "Refuses pod annotations meant to pick native sidecars that Istio ignores (misspelled key, bad value, istiod too old).",
    enforcementLevel: "mandatory",
    remediationSteps: `Use exactly ${NATIVE_SIDECAR_ANNOTATION}: "true" | "false", with istiod 1.24.0 or later.`,
    config: {
        // istio/istio commit 78f4c95 (PR #53490): the annotation first shipped in Istio 1.24.0.
        annotationMinIstioVersion: {
            type: "string",
            version: true,
            default: "1.24.0",
            description: "First istiod version that reads the annotation.",
        },
    },
    check: (resources, config): StackFinding[] => {
        const istiod = istiodContext(resources);
        return findingsOfEach(resources, (resource) =>
            checkNativeSidecarAnnotation(resource.type, resource.props, config, istiod),
        );
    },
};

export const policy = stackPolicy(rule);
