// Every effect a Command has on the mesh, from every text it runs (create, update, delete), read by one shell
// reader (shell.ts) and the command readers: istioctl, helm, kubectl, gcloud, asmcli (asmcli.ts, read through
// control-planes.ts), aliyun, curl/wget. A program no reader knows, whose words mention the mesh, and any part
// of the script the shell reader cannot follow, is "cannot tell". Cached per resource.

import { commandScripts, isCommand } from "../command";
import { gcloudMeshFindings } from "../gcloud";
import { isPlainObject } from "../read";
import { shown, type Invocation } from "../shell";
import { cloudApiEffects } from "./cloud-apis";
import { describeInvocation, type CommandEffect } from "./effect";
import { helmEffects } from "./helm";
import { istioctlEffects } from "./istioctl";
import { kubectlEffects } from "./kubectl";

export type { CommandEffect } from "./effect";

// Words that name what the pack guards: Istio (istiod, istioctl, IstioOperator, istio-sidecar-injector), the
// native switch, Alibaba's mesh config and API, Google's fleet API, managed revisions.
const MESH_WORDS =
    /istio|enable_native_sidecars|nativesidecar|asmmeshconfig|servicemesh|gkehub|management_automatic|asm-managed|controlplanerevision|sailoperator/i;

// Programs the readers read (their other subcommands change no control plane: istioctl analyze, helm repo add,
// kubectl get...), and programs that only handle files and text.
const READ_BY_A_READER = new Set([
    "istioctl",
    "helm",
    "kubectl",
    "gcloud",
    "asmcli",
    "asmcli.sh",
    "aliyun",
    "curl",
    "wget",
]);
const NOT_ABOUT_THE_MESH = new Set([
    "echo",
    "printf",
    "cat",
    "tee",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "rmdir",
    "touch",
    "chmod",
    "chown",
    "ln",
    "ls",
    "pwd",
    "cd",
    "test",
    "[",
    "[[",
    "true",
    "false",
    ":",
    "sleep",
    "date",
    "mktemp",
    "umask",
    "set",
    "trap",
    "exit",
    "return",
    "shift",
    "wait",
    "grep",
    "egrep",
    "fgrep",
    "sed",
    "awk",
    "jq",
    "yq",
    "base64",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "tr",
    "cut",
    "basename",
    "dirname",
    "readlink",
    "realpath",
    "which",
    "type",
    "hash",
    "stat",
    "find",
    "sha256sum",
    "sha1sum",
    "md5sum",
    "diff",
    "cmp",
    "tar",
    "gzip",
    "gunzip",
    "unzip",
    "zip",
    "git",
    "uname",
    "id",
    "whoami",
    "hostname",
    "env",
    "printenv",
    "seq",
    "expr",
    "let",
    "ps",
    "kill",
    "nc",
    "openssl",
]);
// Subcommands of the known tools that put back an earlier state the pack cannot see: `helm rollback`,
// `kubectl rollout undo`.
function restores(invocation: Invocation): boolean {
    // Global flags may come first, with values (`kubectl -n istio-system rollout undo`): the subcommand is the
    // first of its words met.
    const words = invocation.args.map((arg) => arg.text).filter((word) => !word.startsWith("-"));
    if (invocation.name === "helm") return words.slice(0, 3).includes("rollback");
    const rollout = words.indexOf("rollout");
    return invocation.name === "kubectl" && rollout >= 0 && rollout <= 2 && words[rollout + 1] === "undo";
}

function unknownToolEffects(invocation: Invocation): CommandEffect[] {
    const words = [invocation.program, ...invocation.args.map((arg) => arg.text)].map(shown).join(" ");
    const restoring = restores(invocation);
    if (READ_BY_A_READER.has(invocation.name) && !restoring) return [];
    if (NOT_ABOUT_THE_MESH.has(invocation.name)) return [];
    if (!MESH_WORDS.test(words)) return [];
    const what = describeInvocation(invocation);
    return [
        {
            kind: "cannot-tell",
            what,
            why: restoring
                ? "it puts back an earlier state of the mesh, which the pack cannot see"
                : `${shown(invocation.program)} is a program the pack does not read, and its words name the mesh`,
            about: "both",
        },
    ];
}

function invocationEffects(invocation: Invocation): CommandEffect[] {
    const gcloud = gcloudMeshFindings(invocation).map((finding): CommandEffect =>
        finding.managed === true
            ? { kind: "managed", what: finding.what.replace(/^runs `|`$/g, "").replace(/`/g, "") }
            : { kind: "cannot-tell", what: describeInvocation(invocation), why: finding.why ?? "", about: "managed" },
    );
    return [
        ...gcloud,
        ...istioctlEffects(invocation),
        ...helmEffects(invocation),
        ...kubectlEffects(invocation),
        ...cloudApiEffects(invocation),
        ...unknownToolEffects(invocation),
    ];
}

const cache = new WeakMap<object, CommandEffect[]>();

/** What a Command does to the mesh; [] for other resources. */
export function commandEffects(type: string, props: unknown): CommandEffect[] {
    if (!isCommand(type) || !isPlainObject(props)) return [];
    const cached = cache.get(props);
    if (cached) return cached;
    const effects: CommandEffect[] = [];
    for (const script of commandScripts(type, props)) {
        if ("unreadable" in script.reading) {
            effects.push({
                kind: "cannot-tell",
                what: `its ${script.field}`,
                why: script.reading.unreadable,
                about: "both",
            });
            continue;
        }
        for (const issue of script.reading.issues) {
            effects.push({ kind: "cannot-tell", what: `its ${script.field} script`, why: issue, about: "both" });
        }
        for (const invocation of script.reading.invocations) effects.push(...invocationEffects(invocation));
    }
    cache.set(props, effects);
    return effects;
}

/** The objects a Command applies, as resources the rules read. */
export function commandResources(
    type: string,
    props: unknown,
): Array<{ type: string; props: Record<string, unknown>; what: string; forNative: boolean }> {
    return commandEffects(type, props).flatMap((effect) =>
        effect.kind === "resource"
            ? [{ type: effect.type, props: effect.props, what: effect.what, forNative: effect.forNative !== false }]
            : [],
    );
}
