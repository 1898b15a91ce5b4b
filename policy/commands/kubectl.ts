// kubectl lines that change objects (kubernetes/kubectl v0.33 pkg/cmd: apply, create, replace -f/--filename
// (repeatable, `-` is stdin, a folder, a URL) and -k/--kustomize; patch TYPE NAME -p/--patch or --patch-file with
// --type strategic|merge|json; set env TYPE/NAME KEY=VALUE, KEY-, -e/--env, --from; label TYPE NAME KEY=VALUE;
// edit). Objects given in full are read as the stack's own resources would be; a patch as a `...Patch` resource
// of the object it names; `set env` as a patch of the istiod container. What the pack cannot see (a file the
// script does not write, a kustomization, a JSON patch, an editor) is cannot-tell. --dry-run=client|server
// changes nothing.

import { CANNOT_TELL, isPlainObject } from "../read";
import { parseYaml } from "../helm-values";
import { hasUnknown, shown, type Invocation, type Stream } from "../shell";
import { describeInvocation, type CommandEffect } from "./effect";
import { helmRelease, HELM_RELEASE_TYPE } from "./helm";
import { ISTIO_OPERATOR_TYPE, istioctlOperator } from "./istioctl";
import { parseLine, valuesOf, type FlagSpec } from "./flags";

const SPEC: FlagSpec = {
    values: Object.fromEntries(
        [
            "filename",
            "kustomize",
            "patch",
            "patch-file",
            "type",
            "namespace",
            "kubeconfig",
            "context",
            "cluster",
            "user",
            "server",
            "token",
            "as",
            "as-group",
            "certificate-authority",
            "client-certificate",
            "client-key",
            "request-timeout",
            "v",
            "cache-dir",
            "tls-server-name",
            "output",
            "field-manager",
            "selector",
            "env",
            "from",
            "containers",
            "prefix",
            "resource-version",
            "subresource",
            "timeout",
            "template",
            "profile",
            "dry-run",
            "validate",
            "prune-allowlist",
            "cascade",
            "grace-period",
            "overwrite",
        ].map((name) => [`--${name}`, name]),
    ),
    booleans: Object.fromEntries(
        [
            "recursive",
            "server-side",
            "force-conflicts",
            "force",
            "all",
            "local",
            "list",
            "overwrite",
            "insecure-skip-tls-verify",
            "wait",
            "prune",
            "record",
            "save-config",
            "allow-missing-template-keys",
            "show-managed-fields",
            "keys",
            "resolve",
            "help",
            "windows-line-endings",
        ].map((name) => [`--${name}`, name]),
    ),
    shorthands: {
        f: "filename",
        k: "kustomize",
        p: "patch",
        n: "namespace",
        s: "server",
        o: "output",
        l: "selector",
        e: "env",
        c: "containers",
        R: "recursive",
        A: "all",
        h: "help",
    },
};

const VERBS = new Set(["apply", "create", "replace", "patch", "set", "label", "edit"]);

/** A Pulumi type token for a Kubernetes object: `kubernetes:<group or core>/<version>:<Kind>`. */
export function kubernetesType(apiVersion: unknown, kind: unknown, patch = false): string | undefined {
    if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "core" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    // pulumi-kubernetes has `...Patch` types for Kubernetes' own kinds only; a custom resource's patch is read as
    // the resource (its readers take what is set).
    const builtIn = !group.includes(".") || group.endsWith(".k8s.io");
    return `kubernetes:${group}/${version}:${kind}${patch && builtIn ? "Patch" : ""}`;
}

// Resource names kubectl accepts (singular, plural, short) for the kinds that can change the mesh.
const KINDS: Record<string, { apiVersion: string; kind: string }> = {};
for (const [names, apiVersion, kind] of [
    [["deployment", "deployments", "deploy"], "apps/v1", "Deployment"],
    [["daemonset", "daemonsets", "ds"], "apps/v1", "DaemonSet"],
    [["statefulset", "statefulsets", "sts"], "apps/v1", "StatefulSet"],
    [["namespace", "namespaces", "ns"], "v1", "Namespace"],
    [["configmap", "configmaps", "cm"], "v1", "ConfigMap"],
    [["asmmeshconfig", "asmmeshconfigs"], "istio.alibabacloud.com/v1beta1", "ASMMeshConfig"],
    [["istiooperator", "istiooperators", "iop", "io"], "install.istio.io/v1alpha1", "IstioOperator"],
    [["istio", "istios"], "sailoperator.io/v1", "Istio"],
    [["istiorevision", "istiorevisions"], "sailoperator.io/v1", "IstioRevision"],
    [
        ["mutatingwebhookconfiguration", "mutatingwebhookconfigurations"],
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    ],
    [["controlplanerevision", "controlplanerevisions"], "mesh.cloud.google.com/v1beta1", "ControlPlaneRevision"],
] as const) {
    for (const name of names) KINDS[name] = { apiVersion, kind };
}

/** `deployment/istiod` or `deployment istiod` (with an optional `.group` suffix on the resource). */
function target(words: string[]): { resource: string; name: string | undefined; rest: string[] } | undefined {
    const [first, second, ...rest] = words;
    if (first === undefined) return undefined;
    const slash = first.indexOf("/");
    const resource = (slash < 0 ? first : first.slice(0, slash)).toLowerCase().replace(/\..*$/, "");
    if (slash >= 0)
        return { resource, name: first.slice(slash + 1), rest: second === undefined ? rest : [second, ...rest] };
    return { resource, name: second, rest };
}

/** Objects in YAML or JSON text: every document, `kind: List` items unpacked. */
function objectsIn(text: string): Array<Record<string, unknown>> | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { parseAllDocuments } = require("yaml") as typeof import("yaml");
        const objects: Array<Record<string, unknown>> = [];
        for (const document of parseAllDocuments(text)) {
            if (document.errors.length > 0) return undefined;
            const value: unknown = document.toJS();
            if (value === null || value === undefined) continue;
            if (!isPlainObject(value)) return undefined;
            if (typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)) {
                for (const item of value.items) if (isPlainObject(item)) objects.push(item);
            } else objects.push(value);
        }
        return objects;
    } catch {
        return undefined;
    }
}

/** What a stream holds: text, or the output of a line the readers know (`istioctl manifest generate`,
 *  `helm template`), read as what it installs. */
function streamEffects(stream: Stream | undefined, what: string, source: string): CommandEffect[] {
    if (stream?.kind === "text") return textEffects(stream.text, what, source);
    if (stream?.kind === "output") {
        const generator = stream.of;
        if (generator.name === "istioctl") {
            const built = istioctlOperator(generator, true);
            if (built && "document" in built)
                return [{ kind: "resource", what, type: ISTIO_OPERATOR_TYPE, props: built.document }];
            if (built) return [{ kind: "cannot-tell", what, why: built.why, about: "native" }];
        }
        if (generator.name === "helm") {
            const release = helmRelease(generator, true);
            if (release && "props" in release && release.unreadable === undefined) {
                return [{ kind: "resource", what, type: HELM_RELEASE_TYPE, props: release.props }];
            }
            if (release)
                return [
                    {
                        kind: "cannot-tell",
                        what,
                        why: "why" in release ? release.why : release.unreadable!,
                        about: "native",
                    },
                ];
        }
        return [
            {
                kind: "cannot-tell",
                what,
                why: `${source} is the output of ${describeInvocation(generator)}, which the pack cannot read`,
                about: "both",
            },
        ];
    }
    return [{ kind: "cannot-tell", what, why: `${source}: ${stream?.why ?? "no input"}`, about: "both" }];
}

function textEffects(text: string, what: string, source: string): CommandEffect[] {
    if (hasUnknown(text))
        return [{ kind: "cannot-tell", what, why: `${source} holds values not known before it runs`, about: "both" }];
    const objects = objectsIn(text);
    if (objects === undefined)
        return [{ kind: "cannot-tell", what, why: `${source} is not YAML or JSON objects`, about: "both" }];
    return objects.flatMap((object): CommandEffect[] => {
        const type = kubernetesType(object.apiVersion, object.kind);
        return type === undefined
            ? [
                  {
                      kind: "cannot-tell",
                      what,
                      why: `${source} holds an object without apiVersion and kind`,
                      about: "both",
                  },
              ]
            : [{ kind: "resource", what, type, props: object }];
    });
}

function fileEffects(invocation: Invocation, file: string, what: string): CommandEffect[] {
    if (file === "-") return streamEffects(invocation.stdin, what, "its input");
    const state = invocation.readFile(file);
    if (state?.kind === "text") return textEffects(state.text, what, shown(file));
    return [
        {
            kind: "cannot-tell",
            what,
            why:
                state?.kind === "unknown"
                    ? state.why
                    : `${shown(file)} is not written by the script before it runs (a file, a folder or a URL the pack cannot read)`,
            about: "both",
        },
    ];
}

const ISTIOD_CONTAINER = "discovery";

export function kubectlEffects(invocation: Invocation): CommandEffect[] {
    if (invocation.name !== "kubectl") return [];
    const parsed = parseLine(invocation.args, SPEC, false);
    const words = parsed.positionals.map((word) => word.text);
    const verb = words[0];
    if (!VERBS.has(verb)) return [];
    const what = describeInvocation(invocation);
    if (parsed.unplaceable)
        return [
            {
                kind: "cannot-tell",
                what,
                why: `${parsed.unplaceable} may expand to any words, flags among them`,
                about: "both",
            },
        ];
    const dryRun = valuesOf(parsed, "dry-run")[0]?.text;
    if (dryRun === "client" || dryRun === "server") return [];
    const namespace = valuesOf(parsed, "namespace")[0]?.text;
    if (verb === "apply" || verb === "create" || verb === "replace") {
        const kustomize = valuesOf(parsed, "kustomize")[0];
        if (kustomize)
            return [
                {
                    kind: "cannot-tell",
                    what,
                    why: `-k ${shown(kustomize.text)} builds objects from a kustomization the pack cannot read`,
                    about: "both",
                },
            ];
        const files = valuesOf(parsed, "filename").flatMap((word) => word.text.split(","));
        // `kubectl create namespace x`, `create configmap ... --from-file`: generators, read by their kind below.
        if (files.length > 0) return files.flatMap((file) => fileEffects(invocation, file, what));
        if (verb !== "create") return [];
    }
    const found = target(words.slice(verb === "set" ? 2 : 1));
    if (found === undefined) return [];
    const kind = KINDS[found.resource];
    if (hasUnknown(found.resource) || (found.name !== undefined && hasUnknown(found.name) && kind === undefined)) {
        return [
            {
                kind: "cannot-tell",
                what,
                why: `the object it changes (${shown(found.resource)}) is not known before it runs`,
                about: "both",
            },
        ];
    }
    if (kind === undefined) return [];
    const metadata = { name: found.name, ...(namespace ? { namespace } : {}) };
    // `kubectl create namespace|configmap ...` without -f makes objects from flags that set no mesh switch.
    if (verb === "create") return [];
    if (verb === "edit") {
        return [
            {
                kind: "cannot-tell",
                what,
                why: `kubectl edit changes ${kind.kind} ${shown(found.name ?? "")} in an editor the pack cannot read`,
                about: "both",
            },
        ];
    }
    if (verb === "patch") return patchEffects(invocation, parsed, kind, metadata, what);
    if (verb === "label") {
        const labels: Record<string, unknown> = {};
        for (const pair of found.rest) {
            const equals = pair.indexOf("=");
            if (equals > 0) labels[pair.slice(0, equals)] = hasUnknown(pair) ? CANNOT_TELL : pair.slice(equals + 1);
        }
        const type = kubernetesType(kind.apiVersion, kind.kind, true)!;
        return [
            {
                kind: "resource",
                what,
                type,
                props: { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { ...metadata, labels } },
            },
        ];
    }
    if (verb === "set" && words[1] === "env") return setEnvEffects(parsed, found.rest, kind, metadata, what);
    return [];
}

function patchEffects(
    invocation: Invocation,
    parsed: ReturnType<typeof parseLine>,
    kind: { apiVersion: string; kind: string },
    metadata: Record<string, unknown>,
    what: string,
): CommandEffect[] {
    const patchType = valuesOf(parsed, "type")[0]?.text ?? "strategic";
    let text: string | undefined = valuesOf(parsed, "patch")[0]?.text;
    const file = valuesOf(parsed, "patch-file")[0]?.text;
    if (text === undefined && file !== undefined) {
        const state = invocation.readFile(file);
        text = state?.kind === "text" ? state.text : undefined;
        if (text === undefined)
            return [
                {
                    kind: "cannot-tell",
                    what,
                    why: `--patch-file ${shown(file)} is not written by the script`,
                    about: "both",
                },
            ];
    }
    if (text === undefined) return [];
    if (hasUnknown(text))
        return [{ kind: "cannot-tell", what, why: "the patch holds values not known before it runs", about: "both" }];
    if (patchType === "json")
        return [
            {
                kind: "cannot-tell",
                what,
                why: "a JSON patch (--type json) edits by position, which the pack does not apply",
                about: "both",
            },
        ];
    let patch: unknown;
    try {
        patch = parseYaml(text);
    } catch {
        return [{ kind: "cannot-tell", what, why: "the patch is not JSON or YAML", about: "both" }];
    }
    if (!isPlainObject(patch)) return [{ kind: "cannot-tell", what, why: "the patch is not an object", about: "both" }];
    const patchMetadata = isPlainObject(patch.metadata) ? patch.metadata : {};
    const props = {
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        ...patch,
        metadata: { ...patchMetadata, ...metadata },
    };
    return [{ kind: "resource", what, type: kubernetesType(kind.apiVersion, kind.kind, true)!, props }];
}

function setEnvEffects(
    parsed: ReturnType<typeof parseLine>,
    rest: string[],
    kind: { apiVersion: string; kind: string },
    metadata: Record<string, unknown>,
    what: string,
): CommandEffect[] {
    const pairs = [...rest, ...valuesOf(parsed, "env").map((word) => word.text)];
    if (valuesOf(parsed, "from").length > 0 || pairs.includes("-")) {
        return [
            {
                kind: "cannot-tell",
                what,
                why: "it sets variables read from another object or its input (--from, -)",
                about: "native",
            },
        ];
    }
    const env: Array<Record<string, unknown>> = [];
    for (const pair of pairs) {
        if (hasUnknown(pair.split("=")[0]))
            return [
                {
                    kind: "cannot-tell",
                    what,
                    why: `${shown(pair)} names a variable not known before it runs`,
                    about: "native",
                },
            ];
        if (pair === "ENABLE_NATIVE_SIDECARS-")
            return [
                {
                    kind: "cannot-tell",
                    what,
                    why: "it removes ENABLE_NATIVE_SIDECARS, leaving istiod's own default, which depends on its version",
                    about: "native",
                },
            ];
        const equals = pair.indexOf("=");
        if (equals > 0 && pair.slice(0, equals) === "ENABLE_NATIVE_SIDECARS") {
            const value = pair.slice(equals + 1);
            env.push({ name: "ENABLE_NATIVE_SIDECARS", value: hasUnknown(value) ? CANNOT_TELL : value });
        }
    }
    if (env.length === 0) return [];
    const type = kubernetesType(kind.apiVersion, kind.kind, true)!;
    // set env applies to every container unless -c names some: the istiod container is among them either way.
    return [
        {
            kind: "resource",
            what,
            type,
            props: { metadata, spec: { template: { spec: { containers: [{ name: ISTIOD_CONTAINER, env }] } } } },
        },
    ];
}
