/**
 * Text from a cluster made safe to print on a terminal. Anyone who can create a pod can choose its annotations,
 * owner names and the like; printed raw, an escape sequence in them could set the terminal's title, clear the
 * screen or forge output lines. Every control character is shown as a visible escape instead: C0 (U+0000-U+001F,
 * ESC among them: `\x1b`), DEL and C1 (U+007F-U+009F, ECMA-48 control functions), and the Unicode line and
 * paragraph separators and bidirectional overrides (U+2028-U+2029, U+202A-U+202E, U+2066-U+2069), which reorder
 * or break what is shown. `--json` escapes them as JSON does (jsonText), so it reads back the same.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g;

/** `text` with every control character as a visible escape (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
    return text.replace(CONTROL, (c) => {
        const code = c.charCodeAt(0);
        if (c === "\n") return "\\n";
        if (c === "\r") return "\\r";
        if (c === "\t") return "\\t";
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    });
}

/** A copy of `value` with printable() applied to every string in it (keys included). */
export function printableDeep<T>(value: T): T {
    if (typeof value === "string") return printable(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => printableDeep(v)) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [printable(k), printableDeep(v)]),
        ) as T;
    }
    return value;
}

/** At most this many characters of a server's error text are shown. */
export const MAX_SERVER_TEXT = 300;

/** A server's error text on one printable line: line breaks and runs of blanks as one space, at most
 *  MAX_SERVER_TEXT characters. */
export function serverText(text: string): string {
    const flat = text.replace(/\s+/g, " ").trim();
    const cut = flat.length > MAX_SERVER_TEXT ? `${flat.slice(0, MAX_SERVER_TEXT)}...` : flat;
    return printable(cut);
}

/**
 * `value` as indented JSON whose text holds no control character. JSON.stringify escapes C0 but writes DEL, C1
 * and the Unicode separators and bidi overrides as they are; those can only stand inside strings, where `\uXXXX`
 * is the same character to any JSON reader.
 */
export function jsonText(value: unknown): string {
    return JSON.stringify(value, null, 2).replace(
        /[\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}
