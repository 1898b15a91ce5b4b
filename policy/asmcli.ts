// Reading program invocations (asmcli, istioctl) out of a `command:local:Command`'s `create` shell text.

import { at, CANNOT_TELL, readString, type CannotTell } from "./read";

export const COMMAND_TYPE = "command:local:Command";

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

/** Every run of a program in a shell text, e.g. `./asmcli install --revision_name asm-11910-26 ...`. */
export function findInvocations(text: string, isProgram: (name: string) => boolean): Invocation[] {
    const words = shellWords(text);
    const found: Invocation[] = [];
    for (let i = 0; i < words.length; i++) {
        if (!isProgram(programName(words[i]))) continue;
        const args: string[] = [];
        for (let j = i + 1; j < words.length && !SEPARATORS.has(words[j]); j++) args.push(words[j]);
        found.push({ args });
    }
    return found;
}

/** Every asmcli invocation in a shell text. */
export function findAsmcliInvocations(text: string): AsmcliInvocation[] {
    return findInvocations(text, (name) => name === "asmcli" || name === "asmcli.sh");
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

// asmcli flag spellings, lower case (asmcli/lib/parse.sh parse_args; FACTS.md "Google: self-managed ASM").
// `--managed` has no other spelling.
export const MANAGED_FLAG = ["--managed"];
export const REVISION_FLAG = ["-r", "--revision_name", "--revision-name"];
export const OVERLAY_FLAG = ["--co", "--custom_overlay", "--custom-overlay"];

// `apply` is `install` without prompts: both run install_subcommand (asmcli/asmcli.sh main, also under
// nocasematch).
const INSTALL_SUBCOMMANDS = new Set(["install", "apply"]);

/** The asmcli `install`/`apply` invocations a Command runs on create, or [] when it runs none or `create` is
 *  unreadable. */
export function asmcliInstalls(type: string, props: unknown): AsmcliInvocation[] {
    if (type !== COMMAND_TYPE) return [];
    const create = readString(at(props, "create"));
    if (typeof create !== "string" || !create.includes("asmcli")) return [];
    return findAsmcliInvocations(create).filter((invocation) =>
        INSTALL_SUBCOMMANDS.has(invocation.args[0]?.toLowerCase() ?? ""),
    );
}
