// formance-settings-valid: a Formance `Settings` the operator cannot use, or reads differently than written
// (formancehq/operator: the settings.formance.com CRD of v3.9.2, and internal/resources/settings/helpers.go).

import { cachedPerText } from "../evaluation-cache";
import { readingChanges, walkKeyValueList } from "../formance-values";
import { resourcePolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, isOpaque, readString, show } from "../read";
import { addFindings, NO_FINDINGS, say, type Finding, type ResourceRule } from "../rule";
import { isMapSettingKeyOnce, isSettings, parseSettingValue, settingKeySegments } from "../workloads";

// This rule has no thresholds.
export type FormanceSettingsConfig = Record<string, never>;

const PARSER = "The operator's parser (formancehq/operator internal/resources/settings/helpers.go, parseKeyValueList)";
const MAP_FIX =
    'write k=v pairs with ASCII text, each key once and no "=" inside values; quote a value holding "," (it then cannot hold a `"`); or set such labels and annotations on the object through Pulumi';

/** What the parser changes in a value, read once per evaluation and text (Settings repeat their values). */
const changesOf = cachedPerText((value) => readingChanges(walkKeyValueList(value) ?? []));

function mapFindings(key: string, value: string): Finding[] {
    const parsed = parseSettingValue(value);
    if (!parsed.ok) {
        return [
            {
                message: say(
                    `spec.value of map key ${key} is rejected: ${parsed.error}`,
                    `${PARSER} fails, and the operator then fails the whole Setting`,
                    MAP_FIX,
                ),
            },
        ];
    }
    const changes = changesOf(value);
    if (changes.length === 0) return [];
    return [
        {
            message: say(
                `spec.value of map key ${key} is not read as written: ${changes.join("; ")}`,
                `${PARSER} drops "=" inside values, trims white space even inside quotes, keeps only the last of a repeated key and reads bytes, not characters`,
                MAP_FIX,
            ),
        },
    ];
}

// The operator looks job Settings up under the owner's kind LOWER-CASED: jobs.<strings.ToLower(kind)>.spec.template.
// annotations, jobs.<kind>.containers.<name>..., jobs.<kind>.init-containers.<name>... (formancehq/operator
// internal/resources/jobs/job.go withSettingAnnotations, withSettingEnvVars, withRunAs), and compares a Setting's
// key segment by segment, exactly, "*" matching anything (internal/resources/settings/helpers.go matchSetting).
// So a segment after "jobs." with an upper-case letter never matches any job.
function jobsKeyFindings(key: string): Finding[] {
    const segments = settingKeySegments(key);
    if (segments[0] !== "jobs" || segments.length < 2 || segments[1] === segments[1].toLowerCase()) return NO_FINDINGS;
    const lowered = [segments[0], segments[1].toLowerCase(), ...segments.slice(2)]
        .map((segment) => (segment.includes(".") ? `"${segment}"` : segment))
        .join(".");
    return [
        {
            message: say(
                `spec.key ${show(key)} names the job owner kind ${show(segments[1])} with upper-case letters, so it matches no job`,
                "The operator looks job Settings up under the owner kind in lower case and compares key segments exactly (formancehq/operator jobs/job.go, settings/helpers.go matchSetting)",
                `write the owner kind in lower case: ${lowered}`,
            ),
        },
    ];
}

/** Why a Settings needs a string key and value, as every message about them says. */
const CRD = "the Settings CRD requires string spec.key and spec.value (formance-operator v3.9.2 CRD)";

/** spec.key or spec.value (`name`), which the CRD requires to be a string; `read` is what readString made of it. */
function stringFieldFindings(props: Record<string, unknown>, name: "key" | "value", read: unknown): Finding[] {
    const field = `spec.${name}`;
    if (read === undefined) return [{ message: say(`${field} is missing`, CRD, `set ${field} to a string`) }];
    if (read !== CANNOT_TELL) return NO_FINDINGS;
    const raw = at(props, "spec", name);
    if (raw !== CANNOT_TELL) {
        return [{ message: say(`${field} is ${show(raw)}, not a string`, CRD, `write ${field} as a string`) }];
    }
    return [{ cannotTell: true, message: `cannot tell whether ${field} is valid: it is secret or unknown` }];
}

/** The pure check. */
export function checkFormanceSettings(type: string, props: Record<string, unknown>): Finding[] {
    if (!isSettings(type)) return NO_FINDINGS;
    const key = readString(at(props, "spec", "key"));
    const value = readString(at(props, "spec", "value"));
    // A list only once something is found: every Setting comes here, and most are valid (issue 20).
    let findings = addFindings(NO_FINDINGS, stringFieldFindings(props, "key", key));
    findings = addFindings(findings, stringFieldFindings(props, "value", value));
    const stacks = at(props, "spec", "stacks");
    if (stacks === CANNOT_TELL || (Array.isArray(stacks) && stacks.some(isOpaque))) {
        findings = addFindings(findings, [
            {
                cannotTell: true,
                message: "cannot tell whether spec.stacks is valid: it is secret or unknown",
            },
        ]);
    } else if (!Array.isArray(stacks) || stacks.length === 0 || !stacks.every((entry) => typeof entry === "string")) {
        findings = addFindings(findings, [
            {
                message: say(
                    `spec.stacks is ${stacks === undefined ? "missing" : show(stacks)}`,
                    'The operator applies a Setting only to the stacks listed in spec.stacks ("*" for all), so without a list of names it applies to none',
                    'list the stack names, or ["*"] for every stack',
                ),
            },
        ]);
    }
    if (typeof key === "string") findings = addFindings(findings, jobsKeyFindings(key));
    if (typeof key === "string" && typeof value === "string" && isMapSettingKeyOnce(key))
        findings = addFindings(findings, mapFindings(key, value));
    return findings;
}

export const rule: ResourceRule<FormanceSettingsConfig> = {
    kind: "resource",
    name: "formance-settings-valid",
    description: "Refuses Formance operator Settings the operator rejects or reads differently than written.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give every Settings a string key and value, a non-empty stacks list, and map values the operator's parser reads unchanged.",
    config: {},
    appliesTo: isSettings,
    check: (type, props) => checkFormanceSettings(type, props),
};

export const policy = resourcePolicy(rule);
