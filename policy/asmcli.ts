// asmcli (GoogleCloudPlatform/anthos-service-mesh-packages asmcli) as a Command runs it: found among the
// invocations the shell reader follows (shell.ts), with its --custom_overlay files read where the script writes
// them (from the Command's environment, a here-document, a file it copies...).

import { commandScripts, isCommand, type CommandScript } from "./command";
import { parseYaml } from "./helm-values";
import { at, CANNOT_TELL, type CannotTell } from "./read";
import { hasUnknown, readShell, shown, SHELLS, type Invocation } from "./shell";

export { COMMAND_TYPE, REMOTE_COMMAND_TYPE, isCommand, commandTexts } from "./command";
export { programName } from "./shell";

/** The invocations of every text a Command runs that the shell reader could follow. */
export function commandInvocations(type: string, props: unknown): Invocation[] {
    return commandScripts(type, props).flatMap((script: CommandScript) =>
        "invocations" in script.reading ? script.reading.invocations : [],
    );
}

export interface AsmcliInvocation {
    /** The words after the program (subcommand first), unknown parts marked (see shell.ts). */
    args: string[];
}

/** Every run of a program in a shell text, e.g. `./asmcli install --revision_name asm-11910-26 ...`, also inside
 *  `sh -c '...'`, `eval`, subshells and groups, as the shell reader follows them. */
export function findInvocations(
    text: string,
    isProgram: (name: string) => boolean,
): Array<AsmcliInvocation & { invocation: Invocation }> {
    return invocationsOf(readShellInvocations(text), isProgram);
}

function invocationsOf(
    invocations: Invocation[],
    isProgram: (name: string) => boolean,
): Array<AsmcliInvocation & { invocation: Invocation }> {
    return invocations
        .filter((invocation) => isProgram(invocation.name))
        .map((invocation) => ({ args: invocation.args.map((arg) => arg.text), invocation }));
}

const readShellInvocations = (text: string): Invocation[] => readShell(text).invocations;

// Flags only asmcli takes (asmcli/lib/parse.sh parse_args), in its snake_case spellings: a program run with
// `install`/`apply` and one of them is asmcli under another name (a renamed download, a wrapper script).
const ASMCLI_ONLY_FLAGS = new Set([
    "--project_id",
    "--cluster_name",
    "--cluster_location",
    "--fleet_id",
    "--custom_overlay",
    "--revision_name",
    "--enable_all",
    "--enable_cluster_roles",
    "--enable_cluster_labels",
    "--enable_gcp_apis",
    "--enable_gcp_iam_roles",
    "--enable_gcp_components",
    "--enable_registration",
    "--enable_namespace_creation",
    "--output_dir",
    "--managed",
    "--ca_cert",
    "--use_managed_cni",
    "--option",
]);

/** Every asmcli invocation in a shell text: `asmcli`/`asmcli.sh`, or any program run as `PROGRAM install|apply`
 *  with a flag only asmcli has. */
export function findAsmcliInvocations(text: string): AsmcliInvocation[] {
    return asmcliAmong(readShellInvocations(text));
}

function asmcliAmong(invocations: Invocation[]): Array<AsmcliInvocation & { invocation: Invocation }> {
    const named = (name: string): boolean => /^asmcli(\.sh)?$/i.test(name);
    const found = invocationsOf(invocations, named);
    const renamed = invocationsOf(invocations, (name) => !named(name) && !SHELLS.has(name) && name !== "eval").filter(
        (invocation) =>
            INSTALL_SUBCOMMANDS.has(invocation.args[0]?.toLowerCase() ?? "") &&
            invocation.args.some((arg) => ASMCLI_ONLY_FLAGS.has(flagName(arg))),
    );
    return [...found, ...renamed].sort((a, b) => invocations.indexOf(a.invocation) - invocations.indexOf(b.invocation));
}

/** A word the shell may rewrite (parameter or command substitution): its value cannot be read from the text.
 *  Revision names and tags are DNS labels, so a `$` or a backquote in one is always an expansion. */
export function readLiteral(word: string): string | CannotTell {
    return hasUnknown(word) || /[$`]/.test(word) ? CANNOT_TELL : word;
}

// asmcli matches its flags in a bash `case` under `shopt -s nocasematch`, so any letter case works
// (anthos-service-mesh-packages asmcli/lib/parse.sh, parse_args). It only knows `--flag value`; `--flag=value`
// is read here too, though asmcli itself stops on it with "Unknown option".
function flagName(arg: string): string {
    const equals = arg.indexOf("=");
    return (equals < 0 ? arg : arg.slice(0, equals)).toLowerCase();
}

/** Whether the invocation carries a flag (any of its spellings), as `--flag`, `--flag value` or `--flag=value`. */
export function hasFlag(invocation: AsmcliInvocation, spellings: string[]): boolean {
    return invocation.args.some((arg) => spellings.includes(flagName(arg)));
}

/** The values given to a flag (any of its spellings): `--flag value` or `--flag=value`. */
export function flagValues(invocation: AsmcliInvocation, spellings: string[]): string[] {
    const values: string[] = [];
    const { args } = invocation;
    for (let i = 0; i < args.length; i++) {
        if (!spellings.includes(flagName(args[i]))) continue;
        const equals = args[i].indexOf("=");
        if (equals >= 0) values.push(args[i].slice(equals + 1));
        else if (i + 1 < args.length) values.push(args[++i]);
    }
    return values;
}

// asmcli flag spellings, lower case (GoogleCloudPlatform/anthos-service-mesh-packages asmcli/lib/parse.sh, parse_args).
// `--managed` has no other spelling.
export const MANAGED_FLAG = ["--managed"];
export const REVISION_FLAG = ["-r", "--revision_name", "--revision-name"];
export const OVERLAY_FLAG = ["--co", "--custom_overlay", "--custom-overlay"];

// `apply` is `install` without prompts: both run install_subcommand (asmcli/asmcli.sh main, also under
// nocasematch).
const INSTALL_SUBCOMMANDS = new Set(["install", "apply"]);

export interface AsmcliInstall extends AsmcliInvocation {
    /** The invocation, to read the files the script wrote before it. */
    invocation: Invocation;
}

/** The asmcli `install`/`apply` invocations a Command runs, or [] when it runs none or its text is unreadable. */
export function asmcliInstalls(type: string, props: unknown): AsmcliInstall[] {
    // Only a Command runs asmcli. Tested first, since two rules ask for every resource and the search below
    // builds several lists even for none (issue 20).
    if (!isCommand(type)) return [];
    return asmcliAmong(commandInvocations(type, props)).filter((found) =>
        INSTALL_SUBCOMMANDS.has(found.args[0]?.toLowerCase() ?? ""),
    );
}

export interface OverlayFile {
    name: string;
    /** The IstioOperator overlay as parsed, or CANNOT_TELL with the reason. */
    document: unknown;
    why: string;
}

/** Splits a flag value on commas outside unknown parts. */
function splitList(value: string): string[] {
    const parts: string[] = [];
    let current = "";
    let inside = false;
    for (const char of value) {
        if (char === "\u0000") inside = true;
        else if (char === "\u0002") inside = false;
        if (char === "," && !inside) {
            parts.push(current);
            current = "";
        } else current += char;
    }
    parts.push(current);
    return parts;
}

/** The --custom_overlay files of an install, each read where the script writes it, or CANNOT_TELL. */
export function overlayFiles(install: AsmcliInstall): OverlayFile[] {
    // asmcli takes several overlays, as repeated flags or comma-separated (parse.sh CUSTOM_OVERLAY).
    return flagValues(install, OVERLAY_FLAG).flatMap((list) =>
        splitList(list).map((file): OverlayFile => readOverlay(file, install.invocation, "--custom_overlay")),
    );
}

/** An IstioOperator file a tool is given, as the script wrote it before running the tool. */
export function readOverlay(file: string, invocation: Invocation, flag: string): OverlayFile {
    // Named as the script writes it ("$overlay"), not by what the variable holds.
    const word = invocation.args.find((arg) => arg.text === file || arg.text.endsWith(`=${file}`));
    const written = word?.text === file ? word.written : word?.written?.replace(/^[^=]*=/, "");
    const name = written !== undefined && !written.startsWith("-") ? written : shown(file);
    const state = file === "-" ? undefined : invocation.readFile(file);
    const text =
        file === "-"
            ? invocation.stdin?.kind === "text"
                ? invocation.stdin.text
                : undefined
            : state?.kind === "text"
              ? state.text
              : undefined;
    if (text === undefined) {
        const why =
            state?.kind === "unknown"
                ? state.why
                : file === "-"
                  ? "its input is not written by the script"
                  : `the ${flag} file ${name} is not part of the resource: the script does not write it before it runs (write it from the Command's environment or a here-document)`;
        return { name, document: CANNOT_TELL, why };
    }
    try {
        const document: unknown = parseYaml(text);
        if (at(document, "kind") === "IstioOperator") return { name, document, why: "" };
    } catch {
        // Not YAML: below.
    }
    return { name, document: CANNOT_TELL, why: `${name} is not an IstioOperator overlay` };
}
