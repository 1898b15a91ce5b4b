// Formance operator `Settings` map values: the operator's own parser, re-implemented from its behaviour, and an
// encoder that only writes what that parser gives back unchanged. Pure: no Pulumi import.
//
// The parser (formancehq/operator internal/resources/settings/helpers.go, parseKeyValueList) walks the UTF-8
// bytes of the value one at a time:
//   - key mode collects bytes until "="; a `"` in a key is an error; "," ends the pair early;
//   - "=" switches to value mode, is dropped, and the byte right after it is taken as is (never looked at as
//     "," or "=") unless it is `"`, which starts a quoted value; "=" as the last byte is an error;
//   - a quoted value runs to the next `"` (no escapes), which must be followed by "," or the end;
//   - an unquoted value runs to the next ","; a `"` inside it is kept;
//   - keys and values are trimmed (Go strings.TrimSpace); a later duplicate key replaces the earlier value.
// Each byte is appended as the character with that code (Go `string(byte)`), so non-ASCII text comes back
// mangled ("é" -> "Ã©").

const QUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;

// Go's strings.TrimSpace uses unicode.IsSpace; the bytes-as-characters here are all <= U+00FF, where the
// spaces are \t \n \v \f \r, " ", U+0085 and U+00A0.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g;

function goTrimSpace(text: string): string {
    return text.replace(GO_SPACE, "");
}

export type ParseResult = { ok: true; entries: Array<[string, string]> } | { ok: false; error: string };

/** The operator's parseKeyValueList, byte for byte. Entries come in the order their keys first appear. */
export function parseKeyValueList(value: string): ParseResult {
    const bytes = Buffer.from(value, "utf8");
    const result = new Map<string, string>();
    let inKey = true;
    let quoted = false;
    let key = "";
    let val = "";
    const store = (): void => {
        result.set(goTrimSpace(key), goTrimSpace(val));
        key = "";
        val = "";
    };
    let i = 0;
    while (i < bytes.length) {
        const byte = bytes[i++];
        if (byte === EQUALS) {
            inKey = false;
            if (i >= bytes.length) {
                return { ok: false, error: `"=" is the last byte of '${value}'` };
            }
            const next = bytes[i++];
            if (next === QUOTE) {
                quoted = true;
            } else {
                val += String.fromCharCode(next);
            }
        } else if (byte === QUOTE) {
            if (inKey) {
                return { ok: false, error: `quotes are not allowed in keys: '${value}'` };
            }
            if (!quoted) {
                val += '"';
                continue;
            }
            quoted = false;
            inKey = true;
            store();
            if (i < bytes.length && bytes[i++] !== COMMA) {
                return { ok: false, error: `expected "," after a quoted value: '${value}'` };
            }
        } else if (byte === COMMA) {
            if (quoted) {
                val += ",";
            } else {
                store();
                inKey = true;
            }
        } else if (inKey) {
            key += String.fromCharCode(byte);
        } else {
            val += String.fromCharCode(byte);
        }
    }
    if (inKey && key !== "") {
        return { ok: false, error: `input ends while reading a key: '${value}'` };
    }
    if (quoted) {
        return { ok: false, error: `input ends inside a quoted value: '${value}'` };
    }
    if (!inKey) {
        store();
    }
    return { ok: true, entries: [...result.entries()] };
}

/** A map value the operator's parser would reject or change. */
export class FormanceValueError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "FormanceValueError";
    }
}

const NON_ASCII = /[^\x00-\x7f]/;
const SURROUNDING_SPACE = /^[\t\n\v\f\r ]|[\t\n\v\f\r ]$/;

/** Why a map key cannot be written, or undefined when it can. */
function keyProblem(key: string): string | undefined {
    if (key === "") return "is empty, which Kubernetes refuses as a label or annotation key";
    if (NON_ASCII.test(key)) return "holds non-ASCII characters, which the parser reads byte by byte and mangles";
    if (key.includes('"')) return 'holds a `"`, which the parser rejects in keys';
    if (key.includes("=")) return "holds a `=`, which the parser takes as the start of the value";
    if (key.includes(",")) return "holds a `,`, which the parser takes as the end of the pair";
    if (SURROUNDING_SPACE.test(key)) return "starts or ends with white space, which the parser trims";
    return undefined;
}

/** The form that writes `value` unchanged: "plain" (k=v), "quoted" (k="v"), or a reason none does. */
function valueEncoding(value: string): "plain" | "quoted" | { problem: string } {
    if (NON_ASCII.test(value)) {
        return { problem: "holds non-ASCII characters, which the parser reads byte by byte and mangles" };
    }
    if (SURROUNDING_SPACE.test(value)) {
        return { problem: "starts or ends with white space, which the parser trims" };
    }
    // The byte right after "=" is taken as is, so only the rest must be free of "," and "=".
    const rest = value.slice(1);
    if (value !== "" && !value.startsWith('"') && !rest.includes(",") && !rest.includes("=")) {
        return "plain";
    }
    // Inside quotes "," is kept, but a `"` ends the value and "=" is still dropped.
    if (!value.includes('"') && !value.includes("=")) {
        return "quoted";
    }
    if (value.includes("=")) {
        return { problem: 'holds a "=", which the parser drops (a=b=c reads as a -> bc)' };
    }
    return {
        problem: value.startsWith('"')
            ? 'starts with a `"`, which the parser takes as an opening quote'
            : 'holds both "," and `"`: unquoted, the comma ends the value; quoted, the quote does',
    };
}

const WHAT_TO_DO =
    "set it on the Kubernetes object through Pulumi instead of through a Formance Setting, or use a value without it";

/** Encodes `entries` so that parseKeyValueList gives back exactly the same entries in the same order.
 *  Throws FormanceValueError (one line: setting key, map key, why, what to do) for an entry it cannot write. */
export function encodeKeyValueMap(settingKey: string, entries: Record<string, string>): string {
    const pairs: string[] = [];
    for (const [key, value] of Object.entries(entries)) {
        const badKey = keyProblem(key);
        if (badKey !== undefined) {
            throw new FormanceValueError(`Formance setting "${settingKey}": map key "${key}" ${badKey}; ${WHAT_TO_DO}`);
        }
        if (typeof value !== "string") {
            throw new FormanceValueError(
                `Formance setting "${settingKey}": value of "${key}" is a ${typeof value}, not a string; write it as a string`,
            );
        }
        const encoding = valueEncoding(value);
        if (typeof encoding === "object") {
            throw new FormanceValueError(
                `Formance setting "${settingKey}": value of "${key}" (${JSON.stringify(value)}) ${encoding.problem}, so the ` +
                    `operator would reject or change it (formancehq/operator parseKeyValueList); ${WHAT_TO_DO}`,
            );
        }
        pairs.push(encoding === "plain" ? `${key}=${value}` : `${key}="${value}"`);
    }
    return pairs.join(",");
}

/** Splits a Settings key on dots outside double quotes, dropping the quotes, as the operator does
 *  (formancehq/operator helpers.go SplitKeywordWithDot): `deployments."a.b".spec` -> deployments, a.b, spec. */
export function splitSettingKey(key: string): string[] {
    const segments: string[] = [""];
    let inQuotes = false;
    for (const char of key) {
        if (char === '"') {
            inQuotes = !inQuotes;
        } else if (char === "." && !inQuotes) {
            segments.push("");
        } else {
            segments[segments.length - 1] += char;
        }
    }
    return segments;
}

// The map-valued Settings keys we write (formancehq/operator docs/09-Configuration reference/01-Settings.md);
// "*" stands for one non-empty segment.
const MAP_KEY_SHAPES: string[][] = [
    ["namespace", "labels"],
    ["namespace", "annotations"],
    ["services", "*", "annotations"],
    ["gateway", "ingress", "annotations"],
    ["gateway", "ingress", "labels"],
    ["deployments", "*", "spec", "template", "annotations"],
    ["jobs", "*", "spec", "template", "annotations"],
];

/** True for a Settings key whose value is a k=v map (formancehq/operator's Settings reference, type Map). */
export function isMapSettingKey(key: string): boolean {
    if (typeof key !== "string") return false;
    const segments = splitSettingKey(key);
    return MAP_KEY_SHAPES.some(
        (shape) =>
            shape.length === segments.length &&
            shape.every((part, index) => (part === "*" ? segments[index] !== "" : part === segments[index])),
    );
}
