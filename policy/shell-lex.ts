// The words and operators of a POSIX shell text (IEEE Std 1003.1-2017, XCU 2.2 Quoting, 2.3 Token Recognition,
// 2.6 Word Expansions, 2.7.4 Here-Document), as bash and dash read them: quotes, backslashes, line
// continuations, comments, `$NAME`, `${...}`, `$(...)`, backquotes, `$((...))`, `$'...'`, operators, IO numbers
// and here-document bodies. Expansion happens later (shell.ts): a word keeps its parts and whether each was quoted.

/** A part of a word: literal text, a parameter, or a command substitution (its source, read later). */
export type Segment =
    | { kind: "text"; text: string; quoted: boolean }
    | { kind: "param"; name: string; quoted: boolean; op?: string; arg?: string }
    | { kind: "command"; source: string; quoted: boolean }
    | { kind: "opaque"; shown: string; quoted: boolean };

export interface HereDoc {
    body: string;
    /** An unquoted delimiter: the body undergoes parameter and command expansion. */
    expand: boolean;
}

export type Token =
    | { kind: "word"; segments: Segment[] }
    | { kind: "op"; op: string; fd?: number; hereDoc?: HereDoc }
    | { kind: "newline" };

// Longest match first (XCU 2.3 rule 3): control and redirection operators.
const OPERATORS = [
    ";;&",
    "<<-",
    "<<<",
    "&>>",
    ";;",
    ";&",
    "&&",
    "||",
    "<<",
    ">>",
    "<&",
    ">&",
    "<>",
    ">|",
    "&>",
    ";",
    "&",
    "|",
    "(",
    ")",
    "<",
    ">",
];
const REDIRECTIONS = new Set(["<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<", "<<-", "<<<"]);
export const isRedirection = (op: string): boolean => REDIRECTIONS.has(op);

export class ShellSyntaxError extends Error {}

/** The end (index after) of a `$(`/`(`-opened span starting at `start` (just after the opening paren). */
function closingParen(text: string, start: number): number {
    let depth = 1;
    for (let i = start; i < text.length; i++) {
        const char = text[i];
        if (char === "\\") i++;
        else if (char === "'") {
            const end = text.indexOf("'", i + 1);
            if (end < 0) break;
            i = end;
        } else if (char === '"') {
            i = closingDoubleQuote(text, i + 1);
        } else if (char === "(") depth++;
        else if (char === ")" && --depth === 0) return i + 1;
    }
    throw new ShellSyntaxError("an unclosed `$(` or `(`");
}

function closingDoubleQuote(text: string, start: number): number {
    for (let i = start; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === '"') return i;
        else if (text[i] === "$" && text[i + 1] === "(") i = closingParen(text, i + 2) - 1;
        else if (text[i] === "`") i = closingBackquote(text, i + 1);
    }
    throw new ShellSyntaxError("an unclosed double quote");
}

function closingBackquote(text: string, start: number): number {
    for (let i = start; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "`") return i;
    }
    throw new ShellSyntaxError("an unclosed backquote");
}

function closingBrace(text: string, start: number): number {
    let depth = 1;
    for (let i = start; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "{") depth++;
        else if (text[i] === "}" && --depth === 0) return i;
        else if (text[i] === "'" && depth > 0) {
            const end = text.indexOf("'", i + 1);
            if (end >= 0) i = end;
        }
    }
    throw new ShellSyntaxError("an unclosed `${`");
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMS = new Set(["@", "*", "#", "?", "-", "$", "!", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

/** Reads a `$` expansion at `i` (text[i] === "$"); answers the segment and the index after it, or undefined when
 *  the `$` is literal. */
export function readDollar(text: string, i: number, quoted: boolean): { segment: Segment; end: number } | undefined {
    const next = text[i + 1];
    if (next === "(" && text[i + 2] === "(") {
        const end = closingParen(text, i + 2);
        // $(( ... )): arithmetic; its value is a number the pack does not compute.
        return { segment: { kind: "opaque", shown: text.slice(i, end + 1), quoted }, end: end + 1 };
    }
    if (next === "(") {
        const end = closingParen(text, i + 2);
        return { segment: { kind: "command", source: text.slice(i + 2, end - 1), quoted }, end };
    }
    if (next === "{") {
        const close = closingBrace(text, i + 2);
        const inner = text.slice(i + 2, close);
        const match = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-=+?])([\s\S]*)$/.exec(inner);
        if (match)
            return { segment: { kind: "param", name: match[1], quoted, op: match[2], arg: match[3] }, end: close + 1 };
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner))
            return { segment: { kind: "param", name: inner, quoted }, end: close + 1 };
        // ${#x}, ${x%pat}, ${x/a/b}, ${!x}, ${1}: a value the pack does not compute.
        return { segment: { kind: "opaque", shown: text.slice(i, close + 1), quoted }, end: close + 1 };
    }
    if (next !== undefined && NAME_START.test(next)) {
        let end = i + 1;
        while (end < text.length && NAME_CHAR.test(text[end])) end++;
        return { segment: { kind: "param", name: text.slice(i + 1, end), quoted }, end };
    }
    if (next !== undefined && SPECIAL_PARAMS.has(next)) {
        return { segment: { kind: "opaque", shown: text.slice(i, i + 2), quoted }, end: i + 2 };
    }
    return undefined;
}

const ANSI_ESCAPES: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    a: "\x07",
    b: "\b",
    e: "\x1b",
    f: "\f",
    v: "\v",
};

/** Tokens of a shell text. Throws ShellSyntaxError for an unclosed quote, substitution or here-document. */
export function lex(text: string): Token[] {
    const tokens: Token[] = [];
    const pendingHereDocs: Array<{ token: { hereDoc?: HereDoc }; delimiter: string; expand: boolean; strip: boolean }> =
        [];
    let segments: Segment[] = [];
    let inWord = false;
    const pushText = (chunk: string, quoted: boolean): void => {
        inWord = true;
        const last = segments[segments.length - 1];
        if (last && last.kind === "text" && last.quoted === quoted) last.text += chunk;
        else segments.push({ kind: "text", text: chunk, quoted });
    };
    const flush = (): void => {
        if (inWord) tokens.push({ kind: "word", segments });
        segments = [];
        inWord = false;
    };
    let i = 0;
    const readHereDocs = (): void => {
        for (const pending of pendingHereDocs) {
            const lines: string[] = [];
            for (;;) {
                if (i >= text.length)
                    throw new ShellSyntaxError(`a here-document without its ${pending.delimiter} line`);
                let end = text.indexOf("\n", i);
                if (end < 0) end = text.length;
                let line = text.slice(i, end);
                i = end + 1;
                if (pending.strip) line = line.replace(/^\t+/, "");
                if (line === pending.delimiter) break;
                lines.push(line);
            }
            pending.token.hereDoc = { body: lines.length > 0 ? `${lines.join("\n")}\n` : "", expand: pending.expand };
        }
        pendingHereDocs.length = 0;
    };
    while (i < text.length) {
        const char = text[i];
        if (char === "\\") {
            if (text[i + 1] === "\n") i += 2;
            else {
                if (i + 1 < text.length) pushText(text[i + 1], true);
                i += 2;
            }
            continue;
        }
        if (char === "'") {
            const end = text.indexOf("'", i + 1);
            if (end < 0) throw new ShellSyntaxError("an unclosed single quote");
            pushText(text.slice(i + 1, end), true);
            i = end + 1;
            continue;
        }
        if (char === "$" && text[i + 1] === "'") {
            // $'...': ANSI-C quoting (bash, and POSIX since 2024).
            let out = "";
            let j = i + 2;
            for (; j < text.length && text[j] !== "'"; j++) {
                if (text[j] === "\\" && j + 1 < text.length) out += ANSI_ESCAPES[text[++j]] ?? `\\${text[j]}`;
                else out += text[j];
            }
            if (j >= text.length) throw new ShellSyntaxError("an unclosed $' quote");
            pushText(out, true);
            i = j + 1;
            continue;
        }
        if (char === '"') {
            const end = closingDoubleQuote(text, i + 1);
            readDoubleQuoted(text.slice(i + 1, end), segments, pushText);
            inWord = true;
            i = end + 1;
            continue;
        }
        if (char === "$") {
            const dollar = readDollar(text, i, false);
            if (dollar) {
                segments.push(dollar.segment);
                inWord = true;
                i = dollar.end;
                continue;
            }
        }
        if (char === "`") {
            const end = closingBackquote(text, i + 1);
            segments.push({
                kind: "command",
                source: text.slice(i + 1, end).replace(/\\([$`\\])/g, "$1"),
                quoted: false,
            });
            inWord = true;
            i = end + 1;
            continue;
        }
        if (char === "#" && !inWord) {
            while (i < text.length && text[i] !== "\n") i++;
            continue;
        }
        if (char === "\n") {
            flush();
            tokens.push({ kind: "newline" });
            i++;
            readHereDocs();
            continue;
        }
        if (char === " " || char === "\t" || char === "\r") {
            flush();
            i++;
            continue;
        }
        const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
        if (op) {
            // An IO number: digits right before a redirection (2>, 1>&2).
            let fd: number | undefined;
            const only = segments.length === 1 ? segments[0] : undefined;
            if (isRedirection(op) && only?.kind === "text" && !only.quoted && /^\d+$/.test(only.text)) {
                fd = Number(only.text);
                segments = [];
                inWord = false;
            }
            flush();
            const token: Token = { kind: "op", op, ...(fd === undefined ? {} : { fd }) };
            tokens.push(token);
            i += op.length;
            if (op === "<<" || op === "<<-") {
                // The delimiter word is lexed as the redirection's target; its body starts after the next newline.
                let start = i;
                while (text[start] === " " || text[start] === "\t") start++;
                let end = start;
                while (end < text.length && !/[\s;&|<>()]/.test(text[end])) {
                    if (text[end] === "'" || text[end] === '"') {
                        const close = text.indexOf(text[end], end + 1);
                        end = close < 0 ? text.length : close + 1;
                    } else end++;
                }
                const raw = text.slice(start, end);
                if (raw === "") throw new ShellSyntaxError("a here-document without a delimiter");
                const delimiter = raw.replace(/\\(.)/g, "$1").replace(/['"]/g, "");
                pendingHereDocs.push({ token, delimiter, expand: !/['"\\]/.test(raw), strip: op === "<<-" });
            }
            continue;
        }
        pushText(char, false);
        i++;
    }
    flush();
    if (pendingHereDocs.length > 0) readHereDocs();
    return tokens;
}

/** The segments of the inside of a double-quoted string: `$` expansions and backquotes stay live; a backslash
 *  escapes only $ ` " \ and a newline (XCU 2.2.3). */
export function readDoubleQuoted(
    inner: string,
    segments: Segment[],
    pushText: (chunk: string, quoted: boolean) => void,
): void {
    let i = 0;
    while (i < inner.length) {
        const char = inner[i];
        if (char === "\\" && i + 1 < inner.length && '$`"\\\n'.includes(inner[i + 1])) {
            if (inner[i + 1] !== "\n") pushText(inner[i + 1], true);
            i += 2;
        } else if (char === "$") {
            const dollar = readDollar(inner, i, true);
            if (dollar) {
                segments.push(dollar.segment);
                i = dollar.end;
            } else {
                pushText("$", true);
                i++;
            }
        } else if (char === "`") {
            const end = closingBackquote(inner, i + 1);
            segments.push({
                kind: "command",
                source: inner.slice(i + 1, end).replace(/\\([$`\\])/g, "$1"),
                quoted: true,
            });
            i = end + 1;
        } else {
            pushText(char, true);
            i++;
        }
    }
    // "" is a word even when empty.
    pushText("", true);
}
