// jobs-terminate-with-native-sidecars: a Job's pod completes only when its sidecar is native (stopped after the
// app containers exit); a regular istio-proxy keeps it running forever (kubernetes.io "Sidecar Containers").

import { resourcePolicy } from "../pulumi-adapter";
import { CANNOT_TELL, type CannotTell, type StringMap } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";
import {
    INJECT,
    injectionOff,
    isJobKind,
    isSettings,
    podTemplateOf,
    settingTemplateAnnotations,
    templatePath,
} from "../workloads";
import { NATIVE_SIDECAR_ANNOTATION } from "./native-sidecar-annotation";

// This rule has no thresholds.
export type JobsTerminateConfig = Record<string, never>;

/** `where` names the pod template or Setting, built only for a finding (issue 20). */
function findings(where: () => string, annotations: StringMap, labels: StringMap | undefined | CannotTell): Finding[] {
    const native = annotations.get(NATIVE_SIDECAR_ANNOTATION);
    if (native === CANNOT_TELL) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether ${where()} opts out of native sidecars: ${NATIVE_SIDECAR_ANNOTATION} is secret, unknown or not a string`,
            },
        ];
    }
    if (native !== "false") return [];
    // Injection off means no sidecar at all, so nothing keeps the pod alive.
    const off = injectionOff(annotations, labels);
    if (off === true) return [];
    if (off === CANNOT_TELL) {
        return [
            {
                cannotTell: true,
                message: `cannot tell whether ${where()} keeps injection: its labels, or its ${INJECT} label or annotation, are secret, unknown or not a string`,
            },
        ];
    }
    return [
        {
            message: say(
                `${where()} sets ${NATIVE_SIDECAR_ANNOTATION}: "false" on a Job`,
                "With a regular sidecar the Job's pod never completes: istio-proxy keeps running after the job's container exits; only a native sidecar is stopped after the app containers (kubernetes.io \"Sidecar Containers\")",
                `remove the annotation (or set it to "true"), or turn injection off with ${INJECT}: "false" as a pod label, or as an annotation when the pod has no such label (the label wins)`,
            ),
        },
    ];
}

/** The pure check. */
export function checkJobsTerminate(type: string, props: Record<string, unknown>): Finding[] {
    const template = podTemplateOf(type, props);
    if (template) {
        if (!template.isJob || !(template.annotations instanceof Map)) return [];
        return findings(
            () => `the pod template (${templatePath(template, "metadata", "annotations")})`,
            template.annotations,
            template.labels,
        );
    }
    const setting = settingTemplateAnnotations(type, props);
    if (setting?.isJob && setting.entries instanceof Map) {
        return findings(() => `the Formance ${setting.key} Setting`, setting.entries, undefined);
    }
    return [];
}

export const rule: ResourceRule<JobsTerminateConfig> = {
    kind: "resource",
    name: "jobs-terminate-with-native-sidecars",
    description:
        "Refuses Jobs and CronJobs that opt out of native sidecars while keeping injection, so their pods never complete.",
    enforcementLevel: "mandatory",
    remediationSteps: `Let Jobs use native sidecars, or disable injection for them with ${INJECT}: "false".`,
    config: {},
    // A type test: reading a template of `{}` for every resource only to learn its kind allocated three maps.
    appliesTo: (type) => isJobKind(type) || isSettings(type),
    check: (type, props) => checkJobsTerminate(type, props),
};

export const policy = resourcePolicy(rule);
