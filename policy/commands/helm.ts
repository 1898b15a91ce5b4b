// `helm install|upgrade` of a chart (and `helm template`, when its output is piped into kubectl): the release it
// makes, read as a `kubernetes:helm.sh/v3:Release` with the values Helm 3 would merge (helm/helm v3.19
// cmd/helm/install.go addInstallFlags, upgrade.go, template.go; pkg/cli/values/options.go MergeValues): the
// -f/--values files in order (a StringSlice: commas split it; `-` is stdin), then --set-json, --set,
// --set-string, --set-file and --set-literal, each parsed as pkg/strvals/parser.go parses it (`a.b=c,d=e`, `\,`
// and `\.` escapes, `a[0]=x`, `{x,y}` lists; --set types true/false/null/integers, --set-string never).
// --reuse-values and --reset-then-reuse-values start from the release's earlier values, which the pack cannot
// see; --post-renderer rewrites what is applied.

import { CANNOT_TELL, isPlainObject } from "../read";
import { parseYaml } from "../helm-values";
import { hasUnknown, shown, type Invocation } from "../shell";
import { describeInvocation, type CommandEffect } from "./effect";
import { parseLine, valuesOf, type FlagSpec, type ParsedLine } from "./flags";

export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

const VALUE_FLAGS = [
    "set",
    "set-string",
    "set-json",
    "set-literal",
    "set-file",
    "values",
    "version",
    "repo",
    "namespace",
    "kube-context",
    "kubeconfig",
    "username",
    "password",
    "ca-file",
    "cert-file",
    "key-file",
    "keyring",
    "post-renderer",
    "post-renderer-args",
    "timeout",
    "description",
    "name-template",
    "history-max",
    "output",
    "labels",
    "registry-config",
    "repository-cache",
    "repository-config",
    "burst-limit",
    "qps",
    "kube-apiserver",
    "kube-as-user",
    "kube-as-group",
    "kube-ca-file",
    "kube-tls-server-name",
    "kube-token",
    "show-only",
    "api-versions",
    "kube-version",
    "output-dir",
    "release-name",
];
const BOOLEAN_FLAGS = [
    "install",
    "atomic",
    "wait",
    "wait-for-jobs",
    "create-namespace",
    "devel",
    "force",
    "reuse-values",
    "reset-values",
    "reset-then-reuse-values",
    "skip-crds",
    "skip-schema-validation",
    "disable-openapi-validation",
    "no-hooks",
    "render-subchart-notes",
    "generate-name",
    "replace",
    "verify",
    "insecure-skip-tls-verify",
    "plain-http",
    "enable-dns",
    "dependency-update",
    "cleanup-on-fail",
    "debug",
    "include-crds",
    "is-upgrade",
    "validate",
    "pass-credentials",
    "take-ownership",
    "hide-notes",
    "hide-secret",
    "dry-run",
    "help",
];
const SPEC: FlagSpec = {
    values: Object.fromEntries(VALUE_FLAGS.map((name) => [`--${name}`, name])),
    booleans: Object.fromEntries(BOOLEAN_FLAGS.map((name) => [`--${name}`, name])),
    shorthands: {
        f: "values",
        n: "namespace",
        i: "install",
        g: "generate-name",
        o: "output",
        l: "labels",
        a: "api-versions",
        s: "show-only",
        h: "help",
    },
};

type Strvals = "set" | "set-string" | "set-json" | "set-literal" | "set-file";

/** Splits `a=b,c=d` on commas outside `{}` lists, keeping `\,` escapes for the value reader. */
function splitPairs(text: string, literal: boolean): string[] {
    if (literal) return [text];
    const pairs: string[] = [];
    let current = "";
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (char === "\\" && i + 1 < text.length) {
            current += char + text[++i];
            continue;
        }
        if (char === "{") depth++;
        if (char === "}") depth = Math.max(0, depth - 1);
        if (char === "," && depth === 0) {
            pairs.push(current);
            current = "";
        } else current += char;
    }
    pairs.push(current);
    return pairs.filter((pair) => pair !== "");
}

/** strvals typedVal: --set's types; --set-string keeps text. */
function typed(text: string, asString: boolean): unknown {
    if (asString) return text;
    const lower = text.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    if (text === "0") return 0;
    if (text !== "" && text[0] !== "0" && /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)))
        return Number(text);
    return text;
}

/** A key `a.b[0].c` with `\.` escapes as path steps (numbers for list indexes). */
function keyPath(key: string): Array<string | number> {
    const steps: Array<string | number> = [];
    let current = "";
    for (let i = 0; i < key.length; i++) {
        if (key[i] === "\\" && i + 1 < key.length) current += key[++i];
        else if (key[i] === ".") {
            steps.push(current);
            current = "";
        } else if (key[i] === "[") {
            const end = key.indexOf("]", i);
            if (current !== "") steps.push(current);
            current = "";
            steps.push(Number(key.slice(i + 1, end)));
            i = end;
            if (key[i + 1] === ".") i++;
        } else current += key[i];
    }
    if (current !== "") steps.push(current);
    return steps;
}

function setPath(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((step, index) => {
        const last = index === path.length - 1;
        const container = node as Record<string | number, unknown>;
        if (last) {
            container[step] = value;
            return;
        }
        const nextIsIndex = typeof path[index + 1] === "number";
        const existing = container[step];
        if (nextIsIndex ? !Array.isArray(existing) : !isPlainObject(existing)) container[step] = nextIsIndex ? [] : {};
        node = container[step] as Record<string, unknown> | unknown[];
    });
}

function merge(base: unknown, over: unknown): unknown {
    if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
    return out;
}

interface Values {
    values: Record<string, unknown>;
    unreadable: string | undefined;
}

function readFileText(file: string, invocation: Invocation): string | { why: string } {
    if (file === "-")
        return invocation.stdin?.kind === "text"
            ? invocation.stdin.text
            : { why: "its input is not written by the script" };
    const state = invocation.readFile(file);
    if (state?.kind === "text") return state.text;
    return {
        why: state?.kind === "unknown" ? state.why : `${shown(file)} is not written by the script before it runs`,
    };
}

function helmValues(invocation: Invocation, parsed: ParsedLine): Values {
    let values: Record<string, unknown> = {};
    let unreadable: string | undefined;
    for (const list of valuesOf(parsed, "values")) {
        for (const file of list.text.split(",")) {
            const text = readFileText(file, invocation);
            if (typeof text !== "string") {
                unreadable ??= `-f ${shown(file)}: ${text.why}`;
                continue;
            }
            try {
                const document = parseYaml(text);
                if (isPlainObject(document)) values = merge(values, document) as Record<string, unknown>;
            } catch {
                unreadable ??= `-f ${shown(file)} is not YAML`;
            }
        }
    }
    const order: Strvals[] = ["set-json", "set", "set-string", "set-file", "set-literal"];
    for (const flag of order) {
        for (const word of valuesOf(parsed, flag)) {
            for (const pair of splitPairs(word.text, flag === "set-literal")) {
                const equals = pair.indexOf("=");
                const key = equals < 0 ? pair : pair.slice(0, equals);
                if (hasUnknown(key)) {
                    unreadable ??= `--${flag} ${shown(pair)} sets a key not known before it runs`;
                    continue;
                }
                if (equals < 0) continue; // helm refuses "key has no value"
                const raw = pair.slice(equals + 1);
                let value: unknown;
                if (hasUnknown(raw)) value = CANNOT_TELL;
                else if (flag === "set-json") {
                    try {
                        value = JSON.parse(raw);
                    } catch {
                        value = CANNOT_TELL;
                    }
                } else if (flag === "set-file") {
                    const text = readFileText(raw, invocation);
                    value = typeof text === "string" ? text : CANNOT_TELL;
                } else if (flag === "set-literal") value = raw;
                else {
                    const unescaped = raw.replace(/\\(.)/g, "$1");
                    value =
                        /^\{.*\}$/.test(raw) && flag === "set"
                            ? raw
                                  .slice(1, -1)
                                  .split(",")
                                  .map((entry) => typed(entry, false))
                            : typed(unescaped, flag === "set-string");
                }
                setPath(values, keyPath(key), value);
            }
        }
    }
    return { values, unreadable };
}

const SUBCOMMANDS = new Set(["install", "upgrade", "template"]);

/** The release a helm line makes (`template` only with `includeTemplate`), or why it cannot be read. */
export function helmRelease(
    invocation: Invocation,
    includeTemplate: boolean,
): { props: Record<string, unknown>; unreadable: string | undefined; reuses: boolean } | { why: string } | undefined {
    const parsed = parseLine(invocation.args, SPEC, false);
    const other = parseLine(invocation.args, SPEC, true);
    const [sub, ...rest] = parsed.positionals.map((word) => word.text);
    if (!SUBCOMMANDS.has(sub) && !SUBCOMMANDS.has(other.positionals[0]?.text ?? "")) return undefined;
    if (sub !== other.positionals[0]?.text || parsed.positionals.length !== other.positionals.length) {
        return { why: "a flag helm may have gained makes the release or chart ambiguous" };
    }
    if (sub === "template" && !includeTemplate) return undefined;
    if (parsed.unplaceable) return { why: `${parsed.unplaceable} may expand to any words, flags among them` };
    if (sub !== "template" && parsed.flags.some((flag) => flag.name === "dry-run" && flag.value?.text !== "false"))
        return undefined;
    // install [NAME] CHART (NAME absent with --generate-name), upgrade RELEASE CHART, template [NAME] CHART.
    const chartWord = rest.length >= 2 ? rest[1] : rest[0];
    if (chartWord === undefined) return undefined;
    const { values, unreadable } = helmValues(invocation, parsed);
    const versions = valuesOf(parsed, "version");
    const version = versions[versions.length - 1]?.text;
    const postRenderer = valuesOf(parsed, "post-renderer")[0];
    const reuses = parsed.flags.some((flag) => flag.name === "reuse-values" || flag.name === "reset-then-reuse-values");
    return {
        props: {
            chart: hasUnknown(chartWord) ? CANNOT_TELL : chartWord,
            ...(version === undefined ? {} : { version: hasUnknown(version) ? CANNOT_TELL : version }),
            values,
        },
        unreadable: postRenderer ? `--post-renderer ${shown(postRenderer.text)} rewrites what is applied` : unreadable,
        reuses: sub === "upgrade" && reuses,
    };
}

function setsNative(values: Record<string, unknown>): boolean {
    const pilot = values.pilot;
    return isPlainObject(pilot) && isPlainObject(pilot.env) && "ENABLE_NATIVE_SIDECARS" in pilot.env;
}

export function helmEffects(invocation: Invocation): CommandEffect[] {
    if (invocation.name !== "helm") return [];
    const release = helmRelease(invocation, false);
    if (release === undefined) return [];
    const what = describeInvocation(invocation);
    if ("why" in release) return [{ kind: "cannot-tell", what, why: release.why, about: "native" }];
    const effects: CommandEffect[] = [];
    const values = release.props.values as Record<string, unknown>;
    const hidden =
        release.unreadable ??
        (release.reuses ? "--reuse-values keeps the release's earlier values, which the pack cannot see" : undefined);
    // pilot.env wins over every file and profile (the chart copies pilot.* last), so a line that sets it there is
    // read whatever else it cannot see.
    const blind = hidden !== undefined && !setsNative(values);
    if (blind) effects.push({ kind: "cannot-tell", what, why: hidden, about: "native" });
    effects.push({ kind: "resource", what, type: HELM_RELEASE_TYPE, props: release.props, forNative: !blind });
    return effects;
}
