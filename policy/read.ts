// Reading resource properties that may be missing, of the wrong type, secret, or unknown during preview.
// Every reader answers with the value, `undefined` (absent), or CANNOT_TELL (present but unreadable), so a rule
// can tell "not set" (often fine) from "cannot tell" (never a crash, never a mandatory violation).

/** A value that is there but cannot be read: a secret, an unknown preview value, or the wrong type. */
export const CANNOT_TELL = Symbol("cannot tell");
export type CannotTell = typeof CANNOT_TELL;

// Pulumi's unknown sentinels (@pulumi/policy proxy.js, @pulumi/pulumi runtime/rpc): a value that is not known
// until the resource is created. The string one is the one `pulumi preview --json` writes.
const UNKNOWN_SENTINELS = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

// A secret in `pulumi stack export` and on the wire: {"4dabf18193072939515e22adb298388d":
// "1b47061264138c4ac30d75fd1eb44270", "ciphertext" | "plaintext" | "value": ...} (pulumi/pulumi
// sdk/go/common/resource/sig/sig.go).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Every sentinel is a UUID's 36 characters. */
const SENTINEL_LENGTH = 36;

export function isUnknown(value: unknown): boolean {
    // The length first: a Set lookup hashes the whole text, and every string a rule reads is asked about, each a
    // new string of the parsed export whose hash nothing has computed yet (issue 20).
    return typeof value === "string" && value.length === SENTINEL_LENGTH && UNKNOWN_SENTINELS.has(value);
}

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Unknown or secret: present, but its content cannot be read. */
export function isOpaque(value: unknown): boolean {
    return isUnknown(value) || isSecret(value);
}

export type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecret(value);
}

/** The value at `path` (object keys or array indexes), undefined when a step is missing, CANNOT_TELL when a step
 *  is opaque or of a type that cannot hold the next step. A path may be walked in parts:
 *  at(root, ...a, ...b) is at(at(root, ...a), ...b) (test/policy/read.spec.ts checks it). */
export function at(root: unknown, ...path: Array<string | number>): unknown {
    let current: unknown = root;
    // By index, not for-of: until it is optimized, for-of allocates an iterator and a result per step (issue 20).
    for (let index = 0; index < path.length; index++) {
        const step = path[index];
        if (current === undefined || current === null) return undefined;
        // Only an object holds a next step, and only one that is not a secret. Each step tests for a secret once:
        // every rule reads through here, many times per resource (issue 20).
        if (typeof current !== "object" || isSecret(current)) return CANNOT_TELL;
        if (typeof step === "number") {
            if (!Array.isArray(current)) return CANNOT_TELL;
            current = current[step];
        } else {
            if (Array.isArray(current)) return CANNOT_TELL;
            current = Object.prototype.hasOwnProperty.call(current, step) ? (current as Plain)[step] : undefined;
        }
    }
    if (current === null) return undefined;
    return isOpaque(current) ? CANNOT_TELL : current;
}

/** A string, undefined when absent, CANNOT_TELL for anything else. */
export function readString(value: unknown): string | undefined | CannotTell {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" && !isUnknown(value)) return value;
    return CANNOT_TELL;
}

/** An object, undefined when absent, CANNOT_TELL for anything else. */
export function readObject(value: unknown): Plain | undefined | CannotTell {
    if (value === undefined || value === null) return undefined;
    return isPlainObject(value) ? value : CANNOT_TELL;
}

/** An array, undefined when absent, CANNOT_TELL for anything else. */
export function readArray(value: unknown): unknown[] | undefined | CannotTell {
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value : CANNOT_TELL;
}

/** A string map such as labels or annotations: each entry a string or CANNOT_TELL. */
export type StringMap = Map<string, string | CannotTell>;

export function readStringMap(value: unknown): StringMap | undefined | CannotTell {
    const object = readObject(value);
    if (object === undefined || object === CANNOT_TELL) return object;
    const map: StringMap = new Map();
    // for-in with the own-key test, not Object.entries or Object.keys: the same keys in the same order, and no list
    // made for every label and annotation map read (issue 20).
    for (const key in object) {
        if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
        const text = readString(object[key]);
        if (text !== undefined) map.set(key, text);
    }
    return map;
}

/** For messages: a short, safe rendering of any value. */
export function show(value: unknown): string {
    if (value === CANNOT_TELL) return "(cannot tell)";
    if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    try {
        const text = JSON.stringify(value);
        if (text === undefined) return String(value);
        return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
        // Cyclic, or with a toJSON that throws: name the kind of value, never throw (null never gets here).
        return Array.isArray(value) ? "(an array)" : `(a ${typeof value})`;
    }
}

/** A version as the provider would send it: a string, or a number written where a string is expected (Pulumi
 *  and the Terraform-bridged providers turn it into its decimal text, so YAML `1.28` is "1.28" and `1.30` is
 *  "1.3"). Undefined when absent, CANNOT_TELL for anything else. */
export function readVersionText(value: unknown): string | undefined | CannotTell {
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : CANNOT_TELL;
    return readString(value);
}

/**
 * The text of a string asset; CANNOT_TELL for a file or remote asset, a secret, or anything else. An asset in
 * `pulumi stack export` and on the wire is {"4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17",
 * "text" | "path" | "uri": ...} (pulumi/pulumi sdk/go/common/resource asset.go, AssetSig), and the SDK's own
 * StringAsset object has `text` too: only a string `text` is content, whatever the signature says.
 */
export function readAssetText(value: unknown): string | CannotTell {
    if (typeof value !== "object" || value === null || isSecret(value)) return CANNOT_TELL;
    const text = (value as Record<string, unknown>).text;
    return typeof text === "string" && !isUnknown(text) ? text : CANNOT_TELL;
}
