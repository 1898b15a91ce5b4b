// Reading an asmcli invocation out of a `command:local:Command`'s `create` shell text.

import { at, readString } from "./read";

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

export interface AsmcliInvocation {
    /** The words after `asmcli` up to the end of that simple command (subcommand first). */
    args: string[];
}

function isAsmcliWord(word: string): boolean {
    const base = word.slice(word.lastIndexOf("/") + 1);
    return base === "asmcli" || base === "asmcli.sh";
}

/** Every asmcli invocation in a shell text (e.g. `./asmcli install --revision_name asm-11910-26 ...`). */
export function findAsmcliInvocations(text: string): AsmcliInvocation[] {
    const words = shellWords(text);
    const found: AsmcliInvocation[] = [];
    for (let i = 0; i < words.length; i++) {
        if (!isAsmcliWord(words[i])) continue;
        const args: string[] = [];
        for (let j = i + 1; j < words.length && !SEPARATORS.has(words[j]); j++) args.push(words[j]);
        found.push({ args });
    }
    return found;
}

/** Whether the invocation carries a flag (any of its spellings), as `--flag`, `--flag value` or `--flag=value`. */
export function hasFlag(invocation: AsmcliInvocation, spellings: string[]): boolean {
    return invocation.args.some((arg) => spellings.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

/** The values given to a flag (any of its spellings): `--flag value` or `--flag=value`. */
export function flagValues(invocation: AsmcliInvocation, spellings: string[]): string[] {
    const values: string[] = [];
    const { args } = invocation;
    for (let i = 0; i < args.length; i++) {
        for (const flag of spellings) {
            if (args[i] === flag && i + 1 < args.length) values.push(args[i + 1]);
            else if (args[i].startsWith(`${flag}=`)) values.push(args[i].slice(flag.length + 1));
        }
    }
    return values;
}

// asmcli flag spellings (Google "asmcli reference"; FACTS.md "Google: self-managed ASM").
export const MANAGED_FLAG = ["--managed"];
export const REVISION_FLAG = ["--revision_name", "-r"];
export const OVERLAY_FLAG = ["--custom_overlay", "--co"];

/** The asmcli `install` invocations a Command runs on create, or [] when it runs none or `create` is unreadable. */
export function asmcliInstalls(type: string, props: unknown): AsmcliInvocation[] {
    if (type !== COMMAND_TYPE) return [];
    const create = readString(at(props, "create"));
    if (typeof create !== "string" || !create.includes("asmcli")) return [];
    return findAsmcliInvocations(create).filter((invocation) => invocation.args[0] === "install");
}
