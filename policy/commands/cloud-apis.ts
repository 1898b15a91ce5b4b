// The mesh's cloud APIs called directly: `curl`/`wget` to the GKE Hub API (gkehub.googleapis.com: a servicemesh
// Feature or Membership with `management: MANAGEMENT_AUTOMATIC`, or the older `controlPlane: AUTOMATIC`;
// cloud.google.com/kubernetes-engine/fleet-management/docs/reference/rest/v1/projects.locations.features), to
// Alibaba Cloud Service Mesh's OpenAPI (servicemesh.aliyuncs.com, or `aliyun servicemesh <Action> --Param v`
// through aliyun-cli; UpdateMeshFeature and friends:
// https://www.alibabacloud.com/help/en/asm/developer-reference/api-servicemesh-2020-01-11-updatemeshfeature, which
// lists no native sidecar parameter: any parameter named like one is read), and to a Kubernetes API server
// (`/api/v1/...`, `/apis/<group>/<version>/...` with a body, read like kubectl's objects and patches).
// curl: -X/--request, -d/--data[-raw|-binary|-urlencode], --json, -T (`@file` and `@-` read where the script wrote
// them) (curl.se/docs/manpage.html). wget: --method, --body-data, --body-file, --post-data, --post-file
// (gnu.org/software/wget/manual).

import { isPlainObject } from "../read";
import { parseYaml } from "../helm-values";
import { hasUnknown, shown, type Invocation } from "../shell";
import { describeInvocation, type CommandEffect } from "./effect";
import { kubernetesType } from "./kubectl";
import { parseLine, valuesOf, type FlagSpec } from "./flags";

const CURL: FlagSpec = {
    values: Object.fromEntries([
        ["--request", "request"],
        ["--data", "data"],
        ["--data-raw", "data"],
        ["--data-binary", "data"],
        ["--data-ascii", "data"],
        ["--data-urlencode", "data"],
        ["--json", "data"],
        ["--upload-file", "data"],
        ["--header", "header"],
        ["--output", "output"],
        ["--user", "user"],
        ["--url", "url"],
        ["--form", "form"],
        ["--user-agent", "x"],
        ["--referer", "x"],
        ["--cookie", "x"],
        ["--cookie-jar", "x"],
        ["--config", "config"],
        ["--oauth2-bearer", "x"],
        ["--write-out", "x"],
        ["--max-time", "x"],
        ["--connect-timeout", "x"],
        ["--retry", "x"],
        ["--proxy", "x"],
        ["--cacert", "x"],
        ["--cert", "x"],
        ["--key", "x"],
        ["--resolve", "x"],
    ]),
    booleans: Object.fromEntries(
        [
            "--silent",
            "--show-error",
            "--fail",
            "--location",
            "--insecure",
            "--compressed",
            "--verbose",
            "--include",
            "--head",
            "--get",
        ].map((flag) => [flag, flag.slice(2)]),
    ),
    shorthands: {
        X: "request",
        d: "data",
        T: "data",
        H: "header",
        o: "output",
        u: "user",
        F: "form",
        A: "x",
        e: "x",
        b: "x",
        c: "x",
        K: "config",
        w: "x",
        m: "x",
        x: "x",
        E: "x",
        s: "silent",
        S: "show-error",
        f: "fail",
        L: "location",
        k: "insecure",
        v: "verbose",
        i: "include",
        I: "head",
        G: "get",
    },
};

/** A request body: the text, or why it cannot be read. `@file`/`@-` is read where the script wrote it. */
function bodyOf(invocation: Invocation, values: string[]): string | { why: string } {
    const parts: string[] = [];
    for (const value of values) {
        if (value.startsWith("@")) {
            const file = value.slice(1);
            const state = file === "-" ? invocation.stdin : invocation.readFile(file);
            const text = state?.kind === "text" ? state.text : undefined;
            if (text === undefined) return { why: `its body ${shown(value)} is not written by the script` };
            parts.push(text);
        } else parts.push(value);
    }
    const body = parts.join("&");
    return hasUnknown(body) ? { why: "its body holds values not known before it runs" } : body;
}

interface Request {
    url: string;
    method: string;
    body: string | { why: string } | undefined;
    jsonPatch: boolean;
}

function curlRequest(invocation: Invocation): Request | undefined {
    const parsed = parseLine(invocation.args, CURL, false);
    const url = [...valuesOf(parsed, "url"), ...parsed.positionals][0]?.text;
    if (url === undefined) return undefined;
    const data = valuesOf(parsed, "data").map((word) => word.text);
    const get = parsed.flags.some((flag) => flag.name === "get");
    const method = (valuesOf(parsed, "request")[0]?.text ?? (data.length > 0 && !get ? "POST" : "GET")).toUpperCase();
    const headers = valuesOf(parsed, "header").map((word) => word.text.toLowerCase());
    return {
        url,
        method,
        body: data.length > 0 ? bodyOf(invocation, data) : undefined,
        jsonPatch: headers.some((header) => header.includes("json-patch")),
    };
}

function wgetRequest(invocation: Invocation): Request | undefined {
    const args = invocation.args.map((arg) => arg.text);
    let url: string | undefined;
    let method = "GET";
    const data: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const [flag, inline] = args[i].includes("=")
            ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)]
            : [args[i], undefined];
        const value = (): string => inline ?? args[++i] ?? "";
        if (flag === "--method") method = value().toUpperCase();
        else if (flag === "--body-data" || flag === "--post-data") data.push(value());
        else if (flag === "--body-file" || flag === "--post-file") data.push(`@${value()}`);
        else if (!args[i].startsWith("-")) url ??= args[i];
    }
    if (url === undefined) return undefined;
    if (data.length > 0 && method === "GET") method = "POST";
    return { url, method, body: data.length > 0 ? bodyOf(invocation, data) : undefined, jsonPatch: false };
}

const MUTATING = new Set(["POST", "PUT", "PATCH"]);

/** Alibaba OpenAPI parameters that name a native sidecar switch, from a query string, a form body or aliyun-cli
 *  `--Name value` pairs. */
function nativeSidecarParams(pairs: Array<[string, string]>, what: string): CommandEffect[] {
    return pairs
        .filter(([name]) => /nativesidecar/i.test(name))
        .flatMap(([name, value]): CommandEffect[] => {
            if (hasUnknown(value))
                return [{ kind: "cannot-tell", what, why: `${name} is not known before it runs`, about: "native" }];
            return value.toLowerCase() === "true" ? [] : [{ kind: "native-off", what, why: `${name} is ${value}` }];
        });
}

function queryPairs(text: string): Array<[string, string]> {
    return text
        .split("&")
        .filter((pair) => pair.includes("="))
        .map((pair): [string, string] => {
            const equals = pair.indexOf("=");
            const decode = (part: string): string => {
                try {
                    return decodeURIComponent(part.replace(/\+/g, " "));
                } catch {
                    return part;
                }
            };
            return [decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))];
        });
}

// Kubernetes API resources (plural, as in the URL) whose writes can change the mesh.
const MESH_RESOURCES = new Set([
    "deployments",
    "daemonsets",
    "statefulsets",
    "configmaps",
    "namespaces",
    "asmmeshconfigs",
    "istiooperators",
    "istios",
    "istiorevisions",
    "mutatingwebhookconfigurations",
    "controlplanerevisions",
    "releases",
]);
const KINDS_BY_PLURAL: Record<string, string> = {
    deployments: "Deployment",
    daemonsets: "DaemonSet",
    statefulsets: "StatefulSet",
    configmaps: "ConfigMap",
    namespaces: "Namespace",
    asmmeshconfigs: "ASMMeshConfig",
    istiooperators: "IstioOperator",
};

function requestEffects(request: Request, what: string): CommandEffect[] {
    let parsed: URL;
    if (hasUnknown(request.url)) {
        return /gkehub|servicemesh|istio|asmmeshconfig/i.test(shown(request.url)) && MUTATING.has(request.method)
            ? [
                  {
                      kind: "cannot-tell",
                      what,
                      why: `its URL ${shown(request.url)} is not known before it runs`,
                      about: "both",
                  },
              ]
            : [];
    }
    try {
        parsed = new URL(request.url);
    } catch {
        return [];
    }
    const host = parsed.hostname.toLowerCase();
    const body = request.body;
    if (host === "gkehub.googleapis.com") {
        if (!MUTATING.has(request.method)) return [];
        if (body === undefined) return [];
        if (typeof body !== "string") return [{ kind: "cannot-tell", what, why: body.why, about: "managed" }];
        return /MANAGEMENT_AUTOMATIC|"controlPlane"\s*:\s*"AUTOMATIC"/.test(body) ? [{ kind: "managed", what }] : [];
    }
    if (/^servicemesh(\.[a-z0-9-]+)?\.aliyuncs\.com$/.test(host)) {
        const pairs = queryPairs(parsed.search.slice(1));
        if (typeof body === "string") pairs.push(...queryPairs(body));
        else if (body !== undefined) return [{ kind: "cannot-tell", what, why: body.why, about: "native" }];
        return nativeSidecarParams(pairs, what);
    }
    const path = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?/.exec(
        parsed.pathname,
    );
    if (!path || !MUTATING.has(request.method)) return [];
    const [, coreVersion, group, groupVersion, namespace, plural, name] = path;
    if (!MESH_RESOURCES.has(plural)) return [];
    if (body === undefined) return [];
    if (typeof body !== "string") return [{ kind: "cannot-tell", what, why: body.why, about: "both" }];
    if (request.jsonPatch)
        return [
            {
                kind: "cannot-tell",
                what,
                why: "a JSON patch edits by position, which the pack does not apply",
                about: "both",
            },
        ];
    let object: unknown;
    try {
        object = parseYaml(body);
    } catch {
        object = undefined;
    }
    if (!isPlainObject(object))
        return [{ kind: "cannot-tell", what, why: "its body is not a JSON object", about: "both" }];
    const apiVersion = coreVersion ?? `${group}/${groupVersion}`;
    const kind = (typeof object.kind === "string" ? object.kind : KINDS_BY_PLURAL[plural]) ?? plural;
    const type = kubernetesType(apiVersion, kind, request.method === "PATCH")!;
    const metadata = {
        ...(isPlainObject(object.metadata) ? object.metadata : {}),
        ...(name ? { name } : {}),
        ...(namespace ? { namespace } : {}),
    };
    return [{ kind: "resource", what, type, props: { ...object, metadata } }];
}

export function cloudApiEffects(invocation: Invocation): CommandEffect[] {
    const what = describeInvocation(invocation);
    if (invocation.name === "curl") {
        const request = curlRequest(invocation);
        return request ? requestEffects(request, what) : [];
    }
    if (invocation.name === "wget") {
        const request = wgetRequest(invocation);
        return request ? requestEffects(request, what) : [];
    }
    if (invocation.name === "aliyun") {
        const args = invocation.args.map((arg) => arg.text);
        if (args[0]?.toLowerCase() !== "servicemesh") return [];
        const pairs: Array<[string, string]> = [];
        for (let i = 2; i < args.length; i++) {
            if (!args[i].startsWith("--")) continue;
            const equals = args[i].indexOf("=");
            if (equals > 0) pairs.push([args[i].slice(2, equals), args[i].slice(equals + 1)]);
            else pairs.push([args[i].slice(2), args[i + 1] ?? ""]);
        }
        return nativeSidecarParams(pairs, what);
    }
    return [];
}
