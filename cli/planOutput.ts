/**
 * Renders a recorded plan: the resource tree as `pulumi preview` prints it, and the files of `--out DIR`
 * (every Kubernetes object, each Helm release's values, the asmcli overlay and script).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { PlannedResource } from "./engine";
import { UsageError } from "./inputFiles";
import { isChartType, OUTLINE_DIR, outlineHeader } from "./tagOutline";

/** The plan as a tree by parent, in declaration order, with pulumi's box-drawing prefixes. */
export function formatTree(resources: PlannedResource[]): string {
    const children = new Map<string | undefined, PlannedResource[]>();
    const known = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = r.parent !== undefined && known.has(r.parent) ? r.parent : undefined;
        // push, not a spread copy: a thousand namespaces under one parent would make this quadratic.
        const siblings = children.get(parent);
        if (siblings === undefined) children.set(parent, [r]);
        else siblings.push(r);
    }
    const rows: Array<[string, string]> = [];
    const walk = (parent: string | undefined, prefix: string) => {
        const kids = children.get(parent) ?? [];
        kids.forEach((r, i) => {
            const last = i === kids.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            rows.push([`${prefix}${branch}${r.type}`, r.name]);
            walk(r.urn, parent === undefined ? prefix : prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    // reduce, not Math.max(...rows): spreading tens of thousands of arguments overflows the stack.
    const width = rows.reduce((widest, [t]) => Math.max(widest, t.length), 4) + 2;
    const lines = [`     ${"Type".padEnd(width)}Name`];
    for (const [type, name] of rows) lines.push(` +   ${type.padEnd(width)}${name}`);
    lines.push("", "Resources:", `    + ${resources.length} to create`);
    return lines.join("\n");
}

const isKubernetesObject = (r: PlannedResource) =>
    r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/");

function fileSafe(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
}

/** Pulumi's signature key and value of a secret, as the plan records it (`plainValue`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (value: unknown) =>
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;

/** What a secret is written as in the files: the plan never holds its plaintext. */
export const SECRET_IN_FILES = "[secret]";

/** A recorded value as a file shows it: every secret as `[secret]`; says whether there was one. */
function withSecretsMasked(value: unknown): { value: unknown; secret: boolean } {
    if (isSecret(value)) return { value: SECRET_IN_FILES, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(withSecretsMasked);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value === null || typeof value !== "object") return { value, secret: false };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        const masked = withSecretsMasked(v);
        out[k] = masked.value;
        secret ||= masked.secret;
    }
    return { value: out, secret };
}

/** YAML of a recorded value; a file holding a secret says where it stands in and what to do before applying it. */
function yamlOf(value: unknown, header = ""): string {
    const masked = withSecretsMasked(value);
    const note = masked.secret
        ? `# Holds secret values, written as ${SECRET_IN_FILES}: put the real values in before applying this file.\n`
        : "";
    return header + note + stringify(masked.value);
}

/** The install script when it holds a secret: not written, only a script that says so. */
const SECRET_INSTALL_SH = [
    "#!/bin/sh",
    "# The asmcli install holds a secret value of the stack's configuration (an asmcli option, a kubeconfig path",
    "# or context), so nativemesh preview does not write it; `pulumi up` runs it with the decrypted value.",
    `echo "nativemesh: the asmcli install script holds a secret value and was not written" >&2`,
    "exit 1",
    "",
].join("\n");

/** The files `--out DIR` writes: name → contents. Pure, so it is tested without touching the disk. Objects a
 *  chart renders (the revision tags') are outlines offline: under `outline/`, never `k8s/` (cli/tagOutline.ts). */
export function planFiles(resources: PlannedResource[]): Map<string, string> {
    const files = new Map<string, string>();
    const put = (name: string, text: string) => {
        let unique = name;
        for (let n = 2; files.has(unique); n++) unique = name.replace(/(\.outline)?\.(\w+)$/, `-${n}$1.$2`);
        files.set(unique, text);
        return unique;
    };
    // Each chart's inputs and values file, met before its objects (a chart declares its objects as it renders).
    const charts = new Map<string, { inputs: Record<string, unknown>; valuesFile: string }>();
    for (const r of resources) {
        const inputs = r.inputs;
        if (isChartType(r.type)) {
            const header = `# Values of the chart ${r.name}, which the outlines' helm template command reads\n`;
            const valuesFile = put(`helm/${fileSafe(r.name)}-values.yaml`, yamlOf(inputs.values ?? {}, header));
            charts.set(r.urn, { inputs, valuesFile });
        } else if (isKubernetesObject(r)) {
            const meta = (inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
            const parts = [inputs.kind, meta.namespace, meta.name ?? r.name].filter((p) => typeof p === "string");
            const chart = r.parent !== undefined ? charts.get(r.parent) : undefined;
            if (chart === undefined) put(`k8s/${fileSafe(parts.join("-"))}.yaml`, yamlOf(inputs));
            else
                put(
                    `${OUTLINE_DIR}/${fileSafe(parts.join("-"))}.outline.yaml`,
                    yamlOf(inputs, outlineHeader(chart.inputs, chart.valuesFile)),
                );
        } else if (r.type === "kubernetes:helm.sh/v3:Release") {
            const header = `# Helm release ${String(inputs.name ?? r.name)}: chart ${String(inputs.chart)} ${String(inputs.version)}\n`;
            put(`helm/${fileSafe(String(inputs.name ?? r.name))}-values.yaml`, yamlOf(inputs.values ?? {}, header));
        } else if (r.type === "command:local:Command") {
            const env = (inputs.environment ?? {}) as Record<string, unknown>;
            if (typeof env.NATIVEMESH_OVERLAY === "string") put("asmcli/overlay.yaml", env.NATIVEMESH_OVERLAY);
            if (typeof inputs.create === "string") put("asmcli/install.sh", INSTALL_SH_HEADER + inputs.create);
            else if (isSecret(inputs.create)) put("asmcli/install.sh", SECRET_INSTALL_SH);
        }
    }
    return files;
}

/** What `pulumi up` gives the install script in its environment, read here from the overlay written beside it,
 *  so the script runs as written. */
const INSTALL_SH_HEADER = [
    "#!/bin/sh",
    "# The asmcli install `pulumi up` runs (command:local:Command), written by `nativemesh preview --out`.",
    "# Run it from the project folder (relative paths are taken from there). It reads overlay.yaml beside it; a",
    "# kubeconfig given by its contents is read on standard input: ./install.sh < kubeconfig",
    'NATIVEMESH_OVERLAY="$(cat "$(dirname "$0")/overlay.yaml")"',
    "export NATIVEMESH_OVERLAY",
    "",
].join("\n");

/** The list of what an earlier `--out` wrote, kept in the folder so the next run can replace exactly that. */
export const OUT_MANIFEST = ".nativemesh-out";

/** The mode of each written file: the install script runs as written, the rest is read. */
const modeOf = (name: string) => (name.endsWith(".sh") ? 0o755 : 0o644);

function fail(dir: string, why: string): never {
    throw new UsageError(`--out ${dir}: cannot write the plan files there (${why})`);
}

function lstat(file: string): fs.Stats | undefined {
    try {
        return fs.lstatSync(file);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
    }
}

/** The files an earlier run listed, if the folder holds its list; only plain relative names inside the folder. */
function earlierFiles(dir: string): string[] | undefined {
    const list = path.join(dir, OUT_MANIFEST);
    const stat = lstat(list);
    if (stat === undefined || !stat.isFile()) return undefined;
    return fs
        .readFileSync(list, "utf8")
        .split("\n")
        .filter((name) => name !== "" && !path.isAbsolute(name) && !name.split("/").includes(".."));
}

/** Everything under dir, as relative paths (folders end with /), without following links. */
function contents(dir: string, prefix = ""): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
        const name = prefix + entry.name;
        if (entry.isDirectory()) found.push(`${name}/`, ...contents(dir, `${name}/`));
        else found.push(name);
    }
    return found;
}

/**
 * Why the existing folder at `absolute` may not be replaced, or undefined when it may: it must be a folder (not a
 * link), empty or holding only what an earlier `--out` listed, so that `kubectl apply -f DIR` never applies
 * files of an earlier plan and no file of the user's is lost.
 */
function notReplaceable(absolute: string, stat: fs.Stats): string | undefined {
    if (stat.isSymbolicLink()) return "it is a symbolic link: give the folder itself";
    if (!stat.isDirectory()) return "it is not a directory";
    const found = contents(absolute);
    if (found.length === 0) return undefined;
    const earlier = earlierFiles(absolute);
    const ours = new Set([OUT_MANIFEST, ...(earlier ?? [])]);
    for (const name of earlier ?? [])
        for (let d = path.dirname(name); d !== "."; d = path.dirname(d)) ours.add(`${d}/`);
    const foreign = found.filter((name) => !ours.has(name));
    if (earlier === undefined || foreign.length > 0) {
        return `it holds ${(foreign[0] ?? found[0]).replace(/\/$/, "")}, which an earlier --out did not write: give a new or empty folder`;
    }
    return undefined;
}

/**
 * Checks, before any work, that `--out DIR` can be written, and creates nothing: DIR is new (under a folder that
 * can be written), or empty, or what an earlier `--out` wrote. The files are written later by writePlanFiles,
 * all at once, so a preview that fails leaves nothing behind.
 */
export function prepareOutDir(dir: string): void {
    const absolute = path.resolve(dir);
    try {
        const stat = lstat(absolute);
        if (stat !== undefined) {
            const why = notReplaceable(absolute, stat);
            if (why !== undefined) fail(dir, why);
            fs.accessSync(path.dirname(absolute), fs.constants.W_OK);
            return;
        }
        let existing = path.dirname(absolute);
        while (lstat(existing) === undefined && path.dirname(existing) !== existing) existing = path.dirname(existing);
        if (!fs.statSync(existing).isDirectory()) fail(dir, `${existing} is not a directory`);
        // A folder made and removed at once: the one sure test that folders can be made there (access(2) says
        // yes to root under /proc, where nothing can be made).
        fs.rmdirSync(fs.mkdtempSync(path.join(existing, ".nativemesh-probe-")));
    } catch (error) {
        if (error instanceof UsageError) throw error;
        throw outDirError(dir, error);
    }
}

function outDirError(dir: string, error: unknown): UsageError {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
        code === "EEXIST" || code === "ENOTDIR"
            ? "it is not a directory"
            : code === "EACCES" || code === "EPERM" || code === "EROFS"
              ? "permission denied"
              : code === "ENOENT"
                ? "the folder cannot be made there"
                : (code ?? "cannot write");
    return new UsageError(`--out ${dir}: cannot write the plan files there (${why})`);
}

/** Makes the missing folders above `absolute`, one level at a time (a path under a file or /proc fails at once). */
function makeParents(absolute: string): void {
    const missing: string[] = [];
    for (let d = path.dirname(absolute); lstat(d) === undefined && path.dirname(d) !== d; d = path.dirname(d)) {
        missing.unshift(d);
    }
    for (const folder of missing) fs.mkdirSync(folder);
}

/** Writes the plan files into `staging`, a fresh private folder made for them; returns their names. Each file is
 *  created new (O_EXCL) and never through a link (O_NOFOLLOW), and only inside the folder. */
function writeInto(staging: string, dir: string, resources: PlannedResource[]): string[] {
    const names: string[] = [];
    for (const [name, text] of planFiles(resources)) {
        const target = path.resolve(staging, name);
        if (!target.startsWith(staging + path.sep)) fail(dir, `${name} would be outside the folder`);
        for (let d = path.dirname(target); d !== staging; d = path.dirname(d)) {
            const stat = lstat(d);
            if (stat?.isSymbolicLink() || (stat !== undefined && !stat.isDirectory())) {
                fail(dir, `${path.relative(staging, d)} is not a folder nativemesh made`);
            }
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const fd = fs.openSync(
            target,
            fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
            modeOf(name),
        );
        try {
            fs.writeFileSync(fd, text);
        } finally {
            fs.closeSync(fd);
        }
        names.push(name);
    }
    fs.writeFileSync(path.join(staging, OUT_MANIFEST), names.join("\n") + "\n", { flag: "wx" });
    return names;
}

/**
 * Writes planFiles as `dir` (checked by prepareOutDir): into a fresh temporary folder beside it, then renamed into
 * place, so no file is ever written through DIR itself. A DIR swapped meanwhile for a link receives nothing (a
 * rename replaces neither a link nor a non-empty folder); an earlier `--out` folder is checked again, moved aside
 * and removed once the new one stands. Returns the paths written.
 */
export function writePlanFiles(dir: string, resources: PlannedResource[]): string[] {
    const absolute = path.resolve(dir);
    const parent = path.dirname(absolute);
    let staging: string | undefined;
    try {
        makeParents(absolute);
        // mkdtemp: a new folder of a name no one could prepare, mode 0700 until it is complete.
        staging = fs.mkdtempSync(path.join(parent, `.${path.basename(absolute)}.nativemesh-`));
        const names = writeInto(staging, dir, resources);
        fs.chmodSync(staging, 0o755);
        const stat = lstat(absolute);
        let aside: string | undefined;
        if (stat !== undefined) {
            const why = notReplaceable(absolute, stat);
            if (why !== undefined) fail(dir, why);
            if (contents(absolute).length > 0) {
                aside = fs.mkdtempSync(path.join(parent, `.${path.basename(absolute)}.nativemesh-old-`));
                fs.renameSync(absolute, path.join(aside, "out"));
            }
        }
        fs.renameSync(staging, absolute);
        staging = undefined;
        if (aside !== undefined) removeEarlier(aside);
        return names.map((name) => path.join(dir, name));
    } catch (error) {
        if (error instanceof UsageError) throw error;
        throw outDirError(dir, error);
    } finally {
        if (staging !== undefined) fs.rmSync(staging, { recursive: true, force: true });
    }
}

/** Removes the earlier `--out` folder moved aside, if it still holds only what that run listed (a link is
 *  unlinked, never followed); otherwise it is left where it is. */
function removeEarlier(aside: string): void {
    const moved = path.join(aside, "out");
    const stat = lstat(moved);
    if (stat === undefined || stat.isSymbolicLink()) {
        if (stat !== undefined) fs.unlinkSync(moved);
        fs.rmdirSync(aside);
        return;
    }
    if (notReplaceable(moved, stat) !== undefined) return;
    // rmSync removes links inside as links, never what they point at.
    fs.rmSync(aside, { recursive: true, force: true });
}
