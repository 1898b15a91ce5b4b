/**
 * Which values of the stack configuration are secret, where they are, and how to keep them out of messages.
 *
 * Pulumi hands a program its config decrypted (`PULUMI_CONFIG`) and names only the top-level keys that hold a
 * secret (`PULUMI_CONFIG_SECRET_KEYS`, `isConfigSecret`): `nativemesh:mesh` is secret as a whole as soon as
 * `pulumi config set --secret --path nativemesh:mesh.istiodValues.pilot.env.TOKEN` put one encrypted leaf in
 * it. The stack file (`stacks/Pulumi.<stack>.yaml`) holds that leaf as `{secure: v1:...}` at its path, so the
 * leaves are read from there, but only when the file says exactly what the engine gave the program (it may have
 * run with `--config-file`). When it does not, every value under the secret key counts as secret.
 *
 * Pure: no Pulumi import (the offline preview and the program share it).
 */

/** A path inside the `nativemesh:` config, without the namespace: `["mesh", "istiodValues", "pilot"]`. */
export type ConfigPath = ReadonlyArray<string | number>;

/** What a secret value is shown as, wherever it would otherwise be echoed. */
export const REDACTED = "[secret]";

const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value);

/** A stack file's encrypted value: `{secure: "v1:..."}` and nothing else. */
export function isSecureValue(value: unknown): boolean {
    if (!isObject(value)) return false;
    const keys = Object.keys(value);
    return keys.length === 1 && keys[0] === "secure" && typeof value.secure === "string";
}

/** Every path of a `{secure: ...}` value inside one value (the value itself is `[]`). */
function securePathsIn(value: unknown, at: ConfigPath = []): ConfigPath[] {
    if (isSecureValue(value)) return [at];
    if (Array.isArray(value)) return value.flatMap((v, i) => securePathsIn(v, [...at, i]));
    if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => securePathsIn(v, [...at, k]));
    return [];
}

/** The key of a `namespace:key` config entry when its namespace is `namespace`. */
function keyIn(namespace: string, fullKey: string): string | undefined {
    const colon = fullKey.indexOf(":");
    return colon > 0 && fullKey.slice(0, colon) === namespace ? fullKey.slice(colon + 1) : undefined;
}

/**
 * The paths of the encrypted values of a stack file's `config:` map, inside `namespace` (`nativemesh`):
 * `nativemesh:mesh: {istiodValues: {pilot: {env: {TOKEN: {secure: ...}}}}}` gives
 * `["mesh", "istiodValues", "pilot", "env", "TOKEN"]`; a whole key set with `--secret` gives `["mesh"]`.
 */
export function stackFileSecretPaths(fileConfig: Record<string, unknown>, namespace: string): ConfigPath[] {
    return Object.entries(fileConfig).flatMap(([fullKey, value]) => {
        const key = keyIn(namespace, fullKey);
        return key === undefined ? [] : securePathsIn(value, [key]);
    });
}

/** The full keys (`nativemesh:mesh`) of a stack file that hold an encrypted value, at the top or nested: what
 *  the engine lists in `PULUMI_CONFIG_SECRET_KEYS`. */
export function stackFileSecretKeys(fileConfig: Record<string, unknown>): string[] {
    return Object.entries(fileConfig)
        .filter(([, value]) => securePathsIn(value).length > 0)
        .map(([fullKey]) => fullKey);
}

/**
 * Whether the stack file's value (with `{secure}` leaves) is the value the engine gave (decrypted): equal
 * everywhere but at the encrypted leaves, whose plaintext is unknown here. Only values holding a leaf are compared
 * (a `{secure}` value, a list or a map), so a top-level scalar, which the engine hands over as a string, never is.
 */
function sameBesideSecrets(file: unknown, given: unknown): boolean {
    if (isSecureValue(file)) return given !== undefined;
    if (Array.isArray(file)) {
        return (
            Array.isArray(given) && file.length === given.length && file.every((v, i) => sameBesideSecrets(v, given[i]))
        );
    }
    if (isObject(file)) {
        if (!isObject(given)) return false;
        const keys = Object.keys(file);
        if (keys.length !== Object.keys(given).length) return false;
        return keys.every((k) => k in given && sameBesideSecrets(file[k], given[k]));
    }
    return file === given;
}

/**
 * The secret paths of a run. `secretKeys` are the keys the engine says are secret (without the namespace:
 * `mesh`), `config` the decrypted values it gave (`namespaceConfig` of them), `fileConfig` the stack file's
 * `config:` map, if one was found. A secret key whose file value matches the given one yields the file's
 * encrypted leaves; any other secret key is secret as a whole.
 */
export function locateSecretPaths(
    secretKeys: readonly string[],
    config: Record<string, unknown>,
    fileConfig: Record<string, unknown> | undefined,
    namespace: string,
): { paths: ConfigPath[]; wholeKeys: string[] } {
    const paths: ConfigPath[] = [];
    const wholeKeys: string[] = [];
    for (const key of secretKeys) {
        const fromFile = fileConfig?.[`${namespace}:${key}`];
        const leaves = securePathsIn(fromFile, [key]);
        if (leaves.length > 0 && sameBesideSecrets(fromFile, config[key])) {
            paths.push(...leaves);
        } else {
            paths.push([key]);
            wholeKeys.push(key);
        }
    }
    return { paths, wholeKeys };
}

/** `*` in a pattern matches any one key or index. */
const startsWith = (path: ConfigPath, prefix: ConfigPath) =>
    prefix.length <= path.length && prefix.every((part, i) => part === "*" || String(part) === String(path[i]));

/**
 * The config values that can be kept secret, because nativemesh passes them only where Pulumi can keep them
 * secret: a credential or free-form values (Helm values, annotations) that name no resource. Anything else (names,
 * versions, CIDRs, flags, the canary's URL) shapes resources and their names, which every plan shows.
 */
export const SECRET_CAPABLE: readonly ConfigPath[] = [
    ["existing", "kubeconfig"],
    ["existing", "context"],
    ["mesh", "istiodValues"],
    ["mesh", "revisions", "*", "istiodValues"],
    ["mesh", "baseValues"],
    ["mesh", "asmcli", "options"],
    ["mesh", "alibaba", "controlPlaneKubeconfig"],
    ["formance", "serviceAnnotations", "*", "*"],
    ["formance", "deploymentAnnotations", "*", "*"],
    ["formance", "jobAnnotations", "*", "*"],
    ["formance", "operator", "values"],
    ["namespaces", "*", "podTemplateAnnotations", "*"],
];

/**
 * A secret path that is not at or below a value that can be kept secret (see SECRET_CAPABLE), if any. A path
 * above one (`mesh`, `namespaces`, `formance` given whole with `--secret`) is refused too: it also holds names,
 * revisions and namespaces, which land in URNs and plans in plaintext whatever Pulumi is told.
 */
export function uncoverableSecret(paths: readonly ConfigPath[]): ConfigPath | undefined {
    return paths.find((secret) => !SECRET_CAPABLE.some((capable) => startsWith(secret, capable)));
}

/** Whether the value at `path` lies above values that can be kept secret (`mesh` above `mesh.istiodValues`). */
export function isAboveSecretCapable(path: ConfigPath): boolean {
    return SECRET_CAPABLE.some((capable) => capable.length > path.length && startsWith(capable, path));
}

/** Whether the value at `path` is secret or holds a secret somewhere inside it. */
export function holdsSecret(paths: readonly ConfigPath[] | undefined, path: ConfigPath): boolean {
    return (paths ?? []).some((secret) => startsWith(path, secret) || startsWith(secret, path));
}

/** A copy of `value` (the config, or the spec made from it) with every secret value replaced by REDACTED. */
export function redactSecrets<T>(value: T, paths: readonly ConfigPath[] | undefined, at: ConfigPath = []): T {
    if (!holdsSecret(paths, at)) return value;
    if ((paths ?? []).some((secret) => startsWith(at, secret))) return REDACTED as T;
    if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, paths, [...at, i])) as T;
    if (isObject(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, paths, [...at, k])])) as T;
    }
    return value;
}

/** The plaintext strings (and numbers, as written) under the secret paths of `config`. */
export function secretTexts(config: unknown, paths: readonly ConfigPath[] | undefined): string[] {
    const found = new Set<string>();
    const walk = (value: unknown, at: ConfigPath) => {
        if (!holdsSecret(paths, at)) return;
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
            if ((paths ?? []).some((secret) => startsWith(at, secret))) found.add(String(value));
        } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
        else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    };
    walk(config, []);
    return [...found].filter((text) => text !== "" && text !== REDACTED);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `message` with every secret text of `config` replaced by REDACTED, also in its JSON-escaped form (values are
 * quoted as JSON). A short secret (under 6 characters) is replaced only where it stands as a word of its own, so
 * that the rest of the message still reads.
 */
export function scrubSecrets(message: string, config: unknown, paths: readonly ConfigPath[] | undefined): string {
    // The key a config message starts with (`nativemesh:namespaces[1].labels.a: `) names where, never a value: a
    // short secret such as "1" must not turn `[1]` into `[[secret]]`.
    const key = /^nativemesh:\S*: /.exec(message)?.[0] ?? "";
    let out = message.slice(key.length);
    const texts = secretTexts(config, paths).flatMap((t) => [t, JSON.stringify(t).slice(1, -1)]);
    for (const text of [...new Set(texts)].sort((a, b) => b.length - a.length)) {
        const pattern =
            text.length >= 6 ? escapeRegExp(text) : `(?<![A-Za-z0-9_.-])${escapeRegExp(text)}(?![A-Za-z0-9_-])`;
        out = out.replace(new RegExp(pattern, "g"), REDACTED);
    }
    return key + out;
}
