/**
 * Renders a recorded plan: the resource tree as `pulumi preview` prints it, and the files of `--out DIR`
 * (every Kubernetes object, each Helm release's values, the asmcli overlay and script).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { PlannedResource } from "./engine";
import { UsageError } from "./inputFiles";

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

/** The files `--out DIR` writes: name → contents. Pure, so it is tested without touching the disk. */
export function planFiles(resources: PlannedResource[]): Map<string, string> {
    const files = new Map<string, string>();
    const put = (name: string, text: string) => {
        let unique = name;
        for (let n = 2; files.has(unique); n++) unique = name.replace(/\.(\w+)$/, `-${n}.$1`);
        files.set(unique, text);
    };
    for (const r of resources) {
        const inputs = r.inputs;
        if (isKubernetesObject(r)) {
            const meta = (inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
            const parts = [inputs.kind, meta.namespace, meta.name ?? r.name].filter((p) => typeof p === "string");
            put(`k8s/${fileSafe(parts.join("-"))}.yaml`, stringify(inputs));
        } else if (r.type === "kubernetes:helm.sh/v3:Release") {
            const header = `# Helm release ${String(inputs.name ?? r.name)}: chart ${String(inputs.chart)} ${String(inputs.version)}\n`;
            put(`helm/${fileSafe(String(inputs.name ?? r.name))}-values.yaml`, header + stringify(inputs.values ?? {}));
        } else if (r.type === "command:local:Command") {
            const env = (inputs.environment ?? {}) as Record<string, unknown>;
            if (typeof env.NATIVEMESH_OVERLAY === "string") put("asmcli/overlay.yaml", env.NATIVEMESH_OVERLAY);
            if (typeof inputs.create === "string") put("asmcli/install.sh", `#!/bin/sh\n${inputs.create}`);
        }
    }
    return files;
}

/** Makes sure `--out DIR` can be written, before any work: a UsageError naming it otherwise. */
export function prepareOutDir(dir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
    } catch (error) {
        throw outDirError(dir, error);
    }
}

function outDirError(dir: string, error: unknown): UsageError {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
        code === "EEXIST" || code === "ENOTDIR"
            ? "it is not a directory"
            : code === "EACCES"
              ? "permission denied"
              : (code ?? "cannot write");
    return new UsageError(`--out ${dir}: cannot write the plan files there (${why})`);
}

/** Writes planFiles under dir, creating folders; returns the paths written. */
export function writePlanFiles(dir: string, resources: PlannedResource[]): string[] {
    const written: string[] = [];
    try {
        for (const [name, text] of planFiles(resources)) {
            const target = path.join(dir, name);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, text);
            written.push(target);
        }
    } catch (error) {
        throw outDirError(dir, error);
    }
    return written;
}
