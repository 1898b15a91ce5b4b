// What the Formance operator loses when it reads a map-valued Setting (`k=v,k2="v,2"`): the pairs as the bytes
// stand between its separators, next to what it stores. The walk follows the operator's parser step for step
// (formancehq/operator internal/resources/settings/helpers.go parseKeyValueList; its port is
// policy/facts/formance.ts parseKeyValueList, which stays the authority on errors and entries).

const QUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;

// Go's strings.TrimSpace (unicode.IsSpace) over bytes read as characters <= U+00FF.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g;
const NON_ASCII = /[^\x00-\x7f]/;

export interface WalkedPair {
    /** Key and value as the operator stores them: each byte as the character of that code, trimmed. */
    key: string;
    value: string;
    /** The same bytes decoded as UTF-8 and trimmed, as a person reads the text, for messages. */
    writtenKey: string;
    writtenValue: string;
    /** Part of the value was inside quotes (a quoted part always runs to the end of the value). */
    quoted: boolean;
    /** The untrimmed value, bytes as characters, to tell whether the trim removed anything. */
    untrimmedValue: string;
    /** How many "=" the parser dropped inside the value (every "=" after the first switches to value mode and is
     *  itself dropped). */
    droppedEquals: number;
    nonAscii: boolean;
}

/** Each byte as the character of that code, as Go's `string(byte)` appends it. */
function asBytes(bytes: number[]): string {
    return Buffer.from(bytes).toString("latin1");
}

function pair(key: number[], value: number[], quoted: boolean, droppedEquals: number): WalkedPair {
    const text = (bytes: number[]): string => Buffer.from(bytes).toString("utf8").replace(GO_SPACE, "");
    const rawValue = asBytes(value);
    return {
        key: asBytes(key).replace(GO_SPACE, ""),
        value: rawValue.replace(GO_SPACE, ""),
        writtenKey: text(key),
        writtenValue: text(value),
        quoted,
        untrimmedValue: rawValue,
        droppedEquals,
        nonAscii: NON_ASCII.test(asBytes(key)) || NON_ASCII.test(rawValue),
    };
}

/** The pairs in reading order (duplicates kept), or undefined where the parser fails. */
export function walkKeyValueList(value: string): WalkedPair[] | undefined {
    const bytes = Buffer.from(value, "utf8");
    const pairs: WalkedPair[] = [];
    let inKey = true;
    let quoted = false;
    let key: number[] = [];
    let val: number[] = [];
    let wasQuoted = false;
    let dropped = 0;
    const store = (): void => {
        pairs.push(pair(key, val, wasQuoted, dropped));
        key = [];
        val = [];
        wasQuoted = false;
        dropped = 0;
    };
    let i = 0;
    while (i < bytes.length) {
        const byte = bytes[i++];
        if (byte === EQUALS) {
            if (!inKey) dropped++;
            inKey = false;
            if (i >= bytes.length) return undefined;
            // The byte after "=" is taken as is, unless it is a quote, which opens a quoted value.
            const next = bytes[i++];
            if (next === QUOTE) {
                quoted = true;
                wasQuoted = true;
            } else val.push(next);
        } else if (byte === QUOTE) {
            if (inKey) return undefined;
            if (!quoted) {
                val.push(byte);
                continue;
            }
            quoted = false;
            inKey = true;
            store();
            if (i < bytes.length && bytes[i++] !== COMMA) return undefined;
        } else if (byte === COMMA) {
            if (quoted) val.push(byte);
            else {
                store();
                inKey = true;
            }
        } else if (inKey) key.push(byte);
        else val.push(byte);
    }
    if ((inKey && key.length > 0) || quoted) return undefined;
    if (!inKey) store();
    return pairs;
}

/** What the operator reads differently than written, one phrase each, in reading order. Only losses: an
 *  unquoted value keeps a `"`, and white space around unquoted keys and values (", " between pairs, a
 *  trailing newline) is formatting the trim removes as meant. */
export function readingChanges(pairs: WalkedPair[]): string[] {
    const changes: string[] = [];
    const lastValue = new Map(pairs.map((entry) => [entry.key, entry.value]));
    const seen = new Set<string>();
    for (const entry of pairs) {
        const name = JSON.stringify(entry.writtenKey);
        if (entry.key === "") {
            changes.push(
                `an empty key (a leading or doubled ",", or "=" with no key before it), which Kubernetes refuses as a label or annotation name`,
            );
        }
        if (entry.droppedEquals > 0) {
            changes.push(`the "=" inside the value of ${name} is dropped: it reads as ${JSON.stringify(entry.value)}`);
        }
        if (entry.quoted && entry.untrimmedValue !== entry.value) {
            changes.push(
                `the quoted value of ${name} has white space at its ends, which the parser trims: it reads as ${JSON.stringify(entry.value)}`,
            );
        }
        if (entry.nonAscii) {
            changes.push(
                `${name} holds non-ASCII text, which the parser reads byte by byte: ${JSON.stringify(`${entry.writtenKey}=${entry.writtenValue}`)} reads as ${JSON.stringify(`${entry.key}=${entry.value}`)}`,
            );
        }
        if (seen.has(entry.key) && entry.key !== "") {
            changes.push(
                `key ${name} is given more than once: only the last value (${JSON.stringify(lastValue.get(entry.key))}) is kept`,
            );
        }
        seen.add(entry.key);
    }
    return [...new Set(changes)];
}
