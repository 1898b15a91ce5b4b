// `istioctl install` (alias `apply`), `istioctl upgrade`, and the older `istioctl manifest apply`: the IstioOperator
// they apply, built as istioctl builds it (istio/istio 1.31 operator/cmd/mesh/install.go addInstallFlags,
// shared.go applyFlagAliases; operator/pkg/render/manifest.go MergeInputs): the -f/--filename files merged in
// order (a StringSlice: commas split it; `-` is stdin, last only), then each --set/-s KEY=VALUE under `spec.`
// (a StringArray: one pair per flag), then --manifests/-d as installPackagePath and --revision/-r as revision.
// --set values are typed as istioctl types them (operator/pkg/values/map.go SetPaths, parseValue: an integer, a
// float, a Go boolean, else a string; `alwaysString` paths stay strings) and paths are split as splitPath does
// (`a.b`, `a[0]`, `a.[name:foo]`, `\.` for a literal dot). `manifest generate` applies nothing by itself; piped
// into `kubectl apply -f -` it is read the same way (kubectl.ts).

import { CANNOT_TELL, isPlainObject } from "../read";
import { readOverlay } from "../asmcli";
import { hasUnknown, shown, type Invocation } from "../shell";
import { describeInvocation, type CommandEffect } from "./effect";
import { parseLine, valuesOf, type FlagSpec, type ParsedLine } from "./flags";

export const ISTIO_OPERATOR_TYPE = "kubernetes:install.istio.io/v1alpha1:IstioOperator";

const SPEC: FlagSpec = {
    values: {
        "--filename": "filename",
        "--set": "set",
        "--manifests": "manifests",
        "--charts": "manifests",
        "--revision": "revision",
        "--readiness-timeout": "readiness-timeout",
        "--kubeconfig": "kubeconfig",
        "--context": "context",
        "--istioNamespace": "istioNamespace",
        "--namespace": "namespace",
        "--vklog": "vklog",
        "--output": "output",
        "--filter": "filter",
    },
    booleans: {
        "--skip-confirmation": "skip-confirmation",
        "--force": "force",
        "--verify": "verify",
        "--dry-run": "dry-run",
        "--help": "help",
        "--cluster-specific": "cluster-specific",
    },
    shorthands: {
        f: "filename",
        s: "set",
        d: "manifests",
        r: "revision",
        c: "kubeconfig",
        i: "istioNamespace",
        n: "namespace",
        o: "output",
        y: "skip-confirmation",
        h: "help",
    },
};

// operator/pkg/values/map.go alwaysString.
const ALWAYS_STRING = [
    "spec.values.compatibilityVersion",
    "spec.tag",
    "spec.values.global.tag",
    "spec.meshConfig.defaultConfig.proxyMetadata.",
    "spec.values.meshConfig.defaultConfig.proxyMetadata.",
    "spec.compatibilityVersion",
];

/** Go strconv.ParseBool's spellings. */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function parseValue(text: string): unknown {
    if (/^[+-]?\d+$/.test(text)) return Number(text);
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
    if (GO_TRUE.has(text)) return true;
    if (GO_FALSE.has(text)) return false;
    return text.replace(/\\,/g, ",");
}

/** splitPath: dots not escaped; `node[expr]` becomes `node`, `[expr]`. */
export function splitIstioPath(path: string): string[] {
    const parts: string[] = [];
    let current = "";
    for (let i = 0; i < path.length; i++) {
        if (path[i] === "\\" && path[i + 1] === ".") {
            current += ".";
            i++;
        } else if (path[i] === ".") {
            parts.push(current);
            current = "";
        } else current += path[i];
    }
    parts.push(current);
    return parts
        .filter((part) => part !== "")
        .flatMap((part) => {
            const bracket = part.indexOf("[");
            return bracket > 0 ? [part.slice(0, bracket), part.slice(bracket)] : [part];
        });
}

/** setPathRecurse: maps made on the way; `[N]` or `[key:value]` picks a list entry (a missing index appends). */
function setPath(base: Record<string, unknown>, path: string[], value: unknown): boolean {
    const [segment, next] = path;
    if (next?.startsWith("[")) {
        const list = Array.isArray(base[segment]) ? (base[segment] as unknown[]) : [];
        base[segment] = list;
        const selector = /^\[([^:\]]+):([^\]]*)\]$/.exec(next);
        const index = /^\[(\d+)\]$/.exec(next);
        let at = -1;
        if (selector) at = list.findIndex((entry) => isPlainObject(entry) && entry[selector[1]] === selector[2]);
        else if (index) at = Number(index[1]);
        else return false;
        // istioctl refuses a [key:value] that matches nothing ("element not found").
        if (selector && at < 0) return false;
        if (at < 0 || at >= list.length) {
            if (path.length === 2) list.push(value);
            else {
                const made: Record<string, unknown> = {};
                if (!setPath(made, path.slice(2), value)) return false;
                list.push(made);
            }
            return true;
        }
        if (path.length === 2) {
            list[at] = value;
            return true;
        }
        const entry = isPlainObject(list[at]) ? (list[at] as Record<string, unknown>) : {};
        list[at] = entry;
        return setPath(entry, path.slice(2), value);
    }
    if (path.length === 1) {
        base[segment] = value;
        return true;
    }
    const child = isPlainObject(base[segment]) ? (base[segment] as Record<string, unknown>) : {};
    base[segment] = child;
    return setPath(child, path.slice(1), value);
}

function merge(base: unknown, over: unknown): unknown {
    if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
    return out;
}

const SUBCOMMANDS = new Set(["install", "apply", "upgrade"]);

/** Which istioctl subcommand a line runs: "install" (applies), "generate" (prints), or undefined. */
function subcommandOf(parsed: ParsedLine): "install" | "generate" | undefined {
    const [first, second] = parsed.positionals.map((word) => word.text);
    if (SUBCOMMANDS.has(first)) return "install";
    if (first === "manifest" && second === "apply") return "install";
    if (first === "manifest" && second === "generate") return "generate";
    return undefined;
}

type Built = { document: Record<string, unknown> } | { why: string };

function build(invocation: Invocation, parsed: ParsedLine): Built {
    let document: Record<string, unknown> = {
        apiVersion: "install.istio.io/v1alpha1",
        kind: "IstioOperator",
        spec: {},
    };
    for (const list of valuesOf(parsed, "filename")) {
        for (const file of list.text.split(",")) {
            const overlay = readOverlay(file.trim(), invocation, "-f");
            if (overlay.document === CANNOT_TELL) return { why: overlay.why };
            const given = { ...(overlay.document as Record<string, unknown>) };
            if (given.spec === null || given.spec === undefined) delete given.spec;
            document = merge(document, given) as Record<string, unknown>;
        }
    }
    const sets = valuesOf(parsed, "set").map((word) => word.text);
    const manifests = valuesOf(parsed, "manifests");
    if (manifests.length > 0) {
        return {
            why: `--manifests ${shown(manifests[manifests.length - 1].text)} installs charts and profiles from a folder the pack cannot read`,
        };
    }
    const revision = valuesOf(parsed, "revision");
    const last = revision[revision.length - 1]?.text;
    if (last !== undefined && last !== "" && last !== "default") sets.push(`revision=${last}`);
    for (const pair of sets) {
        const equals = pair.indexOf("=");
        const key = equals < 0 ? pair : pair.slice(0, equals);
        if (hasUnknown(key)) return { why: `--set ${shown(pair)} sets a key not known before it runs` };
        const full = `spec.${key}`;
        const text = equals < 0 ? "" : pair.slice(equals + 1);
        const value = hasUnknown(text)
            ? CANNOT_TELL
            : ALWAYS_STRING.some((prefix) => full.startsWith(prefix))
              ? text
              : parseValue(text);
        if (!setPath(document, splitIstioPath(full), value))
            return { why: `--set ${shown(pair)} is a path the pack cannot place` };
    }
    // istioctl installs its own release: a path such as istio-1.28.1/bin/istioctl says which.
    const release = /(?:^|\/)istio-(\d+\.\d+\.\d+[^/]*)\/bin\/istioctl$/.exec(invocation.program);
    const spec = document.spec as Record<string, unknown>;
    if (release && spec.tag === undefined && !hasUnknown(release[1])) spec.tag = release[1];
    return { document };
}

/** The IstioOperator an istioctl line applies (`generate`: also one that only prints it), or why it cannot be read. */
export function istioctlOperator(invocation: Invocation, includeGenerate: boolean): Built | undefined {
    const asFlag = parseLine(invocation.args, SPEC, false);
    const withValue = parseLine(invocation.args, SPEC, true);
    const sub = subcommandOf(asFlag);
    if (sub === undefined && subcommandOf(withValue) === undefined) return undefined;
    if (sub === undefined || sub !== subcommandOf(withValue)) {
        return { why: "a flag istioctl may have gained since 1.31 makes the subcommand ambiguous" };
    }
    if (sub === "generate" && !includeGenerate) return undefined;
    if (asFlag.unplaceable) return { why: `${asFlag.unplaceable} may expand to any words, flags among them` };
    if (sub === "install" && asFlag.flags.some((flag) => flag.name === "dry-run" && flag.value?.text !== "false"))
        return undefined;
    const first = build(invocation, asFlag);
    const second = build(invocation, withValue);
    if (JSON.stringify(first) !== JSON.stringify(second)) {
        return { why: "a flag istioctl may have gained since 1.31 changes which words are values" };
    }
    return first;
}

export function istioctlEffects(invocation: Invocation): CommandEffect[] {
    if (invocation.name !== "istioctl") return [];
    const built = istioctlOperator(invocation, false);
    if (built === undefined) return [];
    const what = describeInvocation(invocation);
    if ("why" in built) return [{ kind: "cannot-tell", what, why: built.why, about: "native" }];
    return [{ kind: "resource", what, type: ISTIO_OPERATOR_TYPE, props: built.document }];
}
