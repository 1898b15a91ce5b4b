// Revision tags a Command makes with `istioctl tag set TAG --revision REV` (istio.io "Canary Upgrades"). Our
// AsmInstall runs one per tag after asmcli (components/render/asmOverlay.ts asmcliInstallScript); other stacks may run it
// in a Command of their own.

import { commandInvocations, isCommand, readLiteral } from "./asmcli";
import { CANNOT_TELL, type CannotTell } from "./read";

export interface RevisionTag {
    tag: string | CannotTell;
    revision: string | CannotTell;
}

// istioctl parses flags with cobra/pflag: `--flag value`, `--flag=value`, `-f value`, `-f=value`, `-fvalue`, and
// bundled short booleans (`-yr REV`). Flags of `tag set` (istioctl/pkg/tag/tag.go tagSetCommand) and istioctl's
// global ones (istioctl/pkg/cli: --kubeconfig/-c, --context, --istioNamespace/-i, --namespace/-n, --vklog).
const VALUE_FLAGS = new Set([
    "--revision",
    "--manifests",
    "--webhook-name",
    "--kubeconfig",
    "--context",
    "--istioNamespace",
    "--namespace",
    "--vklog",
]);
const BOOLEAN_FLAGS = new Set(["--overwrite", "--skip-confirmation", "--auto-inject-namespaces", "--help"]);
const VALUE_SHORTHANDS = new Map([
    ["r", "--revision"],
    ["d", "--manifests"],
    ["c", "--kubeconfig"],
    ["i", "--istioNamespace"],
    ["n", "--namespace"],
]);
const BOOLEAN_SHORTHANDS = new Set(["y", "h"]);
// `istioctl tag set`, or the 1.10 form `istioctl x revision tag set` (experimental aliases x, exp).
const LEADING_WORDS = new Set(["x", "exp", "experimental", "revision"]);

interface ParsedArgs {
    positional: string[];
    revision: string | undefined;
}

/** Positionals and --revision, reading a flag istioctl may have gained since (not listed above) as a boolean or,
 *  with `unknownTakesValue`, as taking the next word. */
function parseArgs(args: string[], unknownTakesValue: boolean): ParsedArgs {
    const parsed: ParsedArgs = { positional: [], revision: undefined };
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--") {
            parsed.positional.push(...args.slice(i + 1));
            break;
        }
        if (arg.startsWith("--")) {
            const equals = arg.indexOf("=");
            const name = equals < 0 ? arg : arg.slice(0, equals);
            const inline = equals < 0 ? undefined : arg.slice(equals + 1);
            if (VALUE_FLAGS.has(name)) {
                const value = inline ?? args[++i];
                if (name === "--revision") parsed.revision = value;
            } else if (!BOOLEAN_FLAGS.has(name) && inline === undefined && unknownTakesValue) i++;
        } else if (arg.startsWith("-") && arg.length > 1) {
            for (let j = 1; j < arg.length; j++) {
                const long = VALUE_SHORTHANDS.get(arg[j]);
                const last = j === arg.length - 1;
                if (long !== undefined || (!BOOLEAN_SHORTHANDS.has(arg[j]) && unknownTakesValue)) {
                    const value = last ? args[++i] : arg.slice(j + 1).replace(/^=/, "");
                    if (long === "--revision") parsed.revision = value;
                    break;
                }
            }
        } else parsed.positional.push(arg);
    }
    return parsed;
}

/** `tag set TAG` (after any LEADING_WORDS) with a --revision, which istioctl requires. */
function tagSet({ positional, revision }: ParsedArgs): RevisionTag | undefined {
    let start = 0;
    while (start < positional.length && LEADING_WORDS.has(positional[start])) start++;
    const tag = positional[start + 2];
    if (positional[start] !== "tag" || positional[start + 1] !== "set" || tag === undefined) return undefined;
    if (revision === undefined) return undefined;
    return { tag: readLiteral(tag), revision: readLiteral(revision) };
}

/** The tag an `istioctl ... tag set TAG --revision REV` invocation makes, or undefined when it makes none. An
 *  unknown flag that changes the reading (does it take the next word?) makes the tag CANNOT_TELL. */
function tagOf(args: string[]): RevisionTag | undefined {
    const asBoolean = tagSet(parseArgs(args, false));
    const withValue = tagSet(parseArgs(args, true));
    if (asBoolean === undefined && withValue === undefined) return undefined;
    if (asBoolean?.tag === withValue?.tag && asBoolean?.revision === withValue?.revision) return asBoolean;
    const revision =
        asBoolean === undefined || withValue === undefined || asBoolean.revision === withValue.revision
            ? (asBoolean ?? withValue)?.revision
            : undefined;
    return { tag: CANNOT_TELL, revision: revision ?? CANNOT_TELL };
}

/** What istioctlTags answers for all that is not a Command, one frozen list: callers only read it (issue 20). */
const NO_TAGS: RevisionTag[] = Object.freeze([]) as unknown as RevisionTag[];

/** The revision tags a Command sets (any text it runs, as its shell runs it); an empty list for other resources. */
export function istioctlTags(type: string, props: unknown): RevisionTag[] {
    // Only a Command runs istioctl: tested first, as revision-references asks for every resource (issue 20).
    if (!isCommand(type)) return NO_TAGS;
    // The shell reader finds the program after removing quotes and backslashes (is"tio"ctl, istio\ctl run
    // istioctl), inside subshells, `sh -c` and eval.
    return commandInvocations(type, props)
        .filter((invocation) => invocation.name === "istioctl")
        .map((invocation) => tagOf(invocation.args.map((arg) => arg.text)))
        .filter((tag): tag is RevisionTag => tag !== undefined);
}
