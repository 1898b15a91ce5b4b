// formance-settings-valid: a Formance `Settings` the operator cannot use, or reads differently than written
// (FACTS.md "Formance operator Settings"; CRD formance-operator-v3.9.2-settings.formance.com.yaml).

import { isMapSettingKey, parseKeyValueList } from "../../components/formance";
import { resourcePolicy } from "../pulumi-adapter";
import { at, CANNOT_TELL, isOpaque, readString, show } from "../read";
import { say, type Finding, type ResourceRule } from "../rule";
import { isSettings } from "../workloads";

// This rule has no thresholds.
export type FormanceSettingsConfig = Record<string, never>;

/** The pairs a person means by `k=v,k2="v,2"`: split on commas outside quotes, key before the first "=", value
 *  after it with surrounding quotes removed. Compared with what the parser reads to spot silent changes. */
export function intendedPairs(value: string): Array<[string, string]> {
    const pairs: string[] = [];
    let current = "";
    let quoted = false;
    for (const char of value) {
        if (char === '"') quoted = !quoted;
        if (char === "," && !quoted) {
            pairs.push(current);
            current = "";
        } else current += char;
    }
    if (current.trim() !== "") pairs.push(current);
    return pairs.map((pair) => {
        const equals = pair.indexOf("=");
        const key = (equals < 0 ? pair : pair.slice(0, equals)).trim();
        let entry = equals < 0 ? "" : pair.slice(equals + 1).trim();
        if (entry.length >= 2 && entry.startsWith('"') && entry.endsWith('"')) entry = entry.slice(1, -1);
        return [key, entry];
    });
}

const PARSER = "The operator's parser (formancehq/operator settings/helpers.go parseKeyValueList, FACTS.md)";
const MAP_FIX =
    'write plain k=v pairs, quote values holding ",", avoid "=" and \'"\' inside values, or set such annotations on the object through Pulumi';

function mapFindings(key: string, value: string): Finding[] {
    const parsed = parseKeyValueList(value);
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
    const intended = intendedPairs(value);
    const read = parsed.entries;
    const same =
        intended.length === read.length &&
        intended.every(([k, v], index) => read[index][0] === k && read[index][1] === v);
    if (same) return [];
    const shown = (pairs: Array<[string, string]>): string =>
        pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
    return [
        {
            message: say(
                `spec.value of map key ${key} is read as {${shown(read)}}, not as written {${shown(intended)}}`,
                `${PARSER} drops "=" inside values, trims spaces, keeps only the last duplicate key and reads bytes, not characters`,
                MAP_FIX,
            ),
        },
    ];
}

/** The pure check. */
export function checkFormanceSettings(type: string, props: Record<string, unknown>): Finding[] {
    if (!isSettings(type)) return [];
    const findings: Finding[] = [];
    const crd = "the Settings CRD requires string spec.key and spec.value (formance-operator v3.9.2 CRD)";
    const key = readString(at(props, "spec", "key"));
    const value = readString(at(props, "spec", "value"));
    for (const [field, read] of [
        ["spec.key", key],
        ["spec.value", value],
    ] as const) {
        if (read === undefined) {
            findings.push({ message: say(`${field} is missing`, crd, `set ${field} to a string`) });
        } else if (read === CANNOT_TELL && at(props, ...field.split(".")) !== CANNOT_TELL) {
            findings.push({
                message: say(
                    `${field} is ${show(at(props, ...field.split(".")))}, not a string`,
                    crd,
                    `write ${field} as a string`,
                ),
            });
        } else if (read === CANNOT_TELL) {
            findings.push({
                cannotTell: true,
                message: `cannot tell whether ${field} is valid: it is secret or unknown`,
            });
        }
    }
    const stacks = at(props, "spec", "stacks");
    if (stacks === CANNOT_TELL || (Array.isArray(stacks) && stacks.some(isOpaque))) {
        findings.push({
            cannotTell: true,
            message: "cannot tell whether spec.stacks is valid: it is secret or unknown",
        });
    } else if (!Array.isArray(stacks) || stacks.length === 0 || !stacks.every((entry) => typeof entry === "string")) {
        findings.push({
            message: say(
                `spec.stacks is ${stacks === undefined ? "missing" : show(stacks)}`,
                'The operator applies a Setting only to the stacks listed in spec.stacks ("*" for all), so without a list of names it applies to none',
                'list the stack names, or ["*"] for every stack',
            ),
        });
    }
    if (typeof key === "string" && typeof value === "string" && isMapSettingKey(key))
        findings.push(...mapFindings(key, value));
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
