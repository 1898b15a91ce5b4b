/** The real API server checks every Kubernetes object of every shipped stack's offline plan (server-side dry run). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ROOT, RUN } from "../lib/env";
import { kubectl } from "../lib/kubectl";
import { step } from "../lib/log";
import { expect, Spec } from "../lib/spec";

/** Kinds that exist only in a cloud's own control plane: their CRD is not public, so the API server here
 *  cannot check them (Alibaba Service Mesh's ASMMeshConfig lives on the ASM control plane). */
const CLOUD_ONLY_KINDS = new Set(["ASMMeshConfig"]);

function shippedStacks(): string[] {
    return fs
        .readdirSync(path.join(ROOT, "stacks"))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined && !s.startsWith("e2e-"));
}

export const serverDryRun: Spec = {
    name: "the real API server accepts every Kubernetes object of every shipped stack's plan (server-side dry run)",
    async run(ctx) {
        const notChecked: string[] = [];
        const refused: string[] = [];
        const created: string[] = [];
        let checked = 0;
        for (const stack of shippedStacks()) {
            const out = path.join(RUN, "plans", stack);
            fs.rmSync(out, { recursive: true, force: true });
            const res = spawnSync("node", ["cli/nativemesh.js", "preview", "--stack", stack, "--out", out], {
                cwd: ROOT,
                encoding: "utf8",
            });
            expect(res.status === 0, `preview --stack ${stack} --out exit ${res.status}: ${res.stderr}`);
            const dir = path.join(out, "k8s");
            const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")) : [];
            // Namespaced objects need their namespace to exist, even in a dry run: create the missing ones.
            for (const file of files) {
                for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) {
                    const obj = doc.toJS() as { metadata?: { namespace?: string } } | null;
                    const ns = obj?.metadata?.namespace;
                    if (ns && kubectl(["get", "namespace", ns]).status !== 0) {
                        kubectl(["create", "namespace", ns]);
                        created.push(ns);
                    }
                }
            }
            for (const file of files) {
                const text = fs.readFileSync(path.join(dir, file), "utf8");
                const kind = /^kind:\s*(\S+)/m.exec(text)?.[1] ?? "?";
                if (CLOUD_ONLY_KINDS.has(kind)) {
                    notChecked.push(`${stack}/${file} (${kind}: no public CRD)`);
                    continue;
                }
                // Each object as a fresh cluster would take it: created, or, where the local stack already made one of
                // that name, replaced whole (an apply would merge it with the local stack's object, e.g. a webhook's
                // url with a shipped stack's service, which no real cluster would see).
                const manifest = path.join(dir, file);
                let write = kubectl(["create", "--dry-run=server", "-f", manifest]);
                if (write.status !== 0 && /AlreadyExists|already exists/.test(write.stderr))
                    write = kubectl(["replace", "--dry-run=server", "-f", manifest]);
                checked++;
                if (write.status !== 0) refused.push(`${stack}/${file}: ${write.stderr.trim()}`);
            }
        }
        for (const ns of created) kubectl(["delete", "namespace", ns, "--wait=false"]);
        ctx.facts.dryRunChecked = checked;
        step(`server-side dry run: ${checked} objects checked; not checked: ${notChecked.join("; ") || "none"}`);
        expect(checked > 0, "no object was checked");
        expect(refused.length === 0, `the API server refused:\n${refused.join("\n")}`);
    },
};
