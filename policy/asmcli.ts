// Reading program invocations (asmcli, istioctl, gcloud) out of a Command's shell text: `command:local:Command`
// and `command:remote:Command` (which runs it over SSH), on `create` and on `update` (run when inputs change).

import { parseYaml } from "./helm-values";
import { at, CANNOT_TELL, isPlainObject, readString, type CannotTell } from "./read";

export const COMMAND_TYPE = "command:local:Command";
export const REMOTE_COMMAND_TYPE = "command:remote:Command";

export function isCommand(type: string): boolean {
    return type === COMMAND_TYPE || type === REMOTE_COMMAND_TYPE;
}

/** The shell texts a Command runs to create or update its resource; CANNOT_TELL entries for unreadable ones. */
export function commandTexts(type: string, props: unknown): Array<string | CannotTell> {
    if (!isCommand(type)) return [];
    const texts: Array<string | CannotTell> = [];
    for (const key of ["create", "update"]) {
        const text = readString(at(props, key));
        if (text !== undefined) texts.push(text);
    }
    return texts;
}

// Tokens that end one simple command in a shell line.
const SEPARATORS = new Set([";", "&&", "||", "|", "&", "\n"]);

/** Splits shell text into words, honouring single and double quotes, backslash escapes and line continuations.
 *  Command separators come out as their own tokens. Not a full shell: enough to find flags. */
export function shellWords(text: string): string[] {
    const words: string[] = [];
    let word = "";
    let inWord = false;
    let quote: "'" | '"' | undefined;
    const flush = (): void => {
        if (inWord) words.push(word);
        word = "";
        inWord = false;
    };
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (quote) {
            if (char === quote) quote = undefined;
            else if (char === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
            else word += char;
            continue;
        }
        if (char === "'" || char === '"') {
            quote = char;
            inWord = true;
        } else if (char === "\\") {
            if (text[i + 1] === "\n") i++;
            else if (i + 1 < text.length) {
                word += text[++i];
                inWord = true;
            }
        } else if (char === "\n" || char === ";") {
            flush();
            words.push(char);
        } else if (char === "&" || char === "|") {
            flush();
            const double = text[i + 1] === char;
            words.push(double ? char + char : char);
            if (double) i++;
        } else if (/\s/.test(char)) {
            flush();
        } else {
            word += char;
            inWord = true;
        }
    }
    flush();
    return words;
}

export interface Invocation {
    /** The words after the program up to the end of that simple command (subcommand first). */
    args: string[];
}
export type AsmcliInvocation = Invocation;

/** The program a word runs, path stripped: `/tmp/out/bin/istioctl` -> `istioctl`. */
export function programName(word: string): string {
    return word.slice(word.lastIndexOf("/") + 1);
}

// Shells that run a script given with -c (`sh -c '...'`, `bash -lc "..."`), and `eval`: the script is read too.
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash"]);

/** The scripts a shell text hands to a nested shell: `sh -c SCRIPT`, `bash -ec SCRIPT`, `eval SCRIPT...`. */
function nestedScripts(words: string[]): string[] {
    const scripts: string[] = [];
    for (let i = 0; i < words.length; i++) {
        const name = programName(words[i]);
        if (name === "eval") {
            const rest: string[] = [];
            for (let j = i + 1; j < words.length && !SEPARATORS.has(words[j]); j++) rest.push(words[j]);
            scripts.push(rest.join(" "));
        } else if (SHELLS.has(name)) {
            for (let j = i + 1; j < words.length && !SEPARATORS.has(words[j]) && words[j].startsWith("-"); j++) {
                if (/^-[a-z]*c[a-z]*$/.test(words[j]) && j + 1 < words.length) {
                    scripts.push(words[j + 1]);
                    break;
                }
            }
        }
    }
    return scripts;
}

/** Every run of a program in a shell text, e.g. `./asmcli install --revision_name asm-11910-26 ...`, also inside
 *  `sh -c '...'` and `eval` (bounded depth). */
export function findInvocations(text: string, isProgram: (name: string) => boolean, depth = 0): Invocation[] {
    const words = shellWords(text);
    const found: Invocation[] = [];
    for (let i = 0; i < words.length; i++) {
        if (!isProgram(programName(words[i]))) continue;
        const args: string[] = [];
        for (let j = i + 1; j < words.length && !SEPARATORS.has(words[j]); j++) args.push(words[j]);
        found.push({ args });
    }
    if (depth < 4)
        for (const script of nestedScripts(words)) found.push(...findInvocations(script, isProgram, depth + 1));
    return found;
}

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
    const named = (name: string): boolean => /^asmcli(\.sh)?$/i.test(name);
    const found = findInvocations(text, named);
    const renamed = findInvocations(text, (name) => !named(name) && !SHELLS.has(name) && name !== "eval").filter(
        (invocation) =>
            INSTALL_SUBCOMMANDS.has(invocation.args[0]?.toLowerCase() ?? "") &&
            invocation.args.some((arg) => ASMCLI_ONLY_FLAGS.has(flagName(arg))),
    );
    return [...found, ...renamed];
}

/** A word the shell may rewrite (parameter or command substitution): its value cannot be read from the text.
 *  Revision names and tags are DNS labels, so a `$` or a backquote in one is always an expansion. */
export function readLiteral(word: string): string | CannotTell {
    return /[$`]/.test(word) ? CANNOT_TELL : word;
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
    /** The whole shell text it was found in, to find where its overlay files are written. */
    script: string;
}

/** The asmcli `install`/`apply` invocations a Command runs on create or update, or [] when it runs none or its
 *  text is unreadable. */
export function asmcliInstalls(type: string, props: unknown): AsmcliInstall[] {
    return commandTexts(type, props).flatMap((text) =>
        typeof text !== "string"
            ? []
            : findAsmcliInvocations(text)
                  .filter((invocation) => INSTALL_SUBCOMMANDS.has(invocation.args[0]?.toLowerCase() ?? ""))
                  .map((invocation) => ({ ...invocation, script: text })),
    );
}

export interface OverlayFile {
    name: string;
    /** The IstioOperator overlay as parsed, or CANNOT_TELL with the reason. */
    document: unknown;
    why: string;
}

function quoteRe(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Where a script writes FILE: from an environment variable holding an IstioOperator (`printf '%s' "$VAR" >
 *  FILE`, `echo "$VAR" > FILE`) or from a here-document (`cat > FILE <<EOF ... EOF`). */
function overlayContent(
    file: string,
    script: string,
    environment: unknown,
): { text: string; from: string } | undefined {
    const target = `(?:"${quoteRe(file)}"|'${quoteRe(file)}'|${quoteRe(file)})`;
    const heredoc = new RegExp(
        `>\\s*${target}\\s*<<-?\\s*['"]?(\\w+)['"]?[^\\n]*\\n([\\s\\S]*?)\\n\\s*\\1\\s*(?:\\n|$)`,
    ).exec(script);
    if (heredoc) return { text: heredoc[2], from: "here-document" };
    if (!isPlainObject(environment)) return undefined;
    for (const line of script.split(/\n|;|&&/)) {
        // The redirection may close a subshell on its line, as AsmInstall's script writes it:
        // `(umask 077 && printf '%s\n' "$NATIVEMESH_OVERLAY" > "$overlay")`.
        if (!new RegExp(`>\\s*${target}\\s*\\)?\\s*$`).test(line.trim())) continue;
        for (const [name, value] of Object.entries(environment)) {
            if (typeof value === "string" && new RegExp(`\\$\\{?${quoteRe(name)}\\b`).test(line)) {
                return { text: value, from: `environment.${name}` };
            }
        }
    }
    return undefined;
}

/** The --custom_overlay files of an install, each read where the Command writes it, or CANNOT_TELL. */
export function overlayFiles(install: AsmcliInstall, props: unknown): OverlayFile[] {
    const environment = at(props, "environment");
    return flagValues(install, OVERLAY_FLAG).flatMap((list) =>
        // asmcli takes several overlays, as repeated flags or comma-separated (parse.sh CUSTOM_OVERLAY).
        list.split(",").map((file): OverlayFile => {
            const content = overlayContent(file, install.script, environment);
            if (!content) {
                return {
                    name: file,
                    document: CANNOT_TELL,
                    why: `the --custom_overlay file ${file} is not part of the resource (pass its content in the Command's environment or a here-document)`,
                };
            }
            try {
                const document: unknown = parseYaml(content.text);
                if (at(document, "kind") === "IstioOperator") return { name: content.from, document, why: "" };
            } catch {
                // Not YAML: below.
            }
            return {
                name: content.from,
                document: CANNOT_TELL,
                why: `${content.from} is not an IstioOperator overlay`,
            };
        }),
    );
}
